"""Read `content/` (droits/*.yaml, organisations.yaml, modeles/*.md) into a `Content`.

A file that fails validation is reported with its name and field. When a previous good
content is given (a reload), that file's previous version stays in service; on the first
load the file is left out. Broken `!droit x` links inside texts are reported but do not
take a topic out of service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from commands.droit import texts
from commands.droit.model import Content, Organisation, Problem, Template, Topic
from commands.droit.validate import (
    cross_problems,
    organisations_from,
    template_from,
    topic_from,
)

TOPICS_DIR = "droits"
ORGANISATIONS_FILE = "organisations.yaml"
TEMPLATES_DIR = "modeles"
_FRONT = "---"


class _StrictLoader(yaml.CSafeLoader):
    """Safe YAML loader that refuses a key written twice in one mapping."""


def _no_duplicate_keys(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé « {key} » en double", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _no_duplicate_keys,
)


@dataclass(frozen=True)
class LoadReport:
    """What a (re)load produced: the content to serve, every problem, and files kept as before."""

    content: Content
    problems: tuple[Problem, ...] = ()
    kept: tuple[str, ...] = ()  # files whose previous good version stays in service
    left_out: tuple[str, ...] = ()  # broken files with no previous version


class _Reader:
    def __init__(self, content_dir: Path) -> None:
        self.dir = content_dir
        self.problems: list[Problem] = []

    def yaml(self, path: Path, name: str) -> tuple[bool, Any]:
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(name, "", texts.V_UNREADABLE.format(reason=_why(exc))))
            return False, None
        return self.parse(raw, name)

    def parse(self, raw: str, name: str, line_offset: int = 0) -> tuple[bool, Any]:
        try:
            return True, yaml.load(raw, Loader=_StrictLoader)  # a safe loader
        except yaml.YAMLError as exc:
            self.problems.append(
                Problem(name, "", texts.V_BAD_YAML.format(reason=_yaml_reason(exc, line_offset)))
            )
            return False, None

    def template(self, path: Path) -> Template | None:
        name = path.name
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(name, "", texts.V_UNREADABLE.format(reason=_why(exc))))
            return None
        lines = raw.splitlines()
        try:
            end = lines.index(_FRONT, 1) if lines and lines[0].strip() == _FRONT else -1
        except ValueError:
            end = -1
        if end < 0:
            self.problems.append(Problem(name, "", texts.V_NO_FRONT_MATTER))
            return None
        ok, front = self.parse("\n".join(lines[1:end]), name, line_offset=1)
        if not ok:
            return None
        return template_from(front, "\n".join(lines[end + 1 :]), name, self.problems)


def read_content(content_dir: Path, previous: Content | None = None) -> LoadReport:
    """Load and validate everything under `content_dir` (blocking file I/O)."""
    reader = _Reader(content_dir)
    kept: list[str] = []
    left_out: list[str] = []

    topics: list[Topic] = []
    topic_paths = sorted((content_dir / TOPICS_DIR).glob("*.yaml"))
    if not topic_paths:
        # A missing or emptied folder is a mistake, not a wish to remove every topic.
        reader.problems.append(Problem(f"{TOPICS_DIR}/", "", texts.V_NO_TOPICS))
        if previous is not None and previous.topics:
            topics.extend(previous.topics)
            kept.append(f"{TOPICS_DIR}/")
    for path in topic_paths:
        ok, data = reader.yaml(path, path.name)
        topic = topic_from(data, path.name, reader.problems) if ok else None
        if topic is None:
            old = previous.topic(path.stem) if previous else None
            (kept if old else left_out).append(path.name)
            topic = old
        if topic is not None:
            topics.append(topic)

    organisations: Sequence[Organisation] = ()
    org_path = content_dir / ORGANISATIONS_FILE
    before = len(reader.problems)
    if not org_path.exists():
        reader.problems.append(Problem(ORGANISATIONS_FILE, "", texts.V_MISSING_FILE))
    else:
        ok, data = reader.yaml(org_path, ORGANISATIONS_FILE)
        if ok:
            organisations = organisations_from(data, ORGANISATIONS_FILE, reader.problems)
    if len(reader.problems) > before:
        organisations = previous.organisations if previous else ()
        (kept if organisations else left_out).append(ORGANISATIONS_FILE)

    templates: list[Template] = []
    for path in sorted((content_dir / TEMPLATES_DIR).glob("*.md")):
        template = reader.template(path)
        if template is None:
            old_template = previous.template(path.stem) if previous else None
            (kept if old_template else left_out).append(path.name)
            template = old_template
        if template is not None:
            templates.append(template)

    content = Content(
        topics=tuple(sorted(topics, key=lambda t: t.id)),
        organisations=tuple(organisations),
        templates=tuple(sorted(templates, key=lambda t: t.id)),
    )
    problems = [*reader.problems, *cross_problems(content)]
    return LoadReport(content, tuple(problems), tuple(kept), tuple(left_out))


def _why(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "le fichier n'est pas en UTF-8"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return exc.__class__.__name__


def _yaml_reason(exc: yaml.YAMLError, line_offset: int) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or exc.__class__.__name__
    if mark is not None:
        return f"{problem}, ligne {mark.line + 1 + line_offset}"
    return str(problem)

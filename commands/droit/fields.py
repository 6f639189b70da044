"""A strict reader for one mapping of a content file: every problem names the file and field.

List indexes in field paths count from 1, as a person editing the file counts the dashes:
``caf.yaml: que_faire[2]: plus de 300 caractères (312)``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from commands.droit import texts
from commands.droit.model import Problem

URL = re.compile(r"^(https?://[^\s/]+(/\S*)?|mailto:\S+@\S+)$")
SEED_REF = re.compile(r"^seed:(?P<file>[\w.-]+\.txt):(?P<lines>\d+(?:-\d+)?)$")
SEED_FILE = re.compile(r"^[\w.-]+\.txt$")
LINES = re.compile(r"^(?P<start>\d+)(?:-(?P<end>\d+))?$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The point médian and dotted inclusive endings ("organisateur.ices", "élu.e.s").
INCLUSIVE = re.compile(r"·|\b\w+\.(?:e|es|e\.s|ice|ices|rice|rices|trice|trices|euse|euses)\b")


def seed_lines(lines: str) -> tuple[int, int] | None:
    """(first, last) of "12" or "10-14"; None when malformed or reversed."""
    match = LINES.match(lines)
    if match is None:
        return None
    start = int(match["start"])
    end = int(match["end"] or start)
    if start < 1 or end < start:
        return None
    return start, end


class Fields:
    """One YAML mapping, read key by key. Problems are collected, never raised."""

    def __init__(
        self,
        data: Any,
        *,
        file: str,
        path: str,
        problems: list[Problem],
        allowed: Collection[str],
    ) -> None:
        self.file = file
        self.path = path
        self.problems = problems
        self.ok = isinstance(data, Mapping)
        self.data: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        if not self.ok:
            self.problem("", texts.V_NOT_MAPPING)
            return
        for key in self.data:
            if key not in allowed:
                self.problem(
                    str(key), texts.V_UNKNOWN_KEY.format(allowed=", ".join(sorted(allowed)))
                )

    def where(self, key: str) -> str:
        if not key:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.where(key), message))

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def _get(self, key: str, required: bool) -> Any:
        if not self.has(key):
            if required and self.ok:
                self.problem(key, texts.V_MISSING)
            return None
        return self.data[key]

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        max_len: int | None = None,
        shown: bool = True,
    ) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        return self.check_text(value, key, max_len=max_len, shown=shown)

    def check_text(
        self, value: Any, key: str, *, max_len: int | None = None, shown: bool = True
    ) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # a phone number or an article written without quotes
        if not isinstance(value, str):
            self.problem(key, texts.V_NOT_TEXT)
            return None
        text = " ".join(value.split())
        if not text:
            self.problem(key, texts.V_EMPTY)
            return None
        if max_len is not None and len(text) > max_len:
            self.problem(key, texts.V_TOO_LONG.format(max=max_len, length=len(text)))
        if shown and INCLUSIVE.search(text):
            self.problem(key, texts.V_INCLUSIVE)
        return text

    def url(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required, shown=False)
        if value is not None and not URL.match(value):
            self.problem(key, texts.V_BAD_URL)
            return None
        return value

    def reference(self, key: str) -> str | None:
        """Where a detail comes from: an URL or "seed:<file>:<line(s)>"."""
        value = self.text(key, shown=False)
        if value is None:
            return None
        seed = SEED_REF.match(value)
        if URL.match(value) and not value.startswith("mailto:"):
            return value
        if seed is not None and seed_lines(seed["lines"]) is not None:
            return value
        self.problem(key, texts.V_BAD_REFERENCE)
        return None

    def text_list(
        self,
        key: str,
        *,
        min_items: int = 0,
        max_items: int | None = None,
        max_len: int | None = None,
        shown: bool = True,
    ) -> tuple[str, ...]:
        items = self.sequence(key, min_items=min_items, max_items=max_items)
        values = []
        for index, item in enumerate(items, start=1):
            checked = self.check_text(item, f"{key}[{index}]", max_len=max_len, shown=shown)
            if checked is not None:
                values.append(checked)
        return tuple(values)

    def sequence(self, key: str, *, min_items: int = 0, max_items: int | None = None) -> list[Any]:
        value = self._get(key, required=True)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, texts.V_NOT_LIST)
            return []
        if len(value) < min_items:
            self.problem(key, texts.V_TOO_FEW.format(min=min_items, count=len(value)))
        if max_items is not None and len(value) > max_items:
            self.problem(key, texts.V_TOO_MANY.format(max=max_items, count=len(value)))
        return value

    def mappings(self, key: str, allowed: Collection[str], *, min_items: int = 0) -> list[Fields]:
        return [
            Fields(
                item,
                file=self.file,
                path=self.where(f"{key}[{index}]"),
                problems=self.problems,
                allowed=allowed,
            )
            for index, item in enumerate(self.sequence(key, min_items=min_items), start=1)
        ]

    def section(self, key: str, allowed: Collection[str]) -> Fields:
        value = self._get(key, required=True)
        return Fields(
            {} if value is None else value,
            file=self.file,
            path=self.where(key),
            problems=self.problems,
            allowed=allowed,
        )

    def choices(self, key: str, allowed: Collection[str], *, min_items: int = 1) -> tuple[str, ...]:
        values = self.text_list(key, min_items=min_items, shown=False)
        seen: list[str] = []
        for index, value in enumerate(values, start=1):
            if value not in allowed:
                self.problem(
                    f"{key}[{index}]",
                    texts.V_BAD_CHOICE.format(value=value, allowed=", ".join(allowed)),
                )
            elif value in seen:
                self.problem(f"{key}[{index}]", texts.V_DUPLICATE.format(value=value))
            else:
                seen.append(value)
        return tuple(seen)

    def date(self, key: str) -> date | None:
        value = self._get(key, required=True)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(key, texts.V_BAD_DATE)
        return None

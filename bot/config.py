"""Configuration: YAML validated once at start into typed, frozen objects.

The engine's own sections live here; each feature parses its own section through a
`ConfigSection` it declares, in the same pass, so one run reports every problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot.configcheck import (
    ConfigError,
    ConfigReader,
    Renamed,
    apply_renames,
    mastodon_acct_problem,
    matrix_user_id_problem,
)
from bot.netconfig import EmailConfig, WebConfig, parse_email, parse_web
from bot.secretsfile import SecretsFileError, read_secrets, readable_by_others

T = TypeVar("T")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class ConfigSection:
    """A feature's own top-level section: its name, how to read it, and (optionally) how
    to check it against the rest of the configuration (e.g. group names it refers to),
    returning problems as "key.path: message" lines."""

    name: str
    parse: Callable[[ConfigReader], Any]
    check: Callable[[Config, Any], list[str]] | None = None
    renamed: tuple[Renamed, ...] = ()  # keys that had another name before


@dataclass(frozen=True)
class OrganisersConfig:
    matrix: tuple[str, ...] = ()
    mastodon: tuple[str, ...] = ()

    def includes(self, transport: str, sender_id: str) -> bool:
        if transport == "matrix":
            return sender_id in self.matrix
        if transport == "mastodon":
            wanted = sender_id.lstrip("@").lower()
            return any(acct.lstrip("@").lower() == wanted for acct in self.mastodon)
        return False


@dataclass(frozen=True)
class FloodConfig:
    capacity: int = 8
    refill_per_minute: float = 20.0


@dataclass(frozen=True)
class OutboxConfig:
    max_attempts: int = 10
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0


@dataclass(frozen=True)
class GroupMastodonConfig:
    """How a group's announcements look on Mastodon."""

    enabled: bool = True
    hashtags: tuple[str, ...] = ()
    content_warning: str | None = None


@dataclass(frozen=True)
class GroupConfig:
    name: str
    rooms: tuple[str, ...] = ()
    organisers_room: str | None = None
    timezone: str = "Europe/Paris"
    tags: tuple[str, ...] = ()
    mastodon: GroupMastodonConfig = GroupMastodonConfig()


@dataclass(frozen=True)
class MatrixConfig:
    homeserver: str
    user_id: str
    password: str | None
    device_name: str = "Relais"
    command_window_minutes: int = 10
    invite_allowlist: tuple[str, ...] = ()
    organiser_power_level: int = 50


@dataclass(frozen=True)
class MastodonConfig:
    api_base_url: str
    access_token: str
    announcement_visibility: str = "unlisted"
    poll_interval_seconds: float = 30.0
    max_requests_per_5_minutes: int = 280
    command_window_minutes: int = 10


@dataclass(frozen=True)
class Config:
    data_dir: Path
    timezone: str = "Europe/Paris"
    log_level: str = "INFO"
    command_prefix: str = "!"
    organisers: OrganisersConfig = OrganisersConfig()
    flood: FloodConfig = FloodConfig()
    outbox: OutboxConfig = OutboxConfig()
    conversation_expiry_minutes: int = 24 * 60
    groups: tuple[GroupConfig, ...] = ()
    matrix: MatrixConfig | None = None
    mastodon: MastodonConfig | None = None
    web: WebConfig | None = None
    email: EmailConfig | None = None
    features: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None
    notices: tuple[str, ...] = ()  # old key names that still work (check-config shows them)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "relais.sqlite3"

    def feature(self, name: str, kind: type[T]) -> T:
        value = self.features.get(name)
        if not isinstance(value, kind):
            raise KeyError(f"feature configuration {name!r} missing")
        return value

    def group_for_room(self, transport: str, room: str) -> GroupConfig | None:
        address = f"{transport}:{room}"
        for group in self.groups:
            if address in group.rooms or room in group.rooms:
                return group
        return None


def default_data_dir() -> Path:
    return Path(os.environ.get("RELAIS_DATA_DIR", "data")).expanduser()


def _parse_groups(reader: ConfigReader, default_timezone: str) -> tuple[GroupConfig, ...]:
    groups: list[GroupConfig] = []
    names: set[str] = set()
    for item in reader.sections("groups"):
        name = item.text(
            "name",
            pattern=r"[a-z0-9][a-z0-9_\-]*",
            expected="un nom court en minuscules, sans espace (ex. : le-mans)",
        )
        if name in names:
            item.problem("name", f"le groupe « {name} » est déjà défini")
        names.add(name)
        groups.append(
            GroupConfig(
                name=name,
                rooms=item.str_list("rooms"),
                organisers_room=item.text("organisers_room", None),
                timezone=item.timezone("timezone", default_timezone),
                tags=tuple(t.lower() for t in item.str_list("tags")),
                mastodon=_parse_group_mastodon(item.section("mastodon")),
            )
        )
        item.reject_unknown()
    return tuple(groups)


def _parse_group_mastodon(section: ConfigReader) -> GroupMastodonConfig:
    config = GroupMastodonConfig(
        enabled=section.flag("enabled", True),
        hashtags=section.str_list(
            "hashtags",
            item=lambda t: (
                None
                if re.fullmatch(r"#?\w+", t)
                else "un mot-dièse sans espace, par exemple #LeMans"
            ),
        ),
        content_warning=section.text("content_warning", None),
    )
    section.reject_unknown()
    return config


def _parse_mastodon(reader: ConfigReader) -> MastodonConfig | None:
    if not reader.has("mastodon"):
        reader.raw("mastodon")
        return None
    section = reader.section("mastodon")
    config = MastodonConfig(
        api_base_url=section.url("api_base_url"),
        access_token=section.text("access_token", secret=True),
        announcement_visibility=section.text(
            "announcement_visibility", "unlisted", choices=("public", "unlisted")
        ),
        poll_interval_seconds=section.number(
            "poll_interval_seconds", 30.0, minimum=2, maximum=3600
        ),
        max_requests_per_5_minutes=section.integer(
            "max_requests_per_5_minutes", 280, minimum=10, maximum=300
        ),
        command_window_minutes=section.integer(
            "command_window_minutes", 10, minimum=0, maximum=7 * 24 * 60
        ),
    )
    section.reject_unknown()
    return config


def _parse_matrix(reader: ConfigReader) -> MatrixConfig | None:
    if not reader.has("matrix"):
        reader.raw("matrix")
        return None
    section = reader.section("matrix")
    user_id = section.text("user_id")
    problem = matrix_user_id_problem(user_id) if isinstance(user_id, str) and user_id else None
    if problem:
        section.problem("user_id", problem)
    config = MatrixConfig(
        homeserver=section.url("homeserver"),
        user_id=user_id,
        password=section.text("password", None, secret=True),
        device_name=section.text("device_name", "Relais"),
        command_window_minutes=section.integer(
            "command_window_minutes", 10, minimum=0, maximum=7 * 24 * 60
        ),
        invite_allowlist=section.str_list("invite_allowlist"),
        organiser_power_level=section.integer("organiser_power_level", 50, minimum=0, maximum=100),
    )
    section.reject_unknown()
    return config


def parse_config(
    data: Any,
    *,
    sections: Sequence[ConfigSection] = (),
    base_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    source: Path | None = None,
) -> Config:
    """Validate `data` (already loaded YAML); raise ConfigError listing every problem."""
    data, notices, renaming_problems = apply_renames(
        data, [rename for section in sections for rename in section.renamed]
    )
    reader = ConfigReader(data, environ=environ)
    reader.problems.extend(renaming_problems)
    relais = reader.section("relais")
    secrets_file = relais.path("secrets_file", None, base=base_dir)
    if secrets_file is not None:
        try:
            # Sections read from here on see the file's values; the environment wins.
            reader.environ = {**read_secrets(secrets_file), **reader.environ}
        except SecretsFileError as exc:
            relais.problem("secrets_file", str(exc))
        if readable_by_others(secrets_file):
            notices.append(
                f"{secrets_file} peut être lu par d'autres comptes : chmod 600 {secrets_file}"
            )
    data_dir = relais.path("data_dir", default_data_dir(), base=base_dir)
    timezone = relais.timezone("timezone")
    log_level = relais.text("log_level", "INFO", choices=LOG_LEVELS)
    prefix = relais.text(
        "command_prefix", "!", pattern=r"[!.?/]", expected="un seul caractère parmi ! . ? /"
    )
    expiry = relais.integer("conversation_expiry_minutes", 24 * 60, minimum=1, maximum=30 * 24 * 60)
    relais.reject_unknown()

    organisers_reader = reader.section("organisers")
    organisers = OrganisersConfig(
        matrix=organisers_reader.str_list("matrix", item=matrix_user_id_problem),
        mastodon=organisers_reader.str_list("mastodon", item=mastodon_acct_problem),
    )
    organisers_reader.reject_unknown()

    flood_reader = reader.section("flood")
    flood = FloodConfig(
        capacity=flood_reader.integer("capacity", 8, minimum=1, maximum=1000),
        refill_per_minute=flood_reader.number("refill_per_minute", 20.0, minimum=0.1, maximum=6000),
    )
    flood_reader.reject_unknown()

    outbox_reader = reader.section("outbox")
    outbox = OutboxConfig(
        max_attempts=outbox_reader.integer("max_attempts", 10, minimum=1, maximum=100),
        base_delay_seconds=outbox_reader.number(
            "base_delay_seconds", 1.0, minimum=0.01, maximum=3600
        ),
        max_delay_seconds=outbox_reader.number(
            "max_delay_seconds", 60.0, minimum=0.1, maximum=86400
        ),
    )
    outbox_reader.reject_unknown()

    groups = _parse_groups(reader, timezone)
    matrix = _parse_matrix(reader)
    mastodon = _parse_mastodon(reader)
    web = parse_web(reader)
    email = parse_email(reader, base_dir)
    features = {section.name: section.parse(reader.section(section.name)) for section in sections}
    reader.reject_unknown()
    config = Config(
        data_dir=data_dir,
        timezone=timezone,
        log_level=log_level,
        command_prefix=prefix,
        organisers=organisers,
        flood=flood,
        outbox=outbox,
        conversation_expiry_minutes=expiry,
        groups=groups,
        matrix=matrix,
        mastodon=mastodon,
        web=web,
        email=email,
        features=features,
        source=source,
        notices=tuple(notices),
    )
    problems = list(reader.problems)
    # Cross-checks (a feature's section against the groups…) on everything that parsed,
    # so that every error is listed at once.
    for section in sections:
        if section.check is not None:
            problems += section.check(config, features[section.name])
    if problems:
        raise ConfigError(problems)
    return config


def load_config(
    path: Path,
    *,
    sections: Sequence[ConfigSection] = (),
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read and validate a YAML file. Relative paths inside are relative to the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: fichier introuvable"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: illisible ({exc.__class__.__name__})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise ConfigError(
            [f"{path}:{where} YAML invalide, vérifiez l'indentation et les « : »"]
        ) from None
    return parse_config(data, sections=sections, base_dir=path.parent, environ=environ, source=path)


def embedded_config(
    *, data_dir: Path | None = None, sections: Sequence[ConfigSection] = ()
) -> Config:
    """The default used by `relais console` when no file is given: no server at all."""
    data = {"relais": {"data_dir": str(data_dir or default_data_dir())}}
    return parse_config(data, sections=sections, environ={})

"""The `letter:` configuration section (every key is commented in config.example.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any

from bot.config import Config
from bot.configcheck import ConfigReader
from bot.netconfig import email_address_problem

SECTION = "letter"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
CHANNELS = ("rooms", "mastodon", "email", "web")
# Who gets a letter: one per group, one for the whole Relais, or both.
SCOPES = ("groups", "relais", "both")
_NAME = r"[a-z0-9][a-z0-9-]*"
_TIME = r"([01]?[0-9]|2[0-3])[:h]([0-5][0-9])"


@dataclass(frozen=True)
class RelaisLetterConfig:
    """The letter for the whole Relais: every letter group's events and calls together."""

    name: str = "relais"  # its id is "relais-2026-W22"; not a group's name
    label: str = "tous les groupes"  # shown after the title
    rooms: tuple[str, ...] = ()  # empty: every letter group's rooms
    organisers_room: str | None = None  # its preview and `!lettre` there
    mastodon: bool = True
    timezone: str | None = None  # None: the Relais' zone


@dataclass(frozen=True)
class LetterConfig:
    enabled: bool = False
    weekday: int = 0  # Monday
    at: time = time(9, 0)  # in the group's zone
    days_ahead: int = 7
    preview_days_before: int = 1
    preview_at: time = time(18, 0)
    channels: tuple[str, ...] = CHANNELS
    # Groups that get a letter (empty: every group).
    groups: tuple[str, ...] = ()
    # A list address per group ("le-mans": "lettre@listes.exemple.org").
    email_to: dict[str, str] = field(default_factory=dict)
    list_unsubscribe: tuple[str, ...] = ()
    title: str = "La lettre de la semaine"
    # After a downtime, a letter still goes out this long after its time (else skipped).
    late_grace_hours: int = 24
    scope: str = "groups"
    relais: RelaisLetterConfig = RelaisLetterConfig()
    # A letter's own timing and channels, by its group's name (or the Relais letter's).
    by_group: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_group(self, name: str) -> LetterConfig:
        """The settings of `name`'s letter: its own where set, else these."""
        own = self.by_group.get(name)
        return self if not own else replace(self, **own)

    def any_wants(self, channel: str) -> bool:
        return self.wants(channel) or any(channel in o["channels"] for o in self.by_group.values())

    @property
    def per_group(self) -> bool:
        return self.scope in ("groups", "both")

    @property
    def whole(self) -> bool:
        return self.scope in ("relais", "both")

    def wants(self, channel: str) -> bool:
        return channel in self.channels


def _clock(reader: ConfigReader, key: str, default: time) -> time:
    raw = reader.text(
        key,
        f"{default.hour:02d}:{default.minute:02d}",
        pattern=_TIME,
        expected="une heure comme 09:00",
    )
    try:
        hour, minute = str(raw).replace("h", ":").split(":")
        return time(int(hour), int(minute))
    except ValueError:
        return default


def _relais(reader: ConfigReader) -> RelaisLetterConfig:
    section = reader.section("relais")
    if section.data is None:
        return RelaisLetterConfig()
    organisers = section.text("organisers_room", None)
    zone = section.timezone("timezone", "") if section.has("timezone") else None
    config = RelaisLetterConfig(
        name=str(section.text("name", "relais", pattern=_NAME, expected="un nom comme « relais »")),
        label=str(section.text("label", "tous les groupes")),
        rooms=section.str_list("rooms"),
        organisers_room=None if organisers is None else str(organisers),
        mastodon=bool(section.flag("mastodon", True)),
        timezone=zone or None,
    )
    section.reject_unknown()
    return config


def _timing(reader: ConfigReader, base: LetterConfig) -> dict[str, Any]:
    """When a letter goes out, what it covers and where: `base`'s values where unset."""
    weekday = reader.text("weekday", WEEKDAYS[base.weekday], choices=WEEKDAYS)
    return {
        "weekday": WEEKDAYS.index(weekday) if weekday in WEEKDAYS else base.weekday,
        "at": _clock(reader, "time", base.at),
        "days_ahead": reader.integer("days_ahead", base.days_ahead, minimum=1, maximum=31),
        "preview_days_before": reader.integer(
            "preview_days_before", base.preview_days_before, minimum=0, maximum=6
        ),
        "preview_at": _clock(reader, "preview_time", base.preview_at),
        "channels": reader.str_list(
            "channels",
            base.channels,
            item=lambda c: None if c in CHANNELS else "doit valoir " + ", ".join(CHANNELS),
        ),
    }


def _by_group(reader: ConfigReader, base: LetterConfig) -> dict[str, dict[str, Any]]:
    """`by_group: {le-mans: {weekday: mardi}}`: a letter's own settings, by its name."""
    section = reader.section("by_group")  # not a mapping: the reader says so
    found: dict[str, dict[str, Any]] = {}
    for name in list(section.data or {}):
        own = section.section(str(name))
        found[str(name)] = _timing(own, base)
        own.reject_unknown()
    return found


def parse(reader: ConfigReader) -> LetterConfig:
    email_section = reader.section("email_to")
    email_to: dict[str, str] = {}
    if isinstance(email_section.data, dict):
        for name in list(email_section.data):
            address = email_section.text(str(name))
            problem = email_address_problem(str(address))
            if problem:
                email_section.problem(str(name), problem)
            email_to[str(name)] = str(address)
    timing = _timing(reader, LetterConfig())
    config = LetterConfig(
        enabled=reader.flag("enabled", False),
        **timing,
        groups=tuple(g.lower() for g in reader.str_list("groups")),
        email_to=email_to,
        list_unsubscribe=reader.str_list("list_unsubscribe"),
        title=reader.text("title", "La lettre de la semaine"),
        late_grace_hours=reader.integer("late_grace_hours", 24, minimum=0, maximum=6 * 24),
        scope=str(reader.text("scope", "groups", choices=SCOPES)),
        relais=_relais(reader),
    )
    config = replace(config, by_group=_by_group(reader, config))
    reader.reject_unknown()
    return config


def group_problems(config: Config, letter: LetterConfig) -> list[str]:
    names = {group.name for group in config.groups}
    known = names | ({letter.relais.name} if letter.whole else set())
    problems = [
        f"letter.groups: groupe « {name} » inconnu" for name in letter.groups if name not in names
    ]
    problems += [
        f"letter.email_to.{name}: groupe « {name} » inconnu"
        for name in letter.email_to
        if name not in known
    ]
    problems += [
        f"letter.by_group.{name}: groupe « {name} » inconnu"
        for name in letter.by_group
        if name not in known
    ]
    if letter.whole and letter.relais.name in names:
        problems.append(
            f"letter.relais.name: « {letter.relais.name} » est déjà le nom d'un groupe ;"
            " choisissez un autre nom"
        )
    if letter.email_to and config.email is None and letter.wants("email"):
        problems.append("letter.email_to: il faut aussi une section « email » (le serveur SMTP)")
    return problems

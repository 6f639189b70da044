"""The `calls:` configuration section: this instance, its peers, and what each group receives.

Per group (`calls.groups.<nom>`): which calls it receives and whether they are posted at
once (`direct`) or wait for its organisers (`validation`). A group not listed receives the
calls carrying one of its own `groups[].tags`; it validates them in its organisers' room when
it has one, otherwise they are posted at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.config import Config, GroupConfig
from bot.configcheck import ConfigReader, Renamed, matrix_user_id_problem
from bot.french import normalize

SECTION = "calls"
# The section and its keys were French until 0.2.
RENAMED = (
    Renamed("", "appels", SECTION),
    Renamed(SECTION, "salons_coordination", "coordination_rooms"),
    Renamed(SECTION, "robots_de_confiance", "trusted_bots"),
    Renamed(SECTION, "fenetre_doublons_heures", "dedup_window_hours"),
    Renamed(SECTION, "expiration_jours", "expiry_days"),
    Renamed(SECTION, "conservation_jours", "retention_days"),
    Renamed(SECTION, "longueur_max", "max_length"),
    Renamed(SECTION, "groupes", "groups"),
    Renamed(f"{SECTION}.groups.*", "recoit", "receives"),
    Renamed(f"{SECTION}.groups.*.receives", "groupes", "groups"),
    Renamed(f"{SECTION}.groups.*.receives", "tout", "everything"),
)
MODES = ("direct", "validation")
DEFAULT_INSTANCE = "Relais"


@dataclass(frozen=True)
class GroupRule:
    """What one group receives. `tags` None: the group's own tags."""

    tags: tuple[str, ...] | None = None
    groups: tuple[str, ...] = ()
    everything: bool = False
    mode: str | None = None  # None: validation with an organisers' room, else direct


@dataclass(frozen=True)
class AppelConfig:
    instance: str = DEFAULT_INSTANCE
    coordination_rooms: tuple[str, ...] = ()
    trusted_peers: tuple[str, ...] = ()
    dedup_window_hours: int = 72
    default_expiry_days: int = 14
    retention_days: int = 90
    max_length: int = 2000
    groups: dict[str, GroupRule] = field(default_factory=dict)

    def rule(self, group: str) -> GroupRule:
        return self.groups.get(group, GroupRule())

    @property
    def federated(self) -> bool:
        return bool(self.coordination_rooms)


def _room_problem(value: str) -> str | None:
    address = value.removeprefix("matrix:")
    # Room ids are opaque ("!abc:server", or "!abc" from room version 12); aliases are not.
    if re.fullmatch(r"![^\s]+|#[^:\s]+:[A-Za-z0-9.\-]+(:\d+)?", address):
        return None
    return "doit être un salon Matrix, par exemple !abcd:exemple.org ou #coordination:exemple.org"


def _tag_list(reader: ConfigReader, key: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in reader.str_list(key) if t)


def parse(reader: ConfigReader) -> AppelConfig:
    instance = reader.text("instance", DEFAULT_INSTANCE)
    rooms = reader.str_list("coordination_rooms", item=_room_problem)
    if rooms and instance == DEFAULT_INSTANCE:
        reader.problem(
            "instance",
            "donnez un nom à ce Relais (unique parmi les Relais reliés), par exemple « Relais 72 »",
        )
    config = AppelConfig(
        instance=instance,
        coordination_rooms=rooms,
        trusted_peers=reader.str_list("trusted_bots", item=matrix_user_id_problem),
        dedup_window_hours=reader.integer("dedup_window_hours", 72, minimum=1, maximum=90 * 24),
        default_expiry_days=reader.integer("expiry_days", 14, minimum=1, maximum=365),
        retention_days=reader.integer("retention_days", 90, minimum=7, maximum=3650),
        max_length=reader.integer("max_length", 2000, minimum=100, maximum=10_000),
        groups=_parse_groups(reader.section("groups")),
    )
    reader.reject_unknown()
    return config


def _parse_groups(reader: ConfigReader) -> dict[str, GroupRule]:
    rules: dict[str, GroupRule] = {}
    for name in list(reader.data):
        section = reader.section(str(name))
        receives = section.section("receives")
        rule = GroupRule(
            tags=_tag_list(receives, "tags") if receives.has("tags") else None,
            groups=receives.str_list("groups"),
            everything=receives.flag("everything", False),
            mode=section.text("mode", None, choices=MODES),
        )
        receives.reject_unknown()
        section.reject_unknown()
        rules[str(name)] = rule
    return rules


def group_problems(config: Config, appel: AppelConfig) -> list[str]:
    """Problems that need the engine's groups: unknown names, validation without a room."""
    problems: list[str] = []
    names = {g.name for g in config.groups}
    for name, rule in appel.groups.items():
        if name not in names:
            problems.append(f"{SECTION}.groups.{name}: groupe inconnu (voir la liste « groups »)")
            continue
        group = next(g for g in config.groups if g.name == name)
        if rule.mode == "validation" and group.organisers_room is None:
            problems.append(
                f"{SECTION}.groups.{name}.mode: « validation » demande un organisers_room "
                "pour ce groupe"
            )
    return problems


def mode_of(group: GroupConfig, rule: GroupRule) -> str:
    if rule.mode is not None:
        return rule.mode
    return "validation" if group.organisers_room is not None else "direct"


def same_tag(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)

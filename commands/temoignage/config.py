"""The `testimonies:` configuration section, validated at load with key paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.configcheck import ConfigReader, Renamed
from commands.temoignage.crypto import decode_key, public_key_problem

if TYPE_CHECKING:
    from bot.context import Services

SECTION = "testimonies"
# The section and its keys were French until 0.2.
RENAMED = (
    Renamed("", "temoignages", SECTION),
    Renamed(SECTION, "cles_publiques", "public_keys"),
    Renamed(SECTION, "lecteurs", "readers"),
    Renamed(SECTION, "conservation_jours", "retention_days"),
    Renamed(SECTION, "brouillon_heures", "draft_hours"),
    Renamed(SECTION, "longueur_max", "max_length"),
)
DEFAULT_READERS = ("les organisatrices et organisateurs du collectif",)


@dataclass(frozen=True)
class TemoignagesConfig:
    public_keys: tuple[bytes, ...] = ()
    readers: tuple[str, ...] = DEFAULT_READERS
    retention_days: int = 180
    draft_hours: int = 24
    max_length: int = 20_000
    max_answer_length: int = 120

    @property
    def enabled(self) -> bool:
        return bool(self.public_keys)

    @property
    def draft_minutes(self) -> int:
        return self.draft_hours * 60


def parse(reader: ConfigReader) -> TemoignagesConfig:
    keys: list[bytes] = []
    for text in reader.str_list("public_keys", item=public_key_problem):
        raw = decode_key(text)
        if raw is not None and raw not in keys:
            keys.append(raw)
    readers = reader.str_list("readers", DEFAULT_READERS)
    if not readers:
        reader.problem("readers", "doit nommer au moins une personne ou un groupe")
        readers = DEFAULT_READERS
    config = TemoignagesConfig(
        public_keys=tuple(keys),
        readers=readers,
        retention_days=reader.integer("retention_days", 180, minimum=1, maximum=3650),
        draft_hours=reader.integer("draft_hours", 24, minimum=1, maximum=7 * 24),
        max_length=reader.integer("max_length", 20_000, minimum=500, maximum=100_000),
    )
    reader.reject_unknown()
    return config


def settings(services: Services) -> TemoignagesConfig:
    return services.config.feature(SECTION, TemoignagesConfig)

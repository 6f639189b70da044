"""The `announcements:` configuration section (every key is commented in config.example.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.configcheck import ConfigReader

SECTION = "announcements"


@dataclass(frozen=True)
class AnnonceConfig:
    # After a downtime, a date still goes out (marked late) this long after its time.
    late_grace_minutes: int = 24 * 60
    max_length: int = 2000


def parse(reader: ConfigReader) -> AnnonceConfig:
    config = AnnonceConfig(
        late_grace_minutes=reader.integer(
            "late_grace_minutes", 24 * 60, minimum=0, maximum=7 * 24 * 60
        ),
        max_length=reader.integer("max_length", 2000, minimum=100, maximum=10_000),
    )
    reader.reject_unknown()
    return config

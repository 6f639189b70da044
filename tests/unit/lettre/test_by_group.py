"""A letter's own settings per group (`letter.by_group`): its day and time, how many days
it covers and where it goes, the rest taken from the section; errors name the key path."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError
from commands.agenda import AgendaFeature
from tests.helpers import RecordingTransport
from tests.kit.clock import Clock
from tests.unit.lettre.conftest import GROUPS, PARIS, event, make_config, running, seed

WEDNESDAY = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
MONDAY_9 = datetime(2026, 5, 25, 9, 0, tzinfo=PARIS)
TWO_GROUPS: list[dict[str, Any]] = [
    *GROUPS,
    {"name": "sablons", "rooms": ["console:salon:sablons"], "organisers_room": "console:orga-s"},
]
MASTODON = {"api_base_url": "https://mastodon.example", "access_token": "x"}
SABLONS = {"weekday": "mardi", "time": "18h30", "days_ahead": 14, "channels": ["rooms"]}


def settings(tmp_path: Path, **letter: Any) -> Any:
    return make_config(
        tmp_path,
        letter={"channels": ["rooms", "mastodon"], **letter},
        groups=TWO_GROUPS,
        mastodon=MASTODON,
    )


async def test_each_group_letter_at_its_own_time_window_and_channels(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    async with running(settings(tmp_path, by_group={"sablons": SABLONS}), clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        await seed(bot.app, WEDNESDAY)
        agenda = bot.app.feature(AgendaFeature).service
        far = event("Fête du quartier", datetime(2026, 6, 6, 15, 0, tzinfo=PARIS), "Square")
        await agenda.create(replace(far, group="sablons"))
        engine = bot.engine
        assert engine.next_instant(MONDAY_9) == datetime(2026, 5, 25, 18, 0, tzinfo=PARIS)

        clock.set(MONDAY_9)
        assert [room for room, _ in await bot.tick()] == ["salon:general"]
        letters = [i.key for i in mastodon.sent if i.key.startswith("lettre-")]
        assert letters == ["lettre-le-mans-2026-W22-mastodon:announce"]

        clock.set(datetime(2026, 5, 25, 18, 0, tzinfo=PARIS))  # the eve of Tuesday's letter
        ((room, preview),) = await bot.tick()
        assert room == "orga-s"
        assert "le mardi 26 mai 2026 à 18:30" in preview

        clock.set(datetime(2026, 5, 26, 18, 30, tzinfo=PARIS))
        ((room, text),) = await bot.tick()
        assert room == "salon:sablons"
        assert "Fête du quartier" in text  # 11 days ahead: within its 14
        mastodon_letters = [i.key for i in mastodon.sent if i.key.startswith("lettre-")]
        assert mastodon_letters == letters  # sablons' letter stays off Mastodon
        clock.advance(hours=2)
        assert await bot.tick() == []
    assert engine.settings.for_group("le-mans").at.hour == 9  # the section's own value
    assert engine.settings.for_group("sablons").preview_days_before == 1


async def test_the_relais_letter_has_its_own_settings_by_its_name(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    config = settings(
        tmp_path,
        scope="relais",
        by_group={"relais": {"weekday": "vendredi", "time": "12:00"}},
    )
    async with running(config, clock) as bot:
        await seed(bot.app, WEDNESDAY)
        clock.set(MONDAY_9)
        assert await bot.tick() == []
        clock.set(datetime(2026, 5, 22, 12, 0, tzinfo=PARIS))  # Friday, this week
        sent = await bot.tick()
        assert sorted(room for room, _ in sent) == ["salon:general", "salon:sablons"]
        assert await bot.engine.repo.get("relais-2026-W21") is not None


@pytest.mark.parametrize(
    ("by_group", "expected"),
    [
        ({"sablons": {"weekday": "lun"}}, "letter.by_group.sablons.weekday: doit valoir"),
        ({"sablons": {"time": "25:00"}}, "letter.by_group.sablons.time: une heure comme 09:00"),
        ({"sablons": {"days_ahead": 0}}, "letter.by_group.sablons.days_ahead"),
        ({"sablons": {"channels": ["fax"]}}, "letter.by_group.sablons.channels[0]: doit valoir"),
        ({"sablons": {"jour": "mardi"}}, "letter.by_group.sablons.jour: clé inconnue"),
        ({"sablons": "mardi"}, "letter.by_group.sablons: doit être une section"),
        ({"ailleurs": {"weekday": "mardi"}}, "letter.by_group.ailleurs: groupe « ailleurs »"),
        (["sablons"], "letter.by_group: doit être une section"),
    ],
)
def test_by_group_errors_name_the_key_path(tmp_path: Path, by_group: Any, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(tmp_path, by_group=by_group)
    assert expected in str(caught.value)

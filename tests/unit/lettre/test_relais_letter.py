"""The letter for the whole Relais (`letter.scope: relais` or `both`): one letter a week
gathering every group's events (each saying its group) and calls (each once), previewed in
its organisers' room, sent once to its rooms and Mastodon with its own id per ISO week."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError
from bot.french import unescape_markdown
from commands.agenda import AgendaFeature
from tests.helpers import RecordingTransport
from tests.kit.clock import Clock
from tests.unit.lettre.conftest import GROUPS, PARIS, event, make_config, running, seed

WEDNESDAY = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
SUNDAY_18 = datetime(2026, 5, 24, 18, 0, tzinfo=PARIS)
MONDAY_9 = datetime(2026, 5, 25, 9, 0, tzinfo=PARIS)
TWO_GROUPS: list[dict[str, Any]] = [
    *GROUPS,
    {"name": "sablons", "rooms": ["console:salon:sablons"], "tags": ["72"]},
]
MASTODON = {"api_base_url": "https://mastodon.example", "access_token": "x"}


def config(tmp_path: Path, scope: str, **relais: Any) -> Any:
    return make_config(
        tmp_path,
        letter={
            "scope": scope,
            "channels": ["rooms", "mastodon"],
            "relais": {"organisers_room": "console:salon:coord", **relais},
        },
        groups=TWO_GROUPS,
        mastodon=MASTODON,
    )


def letters(transport: RecordingTransport) -> list[Any]:
    """What the letter sent (the agenda's reminders and the call also post there)."""
    return [i for i in transport.sent if i.key.startswith("lettre-")]


async def seed_two_groups(app: Any) -> None:
    await seed(app, WEDNESDAY)  # le-mans: three events this week, one call
    agenda = app.feature(AgendaFeature).service
    sablons = event("Repas partagé", datetime(2026, 5, 26, 12, 0, tzinfo=PARIS), "Square")
    await agenda.create(replace(sablons, group="sablons"))


async def test_one_letter_for_the_whole_relais_in_every_room_and_once_on_mastodon(
    tmp_path: Path,
) -> None:
    clock = Clock(WEDNESDAY)
    settings = config(tmp_path, "relais")
    async with running(settings, clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        await seed_two_groups(bot.app)
        clock.set(SUNDAY_18)
        ((room, preview),) = await bot.tick()
        assert room == "salon:coord"
        assert preview.startswith(
            "**Aperçu de la lettre qui partira le lundi 25 mai 2026 à 09:00** (tous les groupes)."
        )
        clock.set(MONDAY_9)
        sent = await bot.tick()
        assert sorted(room for room, _ in sent) == ["salon:general", "salon:sablons"]
        text = unescape_markdown(sent[0][1])
        assert sent[1][1] == sent[0][1]
        assert text.startswith("**La lettre de la semaine** — tous les groupes\n")
        tuesday = text[text.index("**Mardi 26 mai**") : text.index("**Samedi 30 mai**")]
        assert tuesday.index("Repas partagé") < tuesday.index("Réunion publique")
        assert "- 12:00–14:00 : **Repas partagé**, Square (sablons)" in tuesday
        assert "- 18:30–20:30 : **Réunion publique**, Salle Guy Môquet (le-mans)" in tuesday
        assert text.count("guichet CAF ouvert") == 1
        (post,) = letters(mastodon)
        assert post.key == "lettre-relais-2026-W22-mastodon:announce"
        assert post.channel.group == "relais"
        stored = await bot.engine.repo.get("relais-2026-W22")
        assert stored is not None and stored.status == "sent"
        assert await bot.engine.repo.get("le-mans-2026-W22") is None  # no group letters
        clock.advance(hours=1)
        assert await bot.tick() == []
    clock.advance(hours=1)
    async with running(settings, clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        assert await bot.tick() == []
        assert letters(mastodon) == []


async def test_both_group_letters_in_their_rooms_and_only_the_relais_one_on_mastodon(
    tmp_path: Path,
) -> None:
    clock = Clock(WEDNESDAY)
    settings = config(tmp_path, "both", rooms=["console:salon:coord-public"], label="Sarthe")
    async with running(settings, clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        await seed_two_groups(bot.app)
        clock.set(MONDAY_9)
        sent = dict(await bot.tick())
        assert sorted(sent) == ["salon:coord-public", "salon:general", "salon:sablons"]
        assert "(le-mans)" not in sent["salon:general"]  # a group's letter: its own events
        assert "Repas partagé" not in sent["salon:general"]
        assert "Repas partagé" in sent["salon:sablons"]
        relais = unescape_markdown(sent["salon:coord-public"])
        assert relais.startswith("**La lettre de la semaine** — Sarthe\n")
        assert "(sablons)" in relais and "(le-mans)" in relais
        assert [p.key for p in letters(mastodon)] == ["lettre-relais-2026-W22-mastodon:announce"]
        # `!lettre` in the Relais letter's organisers' room is about that letter.
        assert "lundi 1er juin" in await bot.say("!lettre annuler", room="salon:coord")
        assert (await bot.engine.repo.get("relais-2026-W23")).status == "skipped"
        assert await bot.engine.repo.get("le-mans-2026-W23") is None


async def test_envoyer_in_the_relais_organisers_room_sends_the_relais_letter(
    tmp_path: Path,
) -> None:
    clock = Clock(WEDNESDAY)
    async with running(config(tmp_path, "relais"), clock) as bot:
        await seed_two_groups(bot.app)
        seen = await bot.say("!lettre voir", room="salon:coord")
        assert "Repas partagé" in seen and "Réunion publique" in seen
        # Wednesday: this week's letter is past, `envoyer` sends next Monday's now.
        assert "C'est parti" in await bot.say("!lettre envoyer", room="salon:coord")
        stored = await bot.engine.repo.get("relais-2026-W22")
        assert stored is not None and stored.status == "sent"
        assert await bot.engine.repo.get("le-mans-2026-W22") is None
        clock.set(MONDAY_9)
        assert await bot.tick() == []  # not twice at its time
        clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))
        assert {room for room, _ in await bot.tick()} == {"salon:general", "salon:sablons"}
        assert await bot.engine.repo.get("relais-2026-W23") is not None


@pytest.mark.parametrize(
    ("letter", "expected"),
    [
        ({"scope": "tout"}, "letter.scope: doit valoir"),
        ({"scope": "relais", "relais": {"name": "sablons"}}, "letter.relais.name: « sablons »"),
        ({"scope": "relais", "relais": {"name": "Le Relais"}}, "letter.relais.name: un nom"),
        ({"scope": "relais", "relais": {"salons": []}}, "letter.relais.salons"),
        ({"email_to": {"relais": "a@b.org"}}, "letter.email_to.relais: groupe « relais »"),
    ],
)
def test_relais_letter_settings_are_checked_with_their_key_path(
    tmp_path: Path, letter: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path, letter=letter, groups=TWO_GROUPS)
    assert expected in str(caught.value)

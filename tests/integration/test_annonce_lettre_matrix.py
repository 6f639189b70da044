"""Scheduled announcements and the weekly letter end to end: a real Synapse, a Relais bot
and an organiser on a real E2EE client in an encrypted group room. The announcement
arrives once at its minute (and not again after a restart); `!lettre envoyer` puts one
formatted letter in the room."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from commands.lettre.config import WEEKDAYS
from devserver.synapse import LocalSynapse
from tests.kit.matrix import (
    Person,
    RelaisUnderTest,
    answer,
    bodies,
    replied_event,
    set_feature_config,
)

from .conftest import NewUser

pytestmark = pytest.mark.integration

PARIS = ZoneInfo("Europe/Paris")
LEAD = timedelta(seconds=12)  # from "oui" to the announcement
TEXT = "Permanence ce soir à la Maison des associations, venez nombreuses et nombreux"


@pytest.fixture
async def alice(synapse: LocalSynapse, new_user: NewUser, tmp_path: Path) -> AsyncIterator[Person]:
    person = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    yield person
    await person.close()


async def test_announcement_arrives_once_and_the_letter_is_one_formatted_message(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, alice: Person
) -> None:
    bot_user = await new_user("relais")
    room_id = await alice.create_room([bot_user.user_id], encrypted=True, name="Collectif")
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[alice.user_id],
        groups=[{"name": "g", "rooms": [room_id]}],
    )
    # This test runs on the real clock: the letter's own day is put three days away, so
    # that no scheduled letter (or preview) falls during the test whatever the day and
    # hour, and « !lettre envoyer » is the only letter sent.
    weekday = WEEKDAYS[(datetime.now(PARIS).weekday() + 3) % 7]
    set_feature_config(bot, {"letter": {"enabled": True, "weekday": weekday}})
    await bot.start()
    try:
        await alice.wait_joined(room_id, bot_user.user_id)
        # Move the bot's clock forward (never back) so that its next minute boundary is
        # LEAD away: an announcement at that minute is due then.
        now = bot.clock()
        due = (now + LEAD + timedelta(minutes=1)).replace(second=0, microsecond=0)
        if due - LEAD - now >= timedelta(minutes=1):
            due -= timedelta(minutes=1)
        bot.clock.offset += due - LEAD - now
        when = due.astimezone(PARIS)

        preview = await answer(alice, room_id, f"!annonce {when:%d/%m/%Y %Hh%M} | {TEXT}")
        assert f"à {when:%H:%M}" in preview and "« Collectif »" in preview, preview
        assert room_id not in preview
        assert (await answer(alice, room_id, "oui")).startswith("C'est programmé")

        (sent,) = await alice.notices(
            room_id, timeout=LEAD.total_seconds() + 30, where=lambda e: e.body == TEXT
        )
        assert replied_event(sent) is None  # an announcement, not an answer
        assert "Aucune annonce" in await answer(alice, room_id, "!annonces")

        await bot.stop()
        await bot.start()
        assert "Aucune annonce" in await answer(alice, room_id, "!annonces")

        assert (
            await answer(alice, room_id, "!lettre envoyer")
            == "C'est parti : la lettre est envoyée."
        )
        (letter,) = await alice.notices(
            room_id, where=lambda e: e.body.startswith("La lettre de la semaine — g")
        )
        html = letter.source["content"]["formatted_body"]
        assert "<strong>Les rendez-vous</strong>" in html
        assert bot.app is not None and await bot.app.services.outbox.drain(10)
        await alice.sync(500)
        assert len(bodies(alice, room_id, lambda b: b == TEXT)) == 1
    finally:
        await bot.stop()

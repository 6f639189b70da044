"""The weekly letter: composed from the agenda and the calls through the digest registry,
previewed the day before, sent once per group and week on every channel (frozen clock,
real SQLite), `!lettre` commands, and the week across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.french import unescape_markdown
from commands.lettre.config import LetterConfig
from commands.lettre.model import Week, letter_id, send_at
from tests.kit.clock import Clock
from tests.unit.lettre.conftest import PARIS, make_config, running, seed

WEDNESDAY = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
SUNDAY_18 = datetime(2026, 5, 24, 18, 0, tzinfo=PARIS)
MONDAY_9 = datetime(2026, 5, 25, 9, 0, tzinfo=PARIS)


def test_letter_id_is_stable_per_group_and_iso_week() -> None:
    monday = Week.of(datetime(2026, 5, 25, 0, 1, tzinfo=PARIS))
    sunday = Week.of(datetime(2026, 5, 31, 23, 59, tzinfo=PARIS))
    assert monday == sunday == Week(2026, 22)
    assert letter_id("le-mans", monday) == "le-mans-2026-W22"
    assert Week.of(datetime(2027, 1, 1, tzinfo=PARIS)) == Week(2026, 53)
    assert Week.parse("2026-22") == Week(2026, 22)
    assert Week.parse("2026-54") is None and Week.parse("../x") is None


def test_send_time_is_nine_local_on_both_sides_of_dst() -> None:
    settings = LetterConfig(enabled=True)
    before = send_at(Week(2026, 43), settings, PARIS)  # Monday 19 October, summer time
    after = send_at(Week(2026, 44), settings, PARIS)  # Monday 26 October, winter time
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() != after.utcoffset()
    assert (after.astimezone(UTC) - before.astimezone(UTC)).total_seconds() == 7 * 24 * 3600 + 3600


async def test_preview_the_day_before_then_one_letter_per_channel(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    async with running(make_config(tmp_path), clock) as bot:
        await seed(bot.app, WEDNESDAY)
        assert "C'est noté" in await bot.say("!lettre edito Merci à toutes et tous pour samedi !")
        clock.set(SUNDAY_18.replace(hour=17, minute=59))
        assert await bot.tick() == []
        clock.set(SUNDAY_18)
        (preview,) = await bot.tick()
        assert preview[0] == "salon:orga"
        assert "Aperçu de la lettre qui partira le lundi 25 mai 2026 à 09:00" in preview[1]
        assert await bot.tick() == []
        clock.set(MONDAY_9)
        (sent,) = await bot.tick()
        room, text = sent[0], unescape_markdown(sent[1])
        assert room == "salon:general"
        assert text.startswith(
            "**La lettre de la semaine** — le-mans\nSemaine du lundi 25 mai 2026"
        )
        assert "Merci à toutes et tous pour samedi !" in text
        assert text.index("**Mardi 26 mai**") < text.index("**Samedi 30 mai**")
        assert "- 18:30–20:30 : **Réunion publique**, Salle Guy Môquet" in text
        assert "- 10:00–12:00 : **Rassemblement devant la CAF**, Place de la République" in text
        assert "Trop loin" not in text
        assert "**Les appels en cours**" in text and "guichet CAF ouvert" in text
        clock.advance(hours=1)
        assert await bot.tick() == []
        assert await bot.engine.repo.editorial("le-mans") == ""  # used up by this letter


async def test_a_restart_after_sending_sends_nothing_again(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    config = make_config(tmp_path)
    async with running(config, clock) as bot:
        await seed(bot.app, WEDNESDAY)
        clock.set(MONDAY_9)
        assert len(await bot.tick()) == 1
    clock.advance(minutes=30)
    async with running(config, clock) as bot:
        assert await bot.tick() == []
        stored = await bot.engine.repo.get("le-mans-2026-W22")
        assert stored is not None and stored.status == "sent"


async def test_a_letter_due_while_stopped_goes_out_at_start(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    config = make_config(tmp_path)
    async with running(config, clock) as bot:
        await seed(bot.app, WEDNESDAY)
        await bot.tick()  # last Monday's letter (18 May)
    clock.set(datetime(2026, 5, 25, 14, 0, tzinfo=PARIS))  # down since Wednesday
    async with running(config, clock) as bot:
        assert await bot.app.services.outbox.drain(10)  # start() decided what was due
        assert [i.channel.id for i in bot.transport.sent] == ["salon:general"]
        assert "Semaine du lundi 25 mai 2026" in bot.transport.sent[0].text
        stored = await bot.engine.repo.get("le-mans-2026-W22")
        assert stored is not None and stored.status == "sent"
        assert await bot.tick() == []


async def test_envoyer_sends_now_and_annuler_skips_the_next_one(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    async with running(make_config(tmp_path), clock) as bot:
        await seed(bot.app, WEDNESDAY)
        assert "organisat" in await bot.say("!lettre envoyer", organiser=False)
        assert bot.transport.sent[-1].channel.id == "salon:orga"  # only the refusal
        assert "C'est parti" in await bot.say("!lettre envoyer")
        letters = [i.text for i in bot.transport.sent if i.channel.id == "salon:general"]
        assert len(letters) == 1 and "Semaine du lundi 25 mai 2026" in letters[0]
        assert "Réunion publique" in letters[0]
        clock.set(MONDAY_9)
        assert await bot.tick() == []  # already sent by « envoyer »
        answer = await bot.say("!lettre annuler")
        assert "pas de lettre cette semaine (celle du lundi 1er juin 2026 à 09:00)" in answer
        assert "déjà annulée" in await bot.say("!lettre annuler")
        assert "(celle du lundi 1er juin 2026 à 09:00) est annulée" in await bot.say("!lettre voir")
        clock.set(datetime(2026, 5, 31, 18, 0, tzinfo=PARIS))
        assert await bot.tick() == []  # no preview of a skipped letter
        clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))
        assert await bot.tick() == []


async def test_voir_shows_the_coming_letter_and_edito_effacer(tmp_path: Path) -> None:
    clock = Clock(WEDNESDAY)
    async with running(make_config(tmp_path), clock) as bot:
        await seed(bot.app, clock())
        clock.set(MONDAY_9)
        assert len(await bot.tick()) == 1  # this Monday's letter goes out
        await bot.say("!lettre edito Un mot")
        shown = await bot.say("!lettre voir")
        assert "partira le lundi 1er juin 2026 à 09:00" in shown and "Un mot" in shown
        assert "effacé" in await bot.say("!lettre edito effacer")
        assert "Un mot" not in await bot.say("!lettre voir")
        assert "Il manque : TEXTE ou effacer" in await bot.say("!lettre edito")


async def test_autumn_dst_week_preview_and_letter_at_local_time(tmp_path: Path) -> None:
    # Summer time ends on Sunday 25 October 2026 at 3:00: the preview that evening and
    # the letter on Monday 26 go out at 18:00 and 9:00 on the wall clock.
    clock = Clock(datetime(2026, 10, 21, 12, 0, tzinfo=PARIS))
    async with running(make_config(tmp_path), clock) as bot:
        clock.set(datetime(2026, 10, 25, 17, 59, tzinfo=PARIS))
        assert await bot.tick() == []
        clock.set(datetime(2026, 10, 25, 18, 0, tzinfo=PARIS))
        assert [room for room, _ in await bot.tick()] == ["salon:orga"]
        clock.set(datetime(2026, 10, 26, 8, 59, 59, tzinfo=PARIS))
        assert await bot.tick() == []
        clock.set(datetime(2026, 10, 26, 9, 0, tzinfo=PARIS))
        (sent,) = await bot.tick()
        assert sent[0] == "salon:general" and "Semaine du lundi 26 octobre 2026" in sent[1]
        assert bot.engine.next_instant(clock()) == datetime(2026, 11, 1, 18, 0, tzinfo=PARIS)
        stored = await bot.engine.repo.get("le-mans-2026-W44")
        assert stored is not None and stored.issued == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)

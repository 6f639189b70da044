"""`!annonce`: preview and "oui", one-off and recurring dates sent exactly once, late but
marked after a downtime, listing, showing, changing and cancelling (real App, real SQLite,
frozen clock)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from commands.annonce.engine import RunReport
from tests.helpers import RecordingTransport, wait_until
from tests.kit.clock import Clock
from tests.unit.annonce.conftest import PARIS, make_config, running

T0 = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)  # a Wednesday


async def test_one_off_preview_then_oui_then_sent_once_to_every_room(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        preview = await bot.say("!annonce vendredi 18h | Permanence ce soir, venez nombreux")
        assert "vendredi 22 mai 2026 à 18:00" in preview
        assert "#general" in preview and "#infos" in preview and "#sablons" not in preview
        assert "Permanence ce soir, venez nombreux" in preview
        assert "oui" in preview
        assert await bot.run() == []  # nothing before "oui"
        answer = await bot.say("oui")
        assert "annonce n° 1" in answer
        clock.set(datetime(2026, 5, 22, 17, 59, 59, tzinfo=PARIS))
        assert await bot.run() == []
        clock.set(datetime(2026, 5, 22, 18, 0, tzinfo=PARIS))
        sent = await bot.run()
        assert sorted(sent) == [
            ("salon:general", "Permanence ce soir, venez nombreux"),
            ("salon:infos", "Permanence ce soir, venez nombreux"),
        ]
        clock.advance(minutes=5)
        assert await bot.run() == []
        keys = [i.key for i in bot.transport.sent if i.key.startswith("annonce-")]
        assert keys == [
            "annonce-1-20260522T160000Z-console:salon:general",
            "annonce-1-20260522T160000Z-console:salon:infos",
        ]
        assert "Aucune annonce" in await bot.say("!annonces")


async def test_non_keeps_nothing_and_members_are_refused(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        await bot.say("!annonce demain 9h | Texte")
        assert "je ne programme rien" in (await bot.say("non"))
        assert "Aucune annonce" in await bot.say("!annonces")
        refused = await bot.say("!annonce demain 9h | Texte", organiser=False)
        assert "organisat" in refused
        assert "Aucune annonce" in await bot.say("!annonces")


async def test_bad_input_gets_a_kind_french_message(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        assert "Il manque la date ou le texte" in await bot.say("!annonce demain 9h")
        assert "passé" in await bot.say("!annonce aujourd'hui 9h | x")
        assert "l'heure d'envoi" in await bot.say("!annonce samedi | Texte")
        assert "Je ne connais pas le groupe « paris »" in await bot.say(
            "!annonce --groupe paris demain 9h | Texte"
        )
        assert "Pour quel groupe" in await bot.say("!annonce demain 9h | Texte", room=None)


async def test_recurring_goes_out_each_week_at_local_time_across_dst(tmp_path: Path) -> None:
    # Mondays 9:00 Paris from 19 October: 07:00 UTC before 25 October, 08:00 UTC after.
    clock = Clock(datetime(2026, 10, 14, 12, 0, tzinfo=PARIS))
    async with running(make_config(tmp_path), clock) as bot:
        preview = await bot.say("!annonce tous les lundis 9h | Réunion hebdo ce soir")
        assert "lundi 19 octobre 2026 à 09:00" in preview
        assert "lundi 26 octobre 2026 à 09:00" in preview
        await bot.say("oui")
        sent_keys: list[str] = []
        for day in (19, 26):
            clock.set(datetime(2026, 10, day, 8, 59, tzinfo=PARIS))
            assert await bot.run() == []
            clock.set(datetime(2026, 10, day, 9, 0, tzinfo=PARIS))
            assert len(await bot.run()) == 2
            sent_keys += [i.key for i in bot.transport.sent[-2:]]
        assert sent_keys[0].startswith("annonce-1-20261019T070000Z-")
        assert sent_keys[2].startswith("annonce-1-20261026T080000Z-")
        listing = await bot.say("!annonces")
        assert "1. lundi 2 novembre 2026 à 09:00 — " in listing


async def test_downtime_sends_late_marked_once_and_skips_beyond_grace(tmp_path: Path) -> None:
    clock = Clock(T0)
    config = make_config(tmp_path)
    async with running(config, clock) as bot:
        await bot.say("!annonce tous les jours 9h | Bonjour")
        await bot.say("oui")
    # Down from Wednesday 10:00 to Friday 10:00: Thursday 9:00 is beyond the 24 h grace,
    # Friday 9:00 is one hour late.
    clock.set(datetime(2026, 5, 22, 10, 0, tzinfo=PARIS))
    async with running(config, clock) as bot:
        sent = await bot.run()
        assert len(sent) == 2
        assert all("Bonjour" in text and "en retard" in text for _, text in sent)
        assert "vendredi 22 mai 2026 à 09:00" in sent[0][1]
        assert await bot.run() == []
        decided = await bot.service.repo.sends(1)
        assert [(d["occurrence"], d["status"], d["late"]) for d in decided] == [
            ("20260521T070000Z", "skipped", 1),
            ("20260522T070000Z", "sent", 1),
        ]


async def test_restart_does_not_send_again(tmp_path: Path) -> None:
    clock = Clock(T0)
    config = make_config(tmp_path)
    async with running(config, clock) as bot:
        await bot.say("!annonce demain 9h | Une fois")
        await bot.say("oui")
        clock.set(datetime(2026, 5, 21, 9, 0, tzinfo=PARIS))
        assert len(await bot.run()) == 2
    async with running(config, clock) as bot:
        assert await bot.run() == []
        clock.advance(days=1)
        assert await bot.run() == []


async def test_groupe_and_tous_choose_where_it_goes(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        preview = await bot.say("!annonce --groupe sablons demain 9h | Pour les Sablons", room=None)
        assert "#sablons" in preview and "#general" not in preview
        await bot.say("oui", room=None)
        preview = await bot.say("!annonce --tous demain 10h | Pour tout le monde")
        assert "#sablons" in preview and "#general" in preview
        await bot.say("oui")
        clock.set(datetime(2026, 5, 21, 10, 0, tzinfo=PARIS))
        rooms = sorted(room for room, _ in await bot.run())
        assert rooms == ["salon:general", "salon:infos", "salon:sablons", "salon:sablons"]


async def test_voir_modifier_text_and_time_with_confirmation(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        await bot.say("!annonce vendredi 18h | Premier texte")
        await bot.say("oui")
        shown = await bot.say("!annonce voir 1")
        assert "Annonce n° 1" in shown and "Premier texte" in shown
        usage = await bot.say("!annonce modifier 1 couleur x")
        assert "Écrivez « !annonce modifier N texte" in usage
        asked = await bot.say("!annonce modifier 1 texte Second texte")
        assert "Second texte" in asked
        assert "rien ne change" in await bot.say("non")
        await bot.say("!annonce modifier 1 texte Second texte")
        assert "C'est changé" in await bot.say("oui")
        asked = await bot.say("!annonce modifier 1 quand samedi 11h")
        assert "samedi 23 mai 2026 à 11:00" in asked
        await bot.say("oui")
        clock.set(datetime(2026, 5, 22, 18, 0, tzinfo=PARIS))
        assert await bot.run() == []
        clock.set(datetime(2026, 5, 23, 11, 0, tzinfo=PARIS))
        assert [t for _, t in await bot.run()] == ["Second texte", "Second texte"]
        assert "Je ne trouve pas d'annonce n° 9" in await bot.say("!annonce voir 9")


async def test_recurring_change_asks_only_this_one_or_all(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        await bot.say("!annonce tous les lundis 9h | Réunion")
        await bot.say("oui")
        asked = await bot.say("!annonce modifier 1 texte Réunion déplacée au local")
        assert "seulement celle-ci (lundi 25 mai 2026 à 09:00)" in asked
        assert "1 (seulement celle-ci)" in await bot.say("peut-être")
        assert "C'est changé" in await bot.say("1")
        asked = await bot.say("!annonce annuler 1")
        await bot.say("1")  # the next one is now 25 May: cancel only that one
        clock.set(datetime(2026, 5, 25, 9, 0, tzinfo=PARIS))
        assert await bot.run() == []
        clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))
        assert [t for _, t in await bot.run()] == ["Réunion", "Réunion"]
        await bot.say("!annonce modifier 1 texte Nouvelle réunion")
        await bot.say("2")
        clock.set(datetime(2026, 6, 8, 9, 0, tzinfo=PARIS))
        assert [t for _, t in await bot.run()] == ["Nouvelle réunion", "Nouvelle réunion"]
        await bot.say("!annonce annuler 1")
        assert "annulée" in await bot.say("2")
        clock.set(datetime(2026, 6, 15, 9, 0, tzinfo=PARIS))
        assert await bot.run() == []
        assert "Aucune annonce" in await bot.say("!annonces")


async def test_the_real_scheduler_fires_the_sender_once(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        await bot.say("!annonce demain 9h | Par le planificateur")
        await bot.say("oui")
        assert bot.app.services.scheduler.job_ids("annonce:") == ["annonce:rearm", "annonce:send"]
        clock.set(datetime(2026, 5, 21, 9, 0, tzinfo=PARIS))
        await bot.service.sender.arm()  # the due instant is now: the job runs at once

        async def delivered() -> bool:
            assert await bot.app.services.outbox.drain(5)
            return len(bot.transport.sent) >= 4  # preview, confirmation, two rooms

        await wait_until(delivered)
        texts = [i.text for i in bot.transport.sent[2:]]
        assert texts == ["Par le planificateur", "Par le planificateur"]
        assert "annonce:send" not in bot.app.services.scheduler.job_ids("annonce:")


async def test_mastodon_followers_get_it_when_the_group_posts_there(tmp_path: Path) -> None:
    clock = Clock(T0)
    config = make_config(
        tmp_path,
        extra={"mastodon": {"api_base_url": "https://mastodon.example", "access_token": "x"}},
    )
    async with running(config, clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        preview = await bot.say("!annonce demain 9h | " + "Un long texte. " * 60)
        assert "Où : #general, #infos, Mastodon" in preview
        await bot.say("oui")
        clock.set(datetime(2026, 5, 21, 9, 0, tzinfo=PARIS))
        await bot.run()
        (post,) = mastodon.sent
        assert post.channel.id == "announce" and post.channel.group == "le-mans"
        assert post.kind == "announcement"  # the transport threads it within the limit
        assert post.key == "annonce-1-20260521T070000Z-mastodon:announce"


async def test_a_change_during_a_run_is_never_overwritten(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as bot:
        await bot.say("!annonce demain 9h | Ancien texte")
        await bot.say("oui")
        clock.set(datetime(2026, 5, 21, 9, 0, tzinfo=PARIS))
        sender = bot.service.sender
        ((item, checked),) = await sender.repo.due(clock())
        # The run has read the announcement; an organiser's change lands before it writes.
        await bot.service.change_text(item, "Nouveau texte", None)
        report = RunReport()
        await sender._run_one(item, checked, clock(), report)
        assert report.sent == 0 and await sender.repo.sends(item.id) == []
        assert [t for _, t in await bot.run()] == ["Nouveau texte", "Nouveau texte"]

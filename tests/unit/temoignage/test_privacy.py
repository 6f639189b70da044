"""Receipt codes, withdrawal, retention, and what is left on disk (database and WAL)."""

from __future__ import annotations

from datetime import timedelta

import nacl.public

from commands.temoignage import PURGE_JOB
from commands.temoignage.crypto import encode_key
from tests.unit.temoignage.conftest import ROOM, SENDER, Harness, find_code

MARKER = "Le chat violet danse sur la table du guichet numéro neuf."


async def give(harness: Harness, story: str = "Un récit.", consent: str = "1") -> str:
    replies = await harness.say_all("!temoigner", "1", story, "!fin", "passer", "passer")
    replies += await harness.say("passer")
    replies += await harness.say(consent)
    if consent == "2":
        replies += await harness.say("oui")
    return find_code(replies)


async def test_status_and_withdrawal_by_code(harness: Harness) -> None:
    code = await give(harness)
    status = await harness.say(f"!temoignage statut {code}")
    assert status[0].startswith("Votre témoignage est bien gardé, chiffré.")
    assert "- Thème : CAF" in status[0] and "- Reçu le : 20 mai 2026" in status[0]
    assert "16 novembre 2026" in status[0]
    # Typed loosely: lower case, spaces instead of dashes.
    loose = " ".join(code.lower().split("-"))
    withdrawn = await harness.say(f"!temoignage retirer {loose}")
    assert withdrawn[0].startswith("C'est fait : votre témoignage est effacé, pour de bon.")
    assert await harness.count() == 0
    assert (await harness.say(f"!temoignage statut {code}"))[0].startswith("Je ne trouve aucun")
    assert (await harness.say(f"!temoignage retirer {code}"))[0].startswith("Je ne trouve aucun")


async def test_codes_are_checked_and_never_handled_in_a_room(harness: Harness) -> None:
    code = await give(harness)
    in_room = await harness.say(f"!temoignage retirer {code}", direct=False, channel=ROOM)
    assert in_room[0].startswith("Par prudence, je réponds à cette commande seulement en")
    assert await harness.count() == 1
    assert (await harness.say("!temoignage statut 1234"))[0].startswith("Ce code ne ressemble")
    wrong = "2222-2222-2222" if code != "2222-2222-2222" else "3333-3333-3333"
    assert (await harness.say(f"!temoignage statut {wrong}"))[0].startswith("Je ne trouve")
    missing = await harness.say("!temoignage retirer")
    assert missing[0].startswith("Il manque : CODE.")
    assert await harness.count() == 1


async def test_no_plaintext_nor_sender_on_disk_read_only(harness: Harness) -> None:
    code = await give(harness, story=MARKER)
    assert await harness.count() == 1
    files = harness.raw_files()
    assert "relais.sqlite3" in files and "relais.sqlite3-wal" in files
    for name, raw in files.items():
        assert MARKER.encode() not in raw, name
        assert b"chat violet" not in raw, name
        assert code.encode() not in raw, name
        assert SENDER.encode() not in raw, name
    await harness.stop()
    for name, raw in harness.raw_files().items():
        assert b"chat violet" not in raw, name
        assert SENDER.encode() not in raw, name


async def test_no_plaintext_after_the_anonymised_preview_nor_the_code(harness: Harness) -> None:
    """The preview and the receipt go through the outbox; their copies must not stay."""
    code = await give(harness, story=MARKER, consent="2")
    delivered = harness.sent()
    assert any("chat violet" in text for text in delivered)  # the preview was shown
    for name, raw in harness.raw_files().items():
        assert b"chat violet" not in raw, name
        assert code.encode() not in raw, name
        assert SENDER.encode() not in raw, name


async def test_testimony_row_holds_no_sender_and_no_time(harness: Harness) -> None:
    await harness.say("!temoigner", direct=False, channel=ROOM)  # from a room, as in Matrix
    await harness.say_all("1", "Récit.", "!fin", "passer", "passer", "passer", "1")
    store = harness.running.services.store
    rows = await store.fetchall("SELECT * FROM temoignages")
    assert len(rows) == 1
    row = dict(rows[0])
    assert set(row) == {"receipt_hash", "theme", "consent", "received_on", "payload", "recipients"}
    assert row["received_on"] == "2026-05-20"
    joined = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    assert SENDER.encode() not in joined and b"bea" not in joined
    assert len(row["payload"]) % 1024 == 40  # padded: 1 KiB blocks + nonce and MAC


async def test_retention_purge_at_start_and_by_the_job(
    harness: Harness, private_key: nacl.public.PrivateKey
) -> None:
    old = await give(harness, story="Ancien.")
    harness.clock.now += timedelta(days=100)
    recent = await give(harness, story="Récent.")
    assert await harness.count() == 2
    assert harness.running.services.scheduler.job_ids("temoignage:") == [PURGE_JOB]
    # 180 days after the first one: deleted when the bot starts again (catch-up).
    harness.clock.now += timedelta(days=80)
    await harness.restart()
    assert await harness.count() == 1
    assert (await harness.say(f"!temoignage statut {old}"))[0].startswith("Je ne trouve")
    assert (await harness.say(f"!temoignage statut {recent}"))[0].startswith("Votre témoignage")
    assert [item["texte"] for item in await harness.opened(private_key)] == ["Récent."]
    # And by the hourly job, once the second one is old enough.
    harness.clock.now += timedelta(days=100)
    job = harness.running.services.scheduler._scheduler.get_job(PURGE_JOB)
    await job.func()
    assert await harness.count() == 0


async def test_every_key_can_open_it(
    harness: Harness, settings: dict[str, object], private_key: nacl.public.PrivateKey
) -> None:
    second = nacl.public.PrivateKey.generate()
    keys = settings["public_keys"]
    assert isinstance(keys, list)
    settings["public_keys"] = [*keys, encode_key(bytes(second.public_key))]
    await harness.restart()
    await give(harness, story="Pour deux clés.")
    assert [i["texte"] for i in await harness.opened(private_key)] == ["Pour deux clés."]
    assert [i["texte"] for i in await harness.opened(second)] == ["Pour deux clés."]
    stranger = nacl.public.PrivateKey.generate()
    assert await harness.opened(stranger) == []

"""kill -9 at random points, then a restart: each message exactly once, no private trace.

Relais runs as a real process (`relais run --config`) on a real Synapse; people read with
real E2EE clients. After each SIGKILL, the database, its `-wal` and `-shm` are read as raw
bytes before the restart: nothing a person wrote in private, nothing the bot answered in
private, and not who it was, may lie there in clear.

The kill points are drawn at random (the seed is in the test's output, `-s` shows it);
each scenario kills at more than one point.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from commands.agenda.engine import GROUP_LIMIT
from commands.temoignage.crypto import encode_key
from devserver.synapse import LocalSynapse
from tests.kit.matrix import Person, answer, ask, bodies
from tests.kit.process import BotProcess
from tests.kit.synapse import NewUser

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SEED = random.randrange(1_000_000)
MARKER = "MARQUEUR-Q7ZK"


@pytest.fixture
def rng() -> random.Random:
    print(f"kill points drawn with seed {SEED}")
    return random.Random(SEED)


@pytest.fixture
async def people() -> AsyncIterator[list[Person]]:
    logged: list[Person] = []
    yield logged
    for person in logged:
        await person.close()


@pytest.fixture
async def bots() -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        await bot.stop()


async def settle(person: Person, seconds: float = 4.0) -> None:
    """Let late duplicates (if any) arrive."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await person.sync(500)


async def until_each_room_has(person: Person, rooms: list[str], start: str) -> None:
    for _ in range(120):
        if all(bodies(person, r, lambda b: b.startswith(start)) for r in rooms):
            return
        await person.sync(1000)
    missing = [r for r in rooms if not bodies(person, r, lambda b: b.startswith(start))]
    seen = [getattr(e, "body", type(e).__name__)[:30] for r, e in person.seen if r == missing[0]]
    raise AssertionError(f"{len(missing)} room(s) never got « {start} »; saw {seen}")


def assert_no_trace(bot: BotProcess, *secrets: str) -> None:
    files = bot.raw_bytes()
    assert "relais.sqlite3" in files
    for name, data in files.items():
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} lies in clear in {name}"


# -- a call fanned out to 22 rooms ---------------------------------------------------------
async def test_kill9_during_a_call_fan_out(
    synapse: LocalSynapse,
    new_user: NewUser,
    tmp_path: Path,
    people: list[Person],
    bots: list[BotProcess],
    rng: random.Random,
) -> None:
    bot_user = await new_user("relais")
    alice = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    people.append(alice)
    origin = await alice.create_room([bot_user.user_id], encrypted=True)
    rooms = [await alice.create_room([bot_user.user_id], encrypted=True) for _ in range(22)]
    bot = BotProcess(
        synapse,
        bot_user,
        tmp_path / "bot",
        {
            "organisers": {"matrix": [alice.user_id]},
            "groups": [
                {"name": "origine", "rooms": [origin], "tags": ["caf"]},
                {"name": "sarthe", "rooms": rooms[:11], "tags": ["caf"]},
                {"name": "mayenne", "rooms": rooms[11:], "tags": ["caf"]},
            ],
            "calls": {"instance": "Relais Test"},
        },
    )
    bots.append(bot)
    await bot.start()
    for room in [origin, *rooms]:
        await alice.wait_joined(room, bot_user.user_id, timeout=60)
    for n, delay in enumerate((rng.uniform(0.0, 0.4), rng.uniform(0.4, 1.5))):
        text = f"Appel {n} : rassemblement samedi devant la CAF"
        assert "appel" in (await answer(alice, origin, f"!appel {text}")).lower()
        await alice.say(origin, "oui")
        await asyncio.sleep(delay)
        bot.kill9()
        await bot.start()
        await until_each_room_has(alice, rooms, text)
        await settle(alice)
        counts = [len(bodies(alice, r, lambda b, t=text: b.startswith(t))) for r in rooms]
        assert counts == [1] * 22, f"killed {delay:.2f} s after « oui »: {counts}"


# -- a burst of reminders --------------------------------------------------------------------
def ics(events: list[tuple[str, datetime]]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//relais tests//FR"]
    for uid, (title, start) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:kill9-{uid}@tests",
            f"DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{title}",
            "LOCATION:Bourse du travail",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


async def test_kill9_during_a_reminder_burst(
    synapse: LocalSynapse,
    new_user: NewUser,
    tmp_path: Path,
    people: list[Person],
    bots: list[BotProcess],
    rng: random.Random,
) -> None:
    """12 events, 3 rooms: 36 reminders due at the same second, grouped per room in
    messages of GROUP_LIMIT at most; killed twice. Each room gets each reminder once."""
    bot_user = await new_user("relais")
    alice = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    people.append(alice)
    rooms = [await alice.create_room([bot_user.user_id], encrypted=True) for _ in range(3)]
    bot = BotProcess(
        synapse,
        bot_user,
        tmp_path / "bot",
        {
            "groups": [{"name": "sarthe", "rooms": rooms}],
            "agenda": {"reminders": {"default": ["2h"]}, "http": {"enabled": False}},
        },
    )
    bots.append(bot)
    await bot.start()
    for room in rooms:
        await alice.wait_joined(room, bot_user.user_id, timeout=60)
    await bot.stop()
    # Twelve events whose "2h before" reminders all fall due at the same second.
    due = datetime.now(UTC) + timedelta(seconds=20)
    titles = [f"Chantier {n:02d}" for n in range(12)]
    calendar = tmp_path / "agenda.ics"
    calendar.write_text(ics([(t, due + timedelta(hours=2)) for t in titles]), encoding="utf-8")
    imported = bot.cli("agenda", "import", str(calendar), "--groupe", "sarthe")
    assert imported.returncode == 0, imported.stderr
    await bot.start()
    await asyncio.sleep((due - datetime.now(UTC)).total_seconds() + rng.uniform(0.0, 0.6))
    bot.kill9()  # in the middle of the burst (or just before it)
    await bot.start()
    await asyncio.sleep(rng.uniform(0.0, 1.0))
    bot.kill9()  # while the interrupted burst is resumed
    await bot.start()
    messages = -(-len(titles) // GROUP_LIMIT)

    def listed(room: str) -> list[str]:
        got = bodies(alice, room, lambda b: b.startswith("Rappels : "))
        return sorted(re.findall(r"Chantier \d\d", "\n".join(got)))

    for _ in range(120):
        if all(len(listed(room)) >= len(titles) for room in rooms):
            break
        await alice.sync(1000)
    await settle(alice)
    for room in rooms:
        got = bodies(alice, room, lambda b: b.startswith("Rappel"))
        assert len(got) == messages, got
        assert listed(room) == titles


# -- a testimony -------------------------------------------------------------------------------
async def test_kill9_during_a_testimony_leaves_no_private_trace(
    synapse: LocalSynapse,
    new_user: NewUser,
    tmp_path: Path,
    people: list[Person],
    bots: list[BotProcess],
    rng: random.Random,
) -> None:
    bot_user = await new_user("relais")
    alice = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    people.append(alice)
    key = PrivateKey.generate()
    bot = BotProcess(
        synapse,
        bot_user,
        tmp_path / "bot",
        {"testimonies": {"public_keys": [encode_key(bytes(key.public_key))]}},
    )
    bots.append(bot)
    await bot.start()
    dm = await alice.create_room([bot_user.user_id], encrypted=True, direct=True)
    await alice.wait_joined(dm, bot_user.user_id)
    assert "Témoigner" in (await ask(alice, dm, "!temoigner"))[0].body
    assert (await answer(alice, dm, "1")).startswith("Thème : CAF")
    secrets = (MARKER, alice.user_id, "coupé le RSA")

    # Killed with a story told (the draft is in the database).
    await answer(alice, dm, f"On m'a coupé le RSA en mars. {MARKER}")
    bot.kill9()
    assert_no_trace(bot, *secrets)
    await bot.start()
    assert (await answer(alice, dm, "!fin")).startswith("Merci pour votre récit.")
    for _ in range(3):
        await answer(alice, dm, "passer")

    # Killed just after the consent, while the receipt is on its way.
    await alice.say(dm, "1")
    await asyncio.sleep(rng.uniform(0.0, 0.3))
    bot.kill9()
    assert_no_trace(bot, *secrets, "Votre code", "bien arrivé")
    await bot.start()
    for _ in range(60):
        if bodies(alice, dm, lambda b: "Votre code" in b):
            break
        await alice.sync(1000)
    await settle(alice)
    receipts = bodies(alice, dm, lambda b: "Votre code" in b)
    assert len(receipts) == 1, receipts
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", receipts[0])
    assert code is not None
    await bot.stop()
    assert_no_trace(bot, *secrets, "Votre code", code.group(0))


# -- an agenda change -----------------------------------------------------------------------------
async def test_kill9_during_an_agenda_change_announces_it_once(
    synapse: LocalSynapse,
    new_user: NewUser,
    tmp_path: Path,
    people: list[Person],
    bots: list[BotProcess],
    rng: random.Random,
) -> None:
    bot_user = await new_user("relais")
    alice = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    people.append(alice)
    rooms = [await alice.create_room([bot_user.user_id], encrypted=True) for _ in range(4)]
    bot = BotProcess(
        synapse,
        bot_user,
        tmp_path / "bot",
        {
            "organisers": {"matrix": [alice.user_id]},
            "groups": [{"name": "sarthe", "rooms": rooms}],
            "agenda": {"http": {"enabled": False}},
        },
    )
    bots.append(bot)
    await bot.start()
    for room in rooms:
        await alice.wait_joined(room, bot_user.user_id, timeout=60)
    preview = await answer(alice, rooms[0], "!agenda ajouter samedi 15h | Réunion publique | Salle")
    assert "Réunion publique" in preview
    added = await answer(alice, rooms[0], "oui")
    number = re.search(r"n° ?(\d+)", added)
    assert number is not None, added
    asked = await answer(alice, rooms[0], f"!agenda modifier {number.group(1)} lieu Mairie")
    assert "Mairie" in asked
    await alice.say(rooms[0], "oui")
    await asyncio.sleep(rng.uniform(0.0, 0.6))
    bot.kill9()
    await bot.start()
    await until_each_room_has(alice, rooms, "Changement")
    await settle(alice)
    counts = [len(bodies(alice, r, lambda b: b.startswith("Changement"))) for r in rooms]
    assert counts == [1] * 4

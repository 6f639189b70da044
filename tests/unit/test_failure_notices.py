"""A public message given up is reported to the organisers; a private one never is."""

from __future__ import annotations

from pathlib import Path

from bot.config import parse_config
from bot.core_schema import CORE_MIGRATIONS
from bot.failure_notices import FailureNotices
from bot.message import Channel, Outgoing, ReplyKind
from bot.names import ChannelNames
from bot.outbox import Outbox, PermanentDeliveryError
from bot.store import Store

CONFIG = parse_config(
    {
        "relais": {"data_dir": "/tmp/unused"},
        "groups": [
            {
                "name": "sarthe",
                "rooms": ["console:salon:general"],
                "organisers_room": "console:salon:orga",
            },
            {
                "name": "albi",
                "rooms": ["console:salon:albi"],
                "organisers_room": "console:salon:orga-albi",
            },
        ],
    },
    environ={},
)


def item(channel: Channel, text: str, key: str = "agenda-1") -> Outgoing:
    return Outgoing(1, key, channel, text, ReplyKind.ANNOUNCEMENT, None, {}, 3)


async def notices_after(tmp_path: Path, failed: Outgoing, error: PermanentDeliveryError) -> list:
    store = Store(tmp_path / "db.sqlite3")
    await store.open({"core": CORE_MIGRATIONS})
    outbox = Outbox(store, CONFIG.outbox)
    names = ChannelNames()
    names.learn("console:salon:general", "Salle « commune » [du] Mans")
    await FailureNotices(CONFIG, outbox, names).on_failed(failed, error)
    rows = await store.fetchall("SELECT channel_id, text, key FROM outbox ORDER BY id")
    await store.close()
    return [tuple(r) for r in rows]


async def test_the_group_organisers_hear_of_a_given_up_announcement(tmp_path: Path) -> None:
    room = Channel("console", "salon:general", group="sarthe")
    rows = await notices_after(
        tmp_path,
        item(room, "Rassemblement samedi [lien](https://x.example) devant la mairie"),
        PermanentDeliveryError("refusé par le serveur (M_FORBIDDEN)"),
    )
    ((channel, text, key),) = rows
    assert channel == "salon:orga" and key == "not-delivered-agenda-1-sarthe"
    assert "refusé par le serveur (M_FORBIDDEN)" in text
    assert "Rassemblement samedi \\[lien\\]" in text  # the excerpt is quoted, inert
    # Named as people know it, and inert: anyone in a room can choose its name.
    assert "dans le salon « Salle « commune » \\[du\\] Mans »" in text


async def test_private_messages_and_already_told_failures_are_not_reported(
    tmp_path: Path,
) -> None:
    private = Channel("console", "dm:bea", is_direct=True)
    assert await notices_after(tmp_path, item(private, "code"), PermanentDeliveryError("x")) == []
    room = Channel("console", "salon:general", group="sarthe")
    told = PermanentDeliveryError("refus 422", organisers_told=True)
    assert await notices_after(tmp_path / "b", item(room, "t"), told) == []
    notice = item(Channel("console", "salon:orga", group="sarthe"), "t", key="not-delivered-x")
    assert await notices_after(tmp_path / "c", notice, PermanentDeliveryError("x")) == []

"""Where a group's announcements go: its rooms, and Mastodon followers when configured."""

from __future__ import annotations

from bot.config import Config, GroupConfig
from bot.message import FOLLOWERS_ID, Channel

MASTODON_ANNOUNCE_ID = FOLLOWERS_ID


def room_channel(room: str, group: str | None) -> Channel:
    """A configured room address: "console:salon:x", "matrix:!id:server" or a bare Matrix id."""
    transport, _, rest = room.partition(":")
    if transport in ("console", "matrix") and rest:
        return Channel(transport, rest, is_direct=False, group=group)
    return Channel("matrix", room, is_direct=False, group=group)


def group_targets(config: Config, group: GroupConfig, *, mastodon: bool = True) -> list[Channel]:
    targets = [room_channel(room, group.name) for room in group.rooms]
    if mastodon and config.mastodon is not None and group.mastodon.enabled:
        targets.append(Channel("mastodon", MASTODON_ANNOUNCE_ID, is_direct=False, group=group.name))
    return targets


def organisers_channel(group: GroupConfig) -> Channel | None:
    if group.organisers_room is None:
        return None
    return room_channel(group.organisers_room, group.name)

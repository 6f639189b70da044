"""What people call a channel: a room's name rather than its address.

Transports teach the names they know (a Matrix room's name or alias, as its members see
it); features ask `label(channel)` wherever a room is named to a person. Names of private
rooms are never learnt (they are often a person's name).
"""

from __future__ import annotations

from bot.message import Channel, Reach

CONSOLE_ROOM_PREFIX = "salon:"
PRIVATE_LABEL = "message privé"


class ChannelNames:
    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def learn(self, channel_key: str, name: str) -> None:
        name = " ".join(name.split())
        if name:
            self._names[channel_key] = name

    def label(self, channel: Channel) -> str:
        if channel.reach is Reach.FOLLOWERS:
            return channel.capabilities.service
        if channel.reach is Reach.PERSON:
            return PRIVATE_LABEL
        known = self._names.get(channel.key)
        if known is not None:
            return f"« {known} »"
        if channel.id.startswith(CONSOLE_ROOM_PREFIX):
            return "#" + channel.id.removeprefix(CONSOLE_ROOM_PREFIX)
        return channel.id

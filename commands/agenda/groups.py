"""Which group a message is about, its zone, and where an event's announcements go.

Without any group in the configuration (the console's embedded settings), the agenda
uses one implicit group, "local", in `relais.timezone`; its events announce in the
conversation they were created in.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.announce import group_targets
from bot.config import Config, GroupConfig
from bot.message import Channel, Reach
from commands.agenda.model import Event

IMPLICIT_GROUP = "local"


@dataclass(frozen=True)
class Group:
    name: str
    tz: ZoneInfo
    config: GroupConfig | None = None  # None: the implicit group

    @property
    def implicit(self) -> bool:
        return self.config is None


def all_groups(config: Config) -> list[Group]:
    if not config.groups:
        return [Group(IMPLICIT_GROUP, ZoneInfo(config.timezone))]
    return [Group(g.name, ZoneInfo(g.timezone), g) for g in config.groups]


def find_group(config: Config, name: str | None) -> Group | None:
    if name is None:
        return None
    wanted = name.strip().lower()
    return next((g for g in all_groups(config) if g.name == wanted), None)


def zone_of(config: Config, group: str) -> ZoneInfo:
    found = find_group(config, group)
    return found.tz if found is not None else ZoneInfo(config.timezone)


def groups_for_channel(config: Config, channel: Channel) -> list[Group]:
    """The room's group; in a DM or an unmapped room, every group (one: no question)."""
    name = channel.group
    if name is None and not channel.is_direct:
        mapped = config.group_for_room(channel.transport, channel.id)
        name = None if mapped is None else mapped.name
    found = find_group(config, name)
    if found is not None:
        return [found]
    return all_groups(config)


def new_event_targets(group: Group, channel: Channel) -> tuple[Channel, ...] | None:
    """None: follow the group's configured targets. The implicit group has none, so an
    event announces where it was created."""
    if group.implicit:
        return (Channel(channel.transport, channel.id, channel.is_direct, group.name),)
    return None


def event_targets(config: Config, event: Event) -> list[Channel]:
    if event.targets is not None:
        return list(event.targets)
    group = find_group(config, event.group)
    if group is None or group.config is None:
        return []
    return group_targets(config, group.config)


def rooms_only(config: Config, event: Event) -> tuple[Channel, ...]:
    """The event's targets without its public feed ("!agenda modifier N mastodon non")."""
    return tuple(t for t in event_targets(config, event) if t.reach is Reach.ROOM)

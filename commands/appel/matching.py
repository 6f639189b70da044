"""Who receives a call, where it goes, and when it must not travel further. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b

from bot.announce import group_targets
from bot.config import Config, GroupConfig
from bot.french import normalize
from bot.message import Channel, Reach
from commands.appel.config import AppelConfig, GroupRule, mode_of
from commands.appel.model import Call


@dataclass(frozen=True)
class Receiver:
    group: GroupConfig
    mode: str  # "direct" or "validation"

    @property
    def direct(self) -> bool:
        return self.mode == "direct"


@dataclass(frozen=True)
class Plan:
    """Where a call would go, for the preview."""

    direct: tuple[tuple[str, int], ...]  # (group, number of rooms), posted at once
    validation: tuple[str, ...]  # groups whose organisers decide
    mastodon: bool
    peers: int  # coordination rooms

    @property
    def empty(self) -> bool:
        return not (self.direct or self.validation or self.peers)


def plan(config: Config, found: list[Receiver], peers: int) -> Plan:
    direct = tuple(
        (r.group.name, len(group_targets(config, r.group, mastodon=False)))
        for r in found
        if r.direct
    )
    mastodon = any(
        channel.reach is Reach.FOLLOWERS
        for r in found
        for channel in group_targets(config, r.group)
    )
    validation = tuple(r.group.name for r in found if not r.direct)
    return Plan(direct, validation, mastodon, peers)


def _named(entry: str, call: Call) -> bool:
    """ "angers" matches a group of that name anywhere; "angers@Relais 49" only there."""
    name, _, instance = entry.partition("@")
    if normalize(name) != normalize(call.origin_group):
        return False
    return not instance or normalize(instance) == normalize(call.origin_instance)


def subscribed(call: Call, group: GroupConfig, rule: GroupRule) -> bool:
    if rule.everything:
        return True
    if any(_named(entry, call) for entry in rule.groups):
        return True
    wanted = group.tags if rule.tags is None else rule.tags
    have = {normalize(t) for t in call.tags}
    return any(normalize(t) in have for t in wanted)


def receivers(
    call: Call, config: Config, appel: AppelConfig, *, exclude: str | None = None
) -> list[Receiver]:
    """Local groups that receive `call`, in configuration order; never `exclude` (its origin)."""
    out: list[Receiver] = []
    for group in config.groups:
        if group.name == exclude:
            continue
        rule = appel.rule(group.name)
        if subscribed(call, group, rule):
            out.append(Receiver(group, mode_of(group, rule)))
    return out


def received_tags(config: Config, appel: AppelConfig, *, exclude: str | None = None) -> list[str]:
    """The tags some group (other than `exclude`) receives calls for, in configuration order."""
    seen: dict[str, str] = {}
    for group in config.groups:
        if group.name == exclude:
            continue
        rule = appel.rule(group.name)
        for tag in group.tags if rule.tags is None else rule.tags:
            seen.setdefault(normalize(tag), tag)
    return list(seen.values())


def has_been_here(call: Call, instance: str) -> bool:
    """Loop prevention: a call never comes back to an instance it came from or went through."""
    wanted = normalize(instance)
    return normalize(call.origin_instance) == wanted or any(
        normalize(hop) == wanted for hop in call.hops
    )


def target_id(channel: Channel) -> str:
    """A short stable name for a channel, used in outbox keys (Matrix txn ids)."""
    return blake2b(channel.key.encode(), digest_size=6).hexdigest()


def copy_key(uid: str, channel: Channel) -> str:
    return f"appel-{uid}-{target_id(channel)}"


def request_key(uid: str, group: str) -> str:
    return f"appel-{uid}-demande-{group}"


def retraction_key(key: str) -> str:
    return f"{key}-retrait"


def forward_rooms(appel: AppelConfig, arrived_in: str | None) -> list[str]:
    """Coordination rooms a call goes to: all of them, except the one it arrived in."""
    return [
        room
        for room in appel.coordination_rooms
        if arrived_in is None or room.removeprefix("matrix:") != arrived_in
    ]

"""Operations on calls: launch, receive, decide, retract, follow. Everything leaves via the outbox.

Order of writes, so that a crash loses nothing: the call, its groups and its targets are
recorded first; then the outbox receives the messages under stable keys; then the targets
are marked queued. At start, `resume` hands again to the outbox what was recorded but
maybe not queued (the keys make a second hand-over a no-op).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.announce import group_targets, organisers_channel, room_channel
from bot.config import Config, GroupConfig
from bot.context import Services
from bot.digest import DigestItem, DigestQuery, ItemKind
from bot.message import Channel, ReplyKind
from bot.outbox import OutgoingDraft
from commands.appel import matching, render, texts
from commands.appel.config import AppelConfig
from commands.appel.matching import Receiver
from commands.appel.model import EVENT_TYPE, Call, CallEvent, to_content
from commands.appel.repo import CallRepo, NewTarget, StoredCall, Target
from commands.appel.retraction import Retractions

logger = logging.getLogger(__name__)

# The outbox tells the service of each delivered copy, request and peer event (their
# remote ids make retraction possible).
DELIVERY_TOPIC = "appel"


@dataclass(frozen=True)
class Launched:
    id: int
    copies: int


class AppelService:
    def __init__(self, services: Services, appel: AppelConfig) -> None:
        self.services = services
        self.appel = appel
        self.repo = CallRepo(services.store)
        self.retractions = Retractions(self)

    # -- small helpers -----------------------------------------------------------------------
    @property
    def config(self) -> Config:
        return self.services.config

    @property
    def prefix(self) -> str:
        return self.config.command_prefix

    def now(self) -> datetime:
        return self.services.now()

    def group(self, name: str | None) -> GroupConfig | None:
        return next((g for g in self.config.groups if g.name == name), None)

    def tz(self, group: str | None = None) -> ZoneInfo:
        found = self.group(group)
        return ZoneInfo(found.timezone if found is not None else self.config.timezone)

    async def duplicate_of(self, text: str) -> StoredCall | None:
        since = self.now() - timedelta(hours=self.appel.dedup_window_hours)
        return await self.repo.duplicate(text, since)

    def receivers(self, call: Call, exclude: str | None = None) -> list[Receiver]:
        return matching.receivers(call, self.config, self.appel, exclude=exclude)

    def plan(self, call: Call, *, local: bool) -> matching.Plan:
        peers = 0 if local else len(self.appel.coordination_rooms)
        return matching.plan(self.config, self.receivers(call, call.origin_group), peers)

    # -- launching and receiving ---------------------------------------------------------------
    async def launch(self, call: Call, *, local: bool) -> Launched:
        found = self.receivers(call, exclude=call.origin_group)
        call_id = await self.repo.record(
            call, direction="sent", now=self.now(), groups=_decisions(call, found)
        )
        if call_id is None:
            raise RuntimeError("call uid already recorded")
        peers = [] if local else matching.forward_rooms(self.appel, None)
        copies = await self._hand_over(call_id, call, found, peers)
        logger.info(
            "call %d launched: %d group(s), %d copy(ies), %d peer room(s)",
            call_id,
            len(found),
            copies,
            len(peers),
        )
        return Launched(call_id, copies)

    async def receive(self, event: CallEvent, arrived_in: str) -> None:
        """A call (or its retraction) from a trusted peer, already parsed."""
        call = event.call
        if matching.has_been_here(call, self.appel.instance):
            logger.info("ignored a call that has already been here (loop)")
            return
        if event.retract:
            await self.retractions.from_peer(call, arrived_in)
            return
        if await self.repo.by_uid(call.uid) is not None:
            logger.info("ignored a call already known (same id)")
            return
        if call.expired(self.now()):
            logger.info("ignored an expired call")
            return
        if await self.duplicate_of(call.text) is not None:
            logger.info("ignored a call already known (same text)")
            return
        relayed = call.with_hop(self.appel.instance)
        found = self.receivers(relayed)
        call_id = await self.repo.record(
            relayed,
            direction="received",
            now=self.now(),
            arrived_in=arrived_in,
            groups=_decisions(relayed, found),
        )
        if call_id is None:
            return
        peers = matching.forward_rooms(self.appel, arrived_in)
        copies = await self._hand_over(call_id, relayed, found, peers)
        logger.info(
            "call %d received: %d group(s), %d copy(ies), forwarded to %d room(s)",
            call_id,
            len(found),
            copies,
            len(peers),
        )

    async def _hand_over(
        self, call_id: int, call: Call, found: list[Receiver], peer_rooms: list[str]
    ) -> int:
        targets: list[NewTarget] = []
        for receiver in found:
            if receiver.direct:
                targets += self._copy_targets(call, receiver.group)
        for room in peer_rooms:
            channel = room_channel(room, None)
            targets.append(
                NewTarget(
                    matching.target_id(channel),
                    "peer",
                    channel,
                    matching.copy_key(call.uid, channel),
                )
            )
        targets = _unique(targets)
        await self.repo.add_targets(call_id, targets)
        await self._queue_targets(call_id)
        for receiver in found:
            if not receiver.direct:
                await self._ask(call_id, receiver.group)
        return sum(1 for t in targets if t.kind == "copy")

    def _copy_targets(self, call: Call, group: GroupConfig) -> list[NewTarget]:
        return [
            NewTarget(
                matching.target_id(channel), "copy", channel, matching.copy_key(call.uid, channel)
            )
            for channel in group_targets(self.config, group)
        ]

    async def _queue_targets(self, call_id: int) -> None:
        stored = await self.repo.by_id(call_id)
        if stored is None or stored.retracted:
            return
        drafts = [
            self._draft(stored.call, target)
            for target in await self.repo.targets(call_id)
            if not target.queued
        ]
        if drafts:
            await self.services.outbox.enqueue_many(drafts)
        await self.repo.targets_queued(call_id)

    def _draft(self, call: Call, target: Target) -> OutgoingDraft:
        if target.kind == "peer":
            return self.event_draft(call, target.channel, target.outbox_key, retract=False)
        return OutgoingDraft(
            target.channel,
            render.copy_text(call),
            ReplyKind.ANNOUNCEMENT,
            key=target.outbox_key,
            expires_at=call.expiry.timestamp(),  # an expired call is no longer relayed
            notify=DELIVERY_TOPIC,
        )

    def event_draft(
        self, call: Call, channel: Channel, key: str, *, retract: bool
    ) -> OutgoingDraft:
        content = to_content(CallEvent(call, retract), render.event_body(call, retract))
        return OutgoingDraft(
            channel,
            str(content["body"]),
            ReplyKind.EVENT,
            key=key,
            reply_context={"event_type": EVENT_TYPE, "content": content},
            notify=None if retract else DELIVERY_TOPIC,
        )

    async def _ask(self, call_id: int, group: GroupConfig) -> None:
        stored = await self.repo.by_id(call_id)
        channel = organisers_channel(group)
        if stored is None or channel is None:
            return
        waiting_here = [g for g in self.config.groups if g.organisers_room == group.organisers_room]
        text = render.request(
            stored, group.name, len(waiting_here) > 1, self.tz(group.name), self.prefix
        )
        await self.services.outbox.enqueue(
            OutgoingDraft(
                channel,
                text,
                ReplyKind.ANNOUNCEMENT,
                key=matching.request_key(stored.call.uid, group.name),
                notify=DELIVERY_TOPIC,
            )
        )
        await self.repo.request_queued(call_id, group.name)

    async def resume(self) -> None:
        """Hand to the outbox what a crash may have left recorded but not queued."""
        for call_id in await self.repo.unqueued_calls():
            await self.resume_call(call_id)
            logger.info("call %d: handed to the outbox again", call_id)

    async def resume_call(self, call_id: int) -> None:
        await self._queue_targets(call_id)
        for decision in await self.repo.groups(call_id):
            group = self.group(decision.group)
            if decision.state == "waiting" and not decision.queued and group is not None:
                await self._ask(call_id, group)

    # -- decisions ------------------------------------------------------------------------------
    async def accept(self, stored: StoredCall, group: GroupConfig) -> bool:
        if not await self.repo.decide(
            stored.id, group.name, "accepted", self.now(), was=("waiting",)
        ):
            return False
        targets = _unique(self._copy_targets(stored.call, group))
        await self.repo.add_targets(stored.id, targets)
        await self._queue_targets(stored.id)
        logger.info("call %d accepted by a group (%d copy(ies))", stored.id, len(targets))
        return True

    async def refuse(self, stored: StoredCall, group: GroupConfig) -> bool:
        done = await self.repo.decide(
            stored.id, group.name, "refused", self.now(), was=("waiting",)
        )
        if done:
            logger.info("call %d refused by a group", stored.id)
        return done

    # -- retraction (see retraction.py) -------------------------------------------------------
    async def retract(self, stored: StoredCall, *, tell_peers: bool) -> int:
        return await self.retractions.retract(stored, tell_peers=tell_peers)

    # -- following --------------------------------------------------------------------------------
    async def target_states(self, call_id: int) -> list[render.TargetState]:
        states = []
        for target in await self.repo.targets(call_id):
            states.append(
                render.TargetState(
                    target.channel.group,
                    target.kind,
                    target.channel.reach,
                    await self._label(target),
                )
            )
        return states

    async def _label(self, target: Target) -> str:
        if target.retracted:
            return texts.STATE_RETRACTED
        row = await self.services.outbox.status(target.outbox_key)
        if row is None:
            return texts.STATE_UNKNOWN if target.queued else texts.STATE_QUEUED
        if row["status"] == "delivered":
            return texts.STATE_SENT
        if row["status"] == "failed":
            return texts.STATE_FAILED.format(reason=row["last_error"] or "?")
        if row["last_error"]:
            return texts.STATE_RETRYING.format(reason=row["last_error"])
        return texts.STATE_QUEUED

    async def digest_items(self, query: DigestQuery) -> list[DigestItem]:
        """The calls still valid that the groups launched or published, as the engine's
        neutral items (for the weekly letter)."""
        found = await self.repo.valid_for(query.groups, query.start)
        return [
            DigestItem(
                kind=ItemKind.CALL,
                title=render.headline(stored.call.text),
                link=stored.call.link if (stored.call.link or "").startswith("https://") else None,
                category=render.origin_label(stored.call),
                text=stored.call.text,
                until=stored.call.expiry,
                ref=f"appel-{stored.call.uid}",
                group=stored.call.origin_group,
            )
            for stored in found
        ]

    async def purge(self) -> int:
        return await self.repo.purge(self.now() - timedelta(days=self.appel.retention_days))


def _decisions(call: Call, found: list[Receiver]) -> list[tuple[str, str, str | None]]:
    return [
        (r.group.name, "direct", None)
        if r.direct
        else (r.group.name, "waiting", matching.request_key(call.uid, r.group.name))
        for r in found
    ]


def _unique(targets: list[NewTarget]) -> list[NewTarget]:
    """One target per channel: a Mastodon account shared by groups posts once."""
    seen: set[str] = set()
    out = []
    for target in targets:
        if target.target not in seen:
            seen.add(target.target)
            out.append(target)
    return out

"""Taking a call back everywhere it went: copies, pending requests, and the peers.

A copy not sent yet is cancelled in the outbox; one already delivered is redacted
(Matrix) or deleted (Mastodon) through a RETRACTION message whose key derives from the
copy's. A copy that gets delivered while the call is being retracted is taken back by
`on_delivered`, so nothing stays up. Peers receive the call's event again with
`retract: true`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.announce import organisers_channel
from bot.message import Channel, Outgoing, ReplyKind
from bot.outbox import OutgoingDraft
from commands.appel import matching, texts
from commands.appel.model import Call
from commands.appel.repo import StoredCall, Target

if TYPE_CHECKING:
    from commands.appel.service import AppelService

logger = logging.getLogger(__name__)


class Retractions:
    def __init__(self, service: AppelService) -> None:
        self.service = service
        self.repo = service.repo
        self.outbox = service.services.outbox

    async def retract(self, stored: StoredCall, *, tell_peers: bool) -> int:
        """Take back every copy (and pending request); tell peers when asked. Copies count."""
        if not await self.repo.retract(stored.id, self.service.now()):
            return 0
        count = 0
        for target in await self.repo.targets(stored.id):
            if target.kind == "copy":
                count += await self._retract_copy(stored.id, target)
            elif tell_peers:
                await self.outbox.enqueue(
                    self.service.event_draft(
                        stored.call,
                        target.channel,
                        matching.retraction_key(target.outbox_key),
                        retract=True,
                    )
                )
        for decision in await self.repo.groups(stored.id):
            await self._retract_request(stored, decision.group, decision.request_remote_id)
        logger.info("call %d retracted (%d copy(ies))", stored.id, count)
        return count

    async def _retract_copy(self, call_id: int, target: Target) -> int:
        remote_id = target.remote_id
        if remote_id is None:
            # Not sent, or on its way: if it gets delivered after all, `on_delivered`
            # takes it back.
            if await self.outbox.cancel(target.outbox_key, texts.RETRACT_REASON):
                await self.repo.target_retracted(call_id, target.target)
                return 0
            row = await self.outbox.status(target.outbox_key)
            if row is None or row["status"] == "failed":
                await self.repo.target_retracted(call_id, target.target)
                return 0
            remote_id = row["remote_id"]
            if not remote_id:
                return 0
        await self.repo.target_retracted(call_id, target.target)
        await self._send_retraction(target.channel, target.outbox_key, remote_id)
        return 1

    async def _send_retraction(self, channel: Channel, key: str, remote_id: str) -> None:
        """Idempotent: the retraction's key derives from the original's."""
        await self.outbox.enqueue(
            OutgoingDraft(
                channel,
                texts.RETRACT_REASON,
                ReplyKind.RETRACTION,
                key=matching.retraction_key(key),
                reply_context={"remote_id": remote_id},
            )
        )

    async def _retract_request(self, stored: StoredCall, group: str, remote_id: str | None) -> None:
        found = self.service.group(group)
        channel = organisers_channel(found) if found is not None else None
        key = matching.request_key(stored.call.uid, group)
        if channel is None:
            return
        if remote_id is None:
            if await self.outbox.cancel(key, texts.RETRACT_REASON):
                return
            row = await self.outbox.status(key)
            remote_id = None if row is None else row["remote_id"]
            if not remote_id:
                return
        await self._send_retraction(channel, key, remote_id)

    async def from_peer(self, call: Call, arrived_in: str) -> None:
        stored = await self.repo.by_uid(call.uid)
        if stored is None:
            # The retraction overtook its call: remember it, so the call is ignored later.
            await self.repo.record(
                call,
                direction="received",
                now=self.service.now(),
                arrived_in=arrived_in,
                retracted=True,
            )
            logger.info("recorded a retraction for a call not seen yet")
            return
        if stored.sent or stored.call.origin_instance != call.origin_instance:
            logger.warning("ignored a retraction that does not come from the call's origin")
            return
        await self.retract(stored, tell_peers=True)

    async def on_delivered(self, item: Outgoing, remote_id: str | None) -> None:
        """Remember remote ids; a copy delivered after its call was retracted goes at once."""
        call_id = await self.repo.delivered(item.key, remote_id)
        if call_id is None or not remote_id:
            return
        stored = await self.repo.by_id(call_id)
        if stored is None or not stored.retracted:
            return
        for target in await self.repo.targets(call_id):
            if target.outbox_key == item.key and target.kind == "copy":
                await self.repo.target_retracted(call_id, target.target)
                await self._send_retraction(target.channel, item.key, remote_id)
        for decision in await self.repo.groups(call_id):
            if decision.request_key == item.key:
                await self._retract_request(stored, decision.group, remote_id)

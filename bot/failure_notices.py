"""Tell the organisers when a public message is given up: they are the ones who can act.

Private messages (to one person) are never described to anyone: only the log says that
one was given up, with no address. A notice that itself fails is not reported again.
"""

from __future__ import annotations

import logging

from bot import texts
from bot.announce import organisers_channel
from bot.config import Config
from bot.french import quoted
from bot.message import Outgoing, ReplyKind
from bot.names import ChannelNames
from bot.outbox import Outbox, OutgoingDraft, PermanentDeliveryError

logger = logging.getLogger(__name__)

NOTICE_KEY_PREFIX = "not-delivered-"


class FailureNotices:
    def __init__(self, config: Config, outbox: Outbox, names: ChannelNames | None = None) -> None:
        self._config = config
        self._outbox = outbox
        self._names = names or ChannelNames()

    async def on_failed(self, item: Outgoing, error: PermanentDeliveryError) -> None:
        if item.channel.is_direct or error.organisers_told or item.kind is ReplyKind.RETRACTION:
            return
        if item.key.startswith(NOTICE_KEY_PREFIX):
            return
        groups = [g for g in self._config.groups if g.name == item.channel.group] or list(
            self._config.groups
        )
        where = (
            texts.NOT_DELIVERED_WHERE_MASTODON
            if item.channel.transport == "mastodon"
            else texts.NOT_DELIVERED_WHERE_ROOM.format(room=self._names.label(item.channel))
        )
        text = texts.NOT_DELIVERED.format(
            where=where, reason=error.reason, excerpt=quoted(item.text, 80)
        )
        drafts = []
        for group in groups:
            channel = organisers_channel(group)
            if channel is not None and channel.key != item.channel.key:
                key = f"{NOTICE_KEY_PREFIX}{item.key}-{group.name}"
                drafts.append(OutgoingDraft(channel, text, ReplyKind.ANNOUNCEMENT, key=key))
        if drafts:
            await self._outbox.enqueue_many(drafts)
        else:
            logger.warning("outbox #%d given up and no organisers room to tell", item.id)

"""Posting: answers in the asker's thread, announcements for followers, long texts as threads.

Each post carries an Idempotency-Key (the outbox key, "-partN" for thread parts), so
a retry after a lost answer does not post twice. The server forgets keys after an
hour, so the ids of thread parts already posted are also kept in the store: a retry
resumes the thread where it stopped. Faults become the outbox's delivery errors; a
refused post (422) is reported to the organisers instead of being retried.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.announce import MASTODON_ANNOUNCE_ID, organisers_channel
from bot.config import Config, GroupConfig, GroupMastodonConfig, MastodonConfig
from bot.message import Outgoing, ReplyKind
from bot.outbox import Outbox, OutgoingDraft, PermanentDeliveryError, TransientDeliveryError
from bot.store import Store
from bot.transports.mastodon import texts
from bot.transports.mastodon.api import ApiError, ApiErrorKind, MastodonApi, server_reason
from bot.transports.mastodon.parse import InstanceInfo, local_form, narrow_visibility
from bot.transports.mastodon.recover import PENDING_PREFIX, PostRecovery
from bot.transports.mastodon.server import MastodonTuning, ServerFacts
from bot.transports.mastodon.shaping import markdown_to_plain, split_thread

logger = logging.getLogger(__name__)

LANGUAGE = "fr"
# Answers never go wider than unlisted: a bot's replies should not fill public timelines.
ANSWER_CEILING = "unlisted"
THREAD_STATE_PREFIX = "mastodon:thread:"
EXCERPT_LENGTH = 80


@dataclass(frozen=True)
class PostPlan:
    parts: tuple[str, ...]
    visibility: str
    continuation_visibility: str
    spoiler_text: str | None
    in_reply_to_id: str | None
    is_announcement: bool


class Poster:
    def __init__(
        self,
        api: MastodonApi,
        facts: ServerFacts,
        *,
        config: Config,
        store: Store,
        outbox: Outbox,
        tuning: MastodonTuning,
        now: Callable[[], datetime],
    ) -> None:
        if config.mastodon is None:
            raise ValueError("no mastodon section in the configuration")
        self._api = api
        self._facts = facts
        self._config = config
        self._mastodon: MastodonConfig = config.mastodon
        self._store = store
        self._outbox = outbox
        self._tuning = tuning
        self._now = now
        self._recovery = PostRecovery(api, facts, store, max_wait=tuning.deliver_max_wait)

    async def deliver(self, item: Outgoing) -> str | None:
        if item.kind is ReplyKind.EVENT:
            raise PermanentDeliveryError("Mastodon ne transporte pas d'événements structurés")
        if item.kind is ReplyKind.RETRACTION:
            return await self._delete(item)
        try:
            instance = await self._facts.instance()
            plan = await self.plan(item, instance)
            return await self._post(item, plan)
        except ApiError as exc:
            error = await self._delivery_error(item, exc)
            if isinstance(error, PermanentDeliveryError):
                await self._forget_thread(item)
            raise error from None

    async def _delete(self, item: Outgoing) -> str | None:
        """Take back a post (a retracted call): the status and, for a thread, its first part."""
        remote_id = str(item.reply_context.get("remote_id") or "")
        if not remote_id:
            raise PermanentDeliveryError("rien à retirer (identifiant manquant)")
        for status_id in remote_id.split(","):
            try:
                await self._api.call(
                    "status_delete", status_id, max_wait=self._tuning.deliver_max_wait
                )
            except ApiError as exc:
                if exc.kind is not ApiErrorKind.NOT_FOUND:  # already gone: fine
                    raise await self._delivery_error(item, exc) from None
        logger.info("outbox #%d: %d status(es) deleted", item.id, remote_id.count(",") + 1)
        return remote_id

    # -- planning ------------------------------------------------------------------------------
    async def plan(self, item: Outgoing, instance: InstanceInfo) -> PostPlan:
        if item.channel.id == MASTODON_ANNOUNCE_ID:
            return self.announcement_plan(item, instance)
        return self.answer_plan(item, instance, await self._facts.local_domain())

    def announcement_plan(self, item: Outgoing, instance: InstanceInfo) -> PostPlan:
        look = self._group_look(item.channel.group)
        tags = " ".join("#" + tag.lstrip("#") for tag in look.hashtags)
        spoiler = look.content_warning or None
        parts = split_thread(
            markdown_to_plain(item.text),
            instance.max_characters,
            first_suffix=f"\n\n{tags}" if tags else "",
            reserved=len(spoiler or ""),
        )
        visibility = self._mastodon.announcement_visibility
        return PostPlan(
            parts=tuple(parts),
            visibility=visibility,
            continuation_visibility="unlisted" if visibility == "public" else visibility,
            spoiler_text=spoiler,
            in_reply_to_id=None,
            is_announcement=True,
        )

    def answer_plan(self, item: Outgoing, instance: InstanceInfo, local_domain: str) -> PostPlan:
        context = item.reply_context or {}
        kind, _, who = item.channel.id.partition(":")
        acct = str(context.get("acct") or (who if kind in ("dm", "mention") else ""))
        if not acct:
            raise PermanentDeliveryError("no Mastodon account to answer in this channel")
        asked_in = context.get("visibility")
        if not isinstance(asked_in, str):
            asked_in = "direct" if item.channel.is_direct or kind == "dm" else ANSWER_CEILING
        visibility = narrow_visibility(asked_in, ANSWER_CEILING)
        status_id = context.get("status_id")
        parts = split_thread(
            markdown_to_plain(item.text),
            instance.max_characters,
            prefix=f"@{local_form(acct, local_domain)} ",
        )
        if item.kind is ReplyKind.ANNOUNCEMENT:
            logger.info(
                "outbox #%d: announcement for a person's channel sent as an answer", item.id
            )
        return PostPlan(
            parts=tuple(parts),
            visibility=visibility,
            continuation_visibility=visibility,
            spoiler_text=None,
            in_reply_to_id=str(status_id) if status_id else None,
            is_announcement=False,
        )

    def _group_look(self, name: str | None) -> GroupMastodonConfig:
        group = self._group(name)
        return group.mastodon if group is not None else GroupMastodonConfig()

    def _group(self, name: str | None) -> GroupConfig | None:
        return next((g for g in self._config.groups if g.name == name), None)

    # -- posting -------------------------------------------------------------------------------
    async def _post(self, item: Outgoing, plan: PostPlan) -> str:
        total = len(plan.parts)
        state_key = THREAD_STATE_PREFIX + item.key
        posted: list[str] = []
        if total > 1:
            posted = json.loads(await self._store.get_state(state_key) or "[]")
            if posted:
                logger.info(
                    "outbox #%d: resuming thread at part %d/%d", item.id, len(posted) + 1, total
                )
        reply_to = posted[-1] if posted else plan.in_reply_to_id
        for index in range(len(posted), total):
            key = item.key if total == 1 else f"{item.key}-part{index + 1}"
            status_id = await self._post_one(
                plan.parts[index],
                key=key,
                in_reply_to_id=reply_to,
                visibility=plan.visibility if index == 0 else plan.continuation_visibility,
                spoiler_text=plan.spoiler_text,
                first_of_answer=index == 0 and not plan.is_announcement,
            )
            posted.append(status_id)
            reply_to = status_id
            if total > 1 and index + 1 < total:
                await self._store.set_state(state_key, json.dumps(posted))
        if total > 1:
            await self._forget_thread(item)
        logger.info("outbox #%d posted as %d status(es), first %s", item.id, total, posted[0])
        # Every part, so that retracting the message can delete the whole thread.
        return ",".join(posted)

    async def _post_one(
        self,
        text: str,
        *,
        key: str,
        in_reply_to_id: str | None,
        visibility: str,
        spoiler_text: str | None,
        first_of_answer: bool,
    ) -> str:
        try:
            status = await self._status_post(text, key, in_reply_to_id, visibility, spoiler_text)
        except ApiError as exc:
            # The question was deleted meanwhile: answer anyway, outside the thread.
            if not (first_of_answer and in_reply_to_id and exc.kind is ApiErrorKind.NOT_FOUND):
                raise
            logger.info("status %s to answer is gone; answering outside the thread", in_reply_to_id)
            status = await self._status_post(text, key, None, visibility, spoiler_text)
        return str(status["id"])

    async def _status_post(
        self,
        text: str,
        key: str,
        in_reply_to_id: str | None,
        visibility: str,
        spoiler_text: str | None,
    ) -> dict[str, Any]:
        async def post() -> dict[str, Any]:
            result: dict[str, Any] = await self._api.call(
                "status_post",
                text,
                in_reply_to_id=in_reply_to_id,
                visibility=visibility,
                spoiler_text=spoiler_text,
                language=LANGUAGE,
                idempotency_key=key,
                max_wait=self._tuning.deliver_max_wait,
            )
            return result

        # The server may ignore the idempotency key: a retry first looks for the post.
        return await self._recovery.post_once(key, text, in_reply_to_id, post)

    async def _forget_thread(self, item: Outgoing) -> None:
        await self._store.execute(
            "DELETE FROM kv_state WHERE key = ? OR key LIKE ?",
            (THREAD_STATE_PREFIX + item.key, f"{PENDING_PREFIX}{item.key}%"),
        )

    # -- faults --------------------------------------------------------------------------------
    async def _delivery_error(
        self, item: Outgoing, exc: ApiError
    ) -> TransientDeliveryError | PermanentDeliveryError:
        if exc.kind is ApiErrorKind.RATE_LIMITED:
            return TransientDeliveryError(
                "Mastodon rate limit", retry_after=exc.retry_after, rate_limited=True
            )
        if exc.kind is ApiErrorKind.TRANSIENT:
            return TransientDeliveryError(f"Mastodon: {exc.reason}")
        if exc.kind is ApiErrorKind.UNAUTHORIZED:
            logger.error(
                "Mastodon refused the access token (HTTP %s) for outbox #%d: the token was "
                "revoked or lacks the write scope. Set a new mastodon.access_token.",
                exc.status,
                item.id,
            )
            day = self._now().strftime("%Y-%m-%d")
            await self._notify(
                item,
                texts.TOKEN_REFUSED.format(status=exc.status, reason=server_reason(exc)),
                f"token-{day}",
            )
            return PermanentDeliveryError(
                f"Mastodon refused the access token (HTTP {exc.status})", organisers_told=True
            )
        reason = exc.reason
        logger.warning("Mastodon refused outbox #%d (HTTP %s): %s", item.id, exc.status, reason)
        if item.channel.id == MASTODON_ANNOUNCE_ID:
            group = item.channel.group
            text = texts.REFUSED_ANNOUNCEMENT.format(
                group=texts.OF_GROUP.format(group=group) if group else "",
                reason=reason,
                excerpt=_excerpt(item.text),
            )
        else:
            text = texts.REFUSED_ANSWER.format(reason=reason)
        await self._notify(item, text, f"refused-{item.key}")
        return PermanentDeliveryError(
            f"Mastodon refused the post (HTTP {exc.status}): {reason}", organisers_told=True
        )

    async def _notify(self, item: Outgoing, text: str, key: str) -> None:
        """A French notice in the organisers' room of the item's group (or of every group)."""
        group = self._group(item.channel.group)
        groups = [group] if group is not None else list(self._config.groups)
        drafts = []
        for each in groups:
            channel = organisers_channel(each)
            if channel is not None:
                drafts.append(
                    OutgoingDraft(channel=channel, text=text, key=f"mastodon-{key}-{each.name}")
                )
        if drafts:
            await self._outbox.enqueue_many(drafts)
        else:
            logger.warning("no organisers room configured: nobody told about outbox #%d", item.id)


def _excerpt(text: str) -> str:
    flat = " ".join(markdown_to_plain(text).split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1].rstrip() + "…"

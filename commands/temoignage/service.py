"""Storing, notifying, withdrawing and purging testimonies (domain code, no parsing)."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.announce import organisers_channel
from bot.context import Services
from bot.message import Message, ReplyKind
from bot.outbox import OutgoingDraft
from commands.temoignage import receipt, records, texts
from commands.temoignage.config import TemoignagesConfig
from commands.temoignage.crypto import seal

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
# Outgoing messages that carry a code or an anonymised text (private: the outbox seals
# them while they wait, deletes them once delivered and truncates the WAL).
PRIVATE_KEY_PREFIX = "temoignage-prive-"
NOTICE_KEY_PREFIX = "temoignage-avis-"
MAX_CODE_DRAWS = 5


@dataclass(frozen=True)
class Draft:
    """What the conversation gathered; lives only in the engine's encrypted state."""

    theme: str
    story: str
    departement: str | None = None
    administration: str | None = None
    mois: str | None = None

    @staticmethod
    def from_data(data: dict[str, Any]) -> Draft:
        return Draft(
            theme=str(data.get("theme", "autre")),
            story="\n\n".join(str(p) for p in data.get("parts", [])),
            departement=data.get("departement"),
            administration=data.get("administration"),
            mois=data.get("mois"),
        )


@dataclass(frozen=True)
class Stored:
    code: str
    received_on: date
    deleted_on: date


def local_today(services: Services) -> date:
    return services.now().astimezone(ZoneInfo(services.config.timezone)).date()


def deletion_day(received_on: date, config: TemoignagesConfig) -> date:
    return received_on + timedelta(days=config.retention_days)


def payload(draft: Draft, consent: str, received_on: date, anonymised: str | None) -> bytes:
    document = {
        "version": PAYLOAD_VERSION,
        "recu_le": received_on.isoformat(),
        "theme": draft.theme,
        "accord": consent,
        "departement": draft.departement,
        "administration": draft.administration,
        "mois": draft.mois,
        "texte": draft.story,
        "texte_anonymise": anonymised,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


async def store_testimony(
    services: Services,
    config: TemoignagesConfig,
    draft: Draft,
    consent: str,
    anonymised: str | None,
) -> Stored:
    """Seal to every configured key, keep it under the hash of a fresh receipt code."""
    received_on = local_today(services)
    sealed = seal(payload(draft, consent, received_on, anonymised), config.public_keys)
    salt = await receipt.instance_salt(services.store)
    for _ in range(MAX_CODE_DRAWS):
        code = receipt.new_code()
        digest = await receipt.hash_code(receipt.normalize_code(code) or "", salt)
        stored = await records.insert(
            services.store,
            digest,
            theme=draft.theme,
            consent=consent,
            received_on=received_on,
            sealed=sealed,
        )
        if stored:
            logger.info("testimony stored")
            return Stored(code, received_on, deletion_day(received_on, config))
    raise RuntimeError("could not draw a free receipt code")


async def find(services: Services, raw_code: str) -> records.Summary | None:
    salt = await receipt.instance_salt(services.store)
    return await records.find(services.store, await receipt.hash_code(raw_code, salt))


async def withdraw(services: Services, raw_code: str) -> bool:
    salt = await receipt.instance_salt(services.store)
    deleted = await records.delete(services.store, await receipt.hash_code(raw_code, salt))
    if deleted:
        logger.info("testimony withdrawn by its receipt code")
        await records.wipe_journal(services.store)
    return deleted


async def purge_expired(services: Services, config: TemoignagesConfig) -> int:
    last_day = local_today(services) - timedelta(days=config.retention_days)
    count = await records.purge(services.store, last_day)
    if count:
        logger.info("retention purge: %d testimony(ies) deleted", count)
    await records.wipe_journal(services.store)
    return count


async def send_private(services: Services, message: Message, text: str, tag: str) -> None:
    """Answer in the person's conversation with a key that triggers the WAL wipe."""
    ident = f"{message.transport}-{message.event_id}" if message.event_id else uuid.uuid4().hex
    await services.outbox.enqueue(
        OutgoingDraft(
            channel=message.channel,
            text=text,
            kind=ReplyKind.ANSWER,
            key=f"{PRIVATE_KEY_PREFIX}{ident}-{tag}",
            in_reply_to=message.event_id,
            reply_context=message.reply_context,
        )
    )


async def notify_organisers(services: Services, theme: str) -> int:
    """Tell each organisers' room that a testimony arrived: the theme, never the content."""
    text = texts.NOTICE.format(theme=texts.theme_label(theme))
    batch = uuid.uuid4().hex
    drafts: list[OutgoingDraft] = []
    seen: set[str] = set()
    for group in services.config.groups:
        channel = organisers_channel(group)
        if channel is None or channel.key in seen:
            continue
        seen.add(channel.key)
        drafts.append(
            OutgoingDraft(
                channel=channel,
                text=text,
                kind=ReplyKind.ANNOUNCEMENT,
                key=f"{NOTICE_KEY_PREFIX}{batch}-{len(drafts)}",
            )
        )
    if drafts:
        await services.outbox.enqueue_many(drafts)
    else:
        logger.info("no organisers room configured: testimony notice not sent")
    return len(drafts)

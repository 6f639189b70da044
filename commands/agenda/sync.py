"""Bringing an ICS calendar into a group: dedup by UID, updates and cancellations.

A feed owns the events it brought (same group, same source). An event whose time or
place changes in the feed is updated and the change is announced, like a move made in
the chat; STATUS:CANCELLED cancels it with a notice. A future event that disappears
from a feed is cancelled too, but only when it falls before the feed's last date (some
feeds list only the next weeks) and the feed is not empty (a broken feed must not
wipe the agenda). A UID already known from another source is left alone.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp

from commands.agenda import render
from commands.agenda.config import FeedConfig
from commands.agenda.groups import Group
from commands.agenda.ics_read import CalendarError, read_calendar
from commands.agenda.model import Event
from commands.agenda.recurrence import last_end
from commands.agenda.service import AgendaService

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 30
USER_AGENT = "Relais-agenda/0.1 (+https://relais.example)"


class FetchError(Exception):
    """The calendar could not be read; `detail` is short and safe to show."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    skipped: int = 0


def _content(event: Event) -> tuple[object, ...]:
    return (
        event.title,
        event.place,
        event.description,
        event.link,
        event.map_url,
        event.start,
        event.end,
        event.all_day,
        event.rrule,
        event.exdates,
        event.overrides,
        event.tz,
    )


def _timing(event: Event) -> tuple[object, ...]:
    return (event.start, event.end, event.all_day, event.rrule, event.exdates, event.overrides)


async def apply_import(
    service: AgendaService, group: Group, source: str, events: list[Event], *, prune: bool
) -> ImportReport:
    report = ImportReport()
    now = service.now()
    seen: set[str] = set()
    for incoming in events:
        seen.add(incoming.uid)
        current = await service.repo.by_uid(group.name, incoming.uid)
        if current is None:
            end = last_end(incoming)
            if incoming.cancelled or (end is not None and end < now):
                report.skipped += 1
                continue
            await service.create(incoming)
            report.added += 1
        elif current.source != source or current.cancelled:
            report.unchanged += 1
        elif incoming.cancelled:
            await service.cancel(current)
            report.cancelled += 1
        elif _content(incoming) == _content(current):
            report.unchanged += 1
        else:
            await _update(service, current, incoming, group)
            report.updated += 1
    if prune and events:
        report.cancelled += await _prune(service, group, source, events, seen)
    logger.info(
        "agenda import into %s: %d added, %d updated, %d cancelled, %d unchanged, %d skipped",
        group.name,
        report.added,
        report.updated,
        report.cancelled,
        report.unchanged,
        report.skipped,
    )
    return report


async def _update(service: AgendaService, current: Event, incoming: Event, group: Group) -> None:
    after = replace(
        incoming,
        id=current.id,
        kind=current.kind,
        targets=current.targets,
        offsets=current.offsets,
        sequence=current.sequence + 1,
    )
    moved = _timing(current) != _timing(after)
    await service.update(after, moved=moved)
    end = last_end(after)
    if (moved or current.place != after.place) and (end is None or end > service.now()):
        await service.notify(after, render.move_notice(current, after, group.tz, service.prefix))


async def _prune(
    service: AgendaService, group: Group, source: str, events: list[Event], seen: set[str]
) -> int:
    horizon = max(e.start for e in events)
    now = service.now()
    count = 0
    for known in await service.repo.from_source(group.name, source):
        if known.uid in seen or known.cancelled:
            continue
        if now < known.start <= horizon:
            await service.cancel(known)
            count += 1
    return count


async def fetch(url: str, *, etag: str | None = None) -> tuple[bytes | None, str | None]:
    """(body, etag); body None when the server says nothing changed (304)."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers=headers) as response,
        ):
            if response.status == 304:
                return None, etag
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            body = await response.content.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise FetchError("trop gros")
            return body, response.headers.get("ETag")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise FetchError(type(exc).__name__) from None


async def read_source(path_or_url: str) -> bytes:
    if path_or_url.startswith(("http://", "https://")):
        body, _ = await fetch(path_or_url)
        return body or b""
    path = Path(path_or_url)
    if not path.is_file():
        raise FileNotFoundError(path_or_url)
    return await asyncio.to_thread(path.read_bytes)


def source_name(path_or_url: str) -> str:
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"fichier:{Path(path_or_url).name}"


async def import_bytes(
    service: AgendaService, group: Group, source: str, data: bytes, *, prune: bool
) -> ImportReport:
    result = read_calendar(data, group=group.name, tz=group.tz, source=source)
    report = await apply_import(service, group, source, result.events, prune=prune)
    report.skipped += result.skipped
    return report


async def sync_feed(service: AgendaService, group: Group, feed: FeedConfig) -> None:
    """Scheduled job: errors are logged and the next run tries again."""
    state_key = f"agenda:feed-etag:{feed.group}:{feed.url}"
    store = service.repo.store
    try:
        body, etag = await fetch(feed.url, etag=await store.get_state(state_key))
        if body is None:
            logger.debug("feed %s unchanged", feed.name)
            return
        await import_bytes(service, group, feed.url, body, prune=True)
        if etag:
            await store.set_state(state_key, etag)
    except FetchError as exc:
        logger.warning(
            "feed %s could not be fetched (%s); next try in %d min",
            feed.name,
            exc.detail,
            feed.interval_minutes,
        )
    except CalendarError:
        logger.warning(
            "feed %s is not a readable calendar; next try in %d min",
            feed.name,
            feed.interval_minutes,
        )

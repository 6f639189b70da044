"""What's coming: a registry where features offer their coming items, for digests.

The weekly letter needs the agenda's coming events and the calls still valid, but no
feature imports another. So the agenda and the calls each register a source here (in
their `setup`), and the letter asks the registry. Items are neutral values: a title, when,
where, a link, a kind; the source has already decided what belongs to which group.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

logger = logging.getLogger(__name__)


class ItemKind(enum.StrEnum):
    EVENT = "event"  # something happens at a date: a rassemblement, a chantier, a réunion
    CALL = "call"  # a call to action, valid until a date


@dataclass(frozen=True)
class DigestItem:
    kind: ItemKind
    title: str
    start: datetime | None = None  # aware; events only
    end: datetime | None = None
    all_day: bool = False
    place: str = ""
    link: str | None = None  # https only
    category: str = ""  # the event's type ("réunion"), a call's origin ("le-mans (Relais 72)")
    text: str = ""  # a description, a call's text
    until: datetime | None = None  # calls: valid until
    ref: str = ""  # stable reference in its source, for ordering and deduplication
    group: str = ""  # the group it belongs to (shown in a digest of several groups)


@dataclass(frozen=True)
class DigestQuery:
    """Items for these groups (None: every group) from `start` to `end`."""

    groups: tuple[str, ...] | None
    start: datetime
    end: datetime


DigestSource = Callable[[DigestQuery], Awaitable[list[DigestItem]]]


class Digest:
    def __init__(self) -> None:
        self._sources: dict[str, DigestSource] = {}

    def register(self, name: str, source: DigestSource) -> None:
        if name in self._sources:
            raise ValueError(f"digest source {name!r} registered twice")
        self._sources[name] = source

    @property
    def sources(self) -> list[str]:
        return list(self._sources)

    async def collect(self, query: DigestQuery) -> list[DigestItem]:
        """Every source's items, events by start then calls by deadline. A source that
        fails makes the whole collection fail: a digest missing half its content must
        not go out as if complete (the caller retries)."""
        items: list[DigestItem] = []
        for name, source in self._sources.items():
            found = await source(query)
            logger.debug("digest source %s: %d item(s)", name, len(found))
            items.extend(found)
        return sorted(items, key=_order)


def _order(item: DigestItem) -> tuple[int, float, str, str]:
    moment = item.start or item.until
    return (
        0 if item.kind is ItemKind.EVENT else 1,
        moment.timestamp() if moment else 0.0,
        item.title,
        item.ref,
    )

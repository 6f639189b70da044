"""The knowledge base in service: content and search index, swapped together on reload."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from commands.droit.index import SearchIndex, SearchOptions, build_index
from commands.droit.loader import LoadReport, read_content
from commands.droit.model import Content, Topic
from commands.droit.search import SearchResult, search

logger = logging.getLogger(__name__)


class KnowledgeBase:
    """Holds one (content, index) pair; `reload` replaces it, keeping good old files."""

    def __init__(self, content_dir: Path, options: SearchOptions | None = None) -> None:
        self.content_dir = content_dir
        self.options = options or SearchOptions()
        self._content = Content()
        self._index = build_index((), self.options)
        self._loaded = False
        self._loading: asyncio.Future[LoadReport] | None = None

    @classmethod
    def open(cls, content_dir: Path, options: SearchOptions | None = None) -> KnowledgeBase:
        base = cls(content_dir, options)
        base.reload()
        return base

    async def loaded(self) -> None:
        """In the bot: the files are read the first time this is awaited, in a thread.

        Nothing is read at start, so the bot answers its first message sooner (the files
        and the index cost ~70 ms of CPU); the feature asks for them a few seconds after
        start, and any command or conversation of this feature awaits this first.
        """
        if self._loaded:
            return
        if self._loading is None:
            self._loading = asyncio.ensure_future(asyncio.to_thread(self.reload))
        try:
            await asyncio.shield(self._loading)
        except Exception:
            self._loading = None  # logged by the caller; the next question tries again
            raise

    @property
    def content(self) -> Content:
        return self._content

    @property
    def index(self) -> SearchIndex:
        return self._index

    def reload(self) -> LoadReport:
        """Read the files again (blocking I/O: call it off the event loop when serving)."""
        started = time.perf_counter()
        report = read_content(self.content_dir, previous=self._content if self._loaded else None)
        index = build_index(report.content.topics, self.options)
        self._content, self._index = report.content, index
        self._loaded = True
        logger.info(
            "content loaded in %.1f ms: %d topic(s), %d organisation(s), %d template(s), "
            "%d problem(s)",
            (time.perf_counter() - started) * 1000,
            len(report.content.topics),
            len(report.content.organisations),
            len(report.content.templates),
            len(report.problems),
        )
        for problem in report.problems:
            logger.warning("content problem: %s", problem)
        return report

    def search(self, question: str) -> SearchResult:
        return search(self._index, question)

    def topic(self, topic_id: str) -> Topic | None:
        return self._content.topic(topic_id.strip().lower())

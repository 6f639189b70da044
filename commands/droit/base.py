"""The knowledge base in service: content and search index, swapped together on reload."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from commands.droit.index import SearchIndex, SearchOptions, build_index
from commands.droit.loader import LoadReport, read_content
from commands.droit.model import Content, Topic
from commands.droit.search import SearchResult, search

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


class KnowledgeBase:
    """Holds one (content, index) pair; `reload` replaces it, keeping good old files."""

    def __init__(self, content_dir: Path, options: SearchOptions | None = None) -> None:
        self.content_dir = content_dir
        self.options = options or SearchOptions()
        self._content = Content()
        self._index = build_index((), self.options)
        self._loaded = False

    @classmethod
    def open(cls, content_dir: Path, options: SearchOptions | None = None) -> KnowledgeBase:
        base = cls(content_dir, options)
        base.reload()
        return base

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

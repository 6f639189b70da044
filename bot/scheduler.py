"""One APScheduler 3.x AsyncIOScheduler, started inside the running loop.

Features add jobs with stable ids; jobs live in memory and are rebuilt from the store
at start by the rebuilders features register (the store is the source of truth).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

logger = logging.getLogger(__name__)

Rebuilder = Callable[["Scheduler"], Awaitable[None]]


class Scheduler:
    def __init__(self, timezone: str = "UTC") -> None:
        self._scheduler = AsyncIOScheduler(timezone=timezone)
        self._rebuilders: list[tuple[str, Rebuilder]] = []

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def on_start(self, name: str, rebuilder: Rebuilder) -> None:
        """Register a coroutine that re-adds a feature's jobs from the store at start."""
        self._rebuilders.append((name, rebuilder))

    async def start(self) -> None:
        self._scheduler.configure(event_loop=asyncio.get_running_loop())
        self._scheduler.start()
        for name, rebuild in self._rebuilders:
            try:
                await rebuild(self)
            except Exception:
                logger.exception("rebuilding scheduled jobs of %s failed", name)

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def add_job(
        self,
        job_id: str,
        func: Callable[..., Awaitable[Any]],
        trigger: BaseTrigger,
        *,
        args: tuple[Any, ...] = (),
        misfire_grace_time: int | None = 3600,
    ) -> Job:
        # In a fresh context: APScheduler wakes up through call_soon, which copies the
        # caller's context, and a job added from inside a store transaction (a command
        # saving something due now) would otherwise run inside that transaction.
        return contextvars.Context().run(
            self._scheduler.add_job,
            func,
            trigger,
            args=args,
            id=job_id,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=misfire_grace_time,
            max_instances=1,
        )

    def at(
        self, job_id: str, when: datetime, func: Callable[..., Awaitable[Any]], *args: Any
    ) -> Job:
        return self.add_job(job_id, func, DateTrigger(run_date=when), args=args)

    def every(
        self,
        job_id: str,
        seconds: float,
        func: Callable[..., Awaitable[Any]],
        *args: Any,
        start_date: datetime | None = None,
    ) -> Job:
        trigger = IntervalTrigger(seconds=seconds, start_date=start_date)
        return self.add_job(job_id, func, trigger, args=args, misfire_grace_time=None)

    def remove(self, job_id: str) -> bool:
        job = self._scheduler.get_job(job_id)
        if job is None:
            return False
        job.remove()
        return True

    def job_ids(self, prefix: str = "") -> list[str]:
        return [job.id for job in self._scheduler.get_jobs() if job.id.startswith(prefix)]

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        return None if job is None else job.next_run_time

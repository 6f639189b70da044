"""Per-sender flood limit: a token bucket; one warning, then silence until it refills."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import FloodConfig

_MAX_TRACKED = 10_000


class FloodVerdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # first refused message: tell the person once
    DROP = "drop"  # further refused messages: stay silent


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class FloodLimiter:
    def __init__(self, config: FloodConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(config.capacity)
        self._rate = config.refill_per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def check(self, sender_key: str) -> FloodVerdict:
        now = self._clock()
        bucket = self._buckets.get(sender_key)
        if bucket is None:
            if len(self._buckets) >= _MAX_TRACKED:
                self._forget_full(now)
            bucket = self._buckets[sender_key] = _Bucket(self._capacity, now)
        bucket.tokens = min(self._capacity, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return FloodVerdict.ALLOW
        if bucket.warned:
            return FloodVerdict.DROP
        bucket.warned = True
        return FloodVerdict.WARN

    def _forget_full(self, now: float) -> None:
        for key in [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self._rate >= self._capacity
        ]:
            del self._buckets[key]

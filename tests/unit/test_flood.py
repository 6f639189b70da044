"""Token bucket refills over time."""

from __future__ import annotations

from bot.config import FloodConfig
from bot.flood import FloodLimiter, FloodVerdict


def test_bucket_refills_and_warning_resets() -> None:
    now = [0.0]
    limiter = FloodLimiter(FloodConfig(capacity=2, refill_per_minute=60), clock=lambda: now[0])
    assert [limiter.check("a") for _ in range(4)] == [
        FloodVerdict.ALLOW,
        FloodVerdict.ALLOW,
        FloodVerdict.WARN,
        FloodVerdict.DROP,
    ]
    now[0] = 1.0  # one token back after a second
    assert limiter.check("a") is FloodVerdict.ALLOW
    assert limiter.check("a") is FloodVerdict.WARN  # warned again: a new burst

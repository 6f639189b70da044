"""Logging set-up: one line per event, module loggers, never message contents."""

from __future__ import annotations

import logging
import sys

_LEVELS = ["ERROR", "WARNING", "INFO", "DEBUG"]


def setup_logging(level: str, verbosity: int = 0) -> None:
    """`verbosity` (-v, -vv) raises the configured level by that many steps."""
    index = min(len(_LEVELS) - 1, _LEVELS.index(level.upper()) + verbosity)
    logging.basicConfig(
        level=_LEVELS[index],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # Libraries chatty at INFO would log room ids and other details we do not need.
    for noisy in ("nio", "apscheduler", "aiohttp.access", "mastodon"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))

"""Logging set-up: one line per event, module loggers, never message contents."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

_LEVELS = ["ERROR", "WARNING", "INFO", "DEBUG"]


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def describe_failure(exc: BaseException) -> str:
    """An exception's type and traceback frames, never its message: messages of errors
    raised while handling a person's text (ValueError, KeyError…) may quote that text."""
    frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    return f"{exc.__class__.__module__}.{exc.__class__.__qualname__}\n{frames}"


def log_failure(logger: logging.Logger, what: str, exc: BaseException) -> None:
    logger.error("%s failed with %s", what, describe_failure(exc))


class PrivateFormatter(logging.Formatter):
    """Tracebacks as type and frames only (see `describe_failure`), even from libraries."""

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:
        exc = ei[1]
        return "" if exc is None else describe_failure(exc)


def setup_logging(level: str, verbosity: int = 0) -> None:
    """`verbosity` (-v, -vv) raises the configured level by that many steps."""
    index = min(len(_LEVELS) - 1, _LEVELS.index(level.upper()) + verbosity)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=_LEVELS[index], handlers=[handler], force=True)
    # Libraries chatty at INFO would log room ids and other details we do not need.
    for noisy in ("nio", "apscheduler", "aiohttp.access", "mastodon"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))

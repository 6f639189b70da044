"""Logs never carry what people wrote, even in a traceback."""

from __future__ import annotations

import io
import logging

from bot.logs import PrivateFormatter


def test_tracebacks_show_type_and_frames_but_never_the_message() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PrivateFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("relais-test-private")
    logger.addHandler(handler)
    logger.propagate = False
    said = "ma date de naissance est le 3 mars 1980"
    try:
        int(said)  # a library error quoting the input, as int() and many others do
    except ValueError:
        logger.exception("parsing failed")
    logger.removeHandler(handler)
    text = stream.getvalue()
    assert "parsing failed" in text
    assert "builtins.ValueError" in text and "test_tracebacks_show_type" in text
    assert "naissance" not in text and "1980" not in text

"""Relais: a coordination bot for French grassroots collectives (Matrix, Mastodon)."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`bot.__version__`, read from the installed metadata when asked: importlib.metadata
    costs every `relais` run ~30 ms of start-up otherwise (issue 16)."""
    if name != "__version__":
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("relais")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+source"

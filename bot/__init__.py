"""Relais: a coordination bot for French grassroots collectives (Matrix, Mastodon)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("relais")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

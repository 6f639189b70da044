"""What the `relais` verbs share: the features' config sections and migrations, loading
the configuration, opening the store, and where the content lies.

The engine's composition root (`bot/cli.py`) lists the features and hands them to each
verb (`args.features`); features' own verbs use this module, never `bot.cli`.
"""

from __future__ import annotations

import argparse
import importlib.resources
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from bot.config import Config, ConfigSection, embedded_config, load_config
from bot.core_schema import CORE_MIGRATIONS
from bot.feature import Feature
from bot.store import Migration, Store


def _content_dir() -> Path:
    """The rights content: the package relais_content (the repository's content/ folder,
    shipped in the wheel; an editable install maps it to the checkout, still editable)."""
    try:
        return Path(str(importlib.resources.files("relais_content")))
    except ModuleNotFoundError:  # running from a checkout that was never installed
        return Path(__file__).resolve().parent.parent / "content"


CONTENT_DIR = _content_dir()


def feature_sections(features: Sequence[Feature]) -> list[ConfigSection]:
    return [f.config_section for f in features if f.config_section is not None]


def all_migrations(features: Sequence[Feature]) -> dict[str, Sequence[Migration]]:
    migrations: dict[str, Sequence[Migration]] = {"core": CORE_MIGRATIONS}
    for feature in features:
        if feature.migrations:
            migrations[feature.name] = feature.migrations
    return migrations


def load(args: argparse.Namespace, features: Sequence[Feature]) -> Config:
    """The config file when given, otherwise the embedded default (console, local data)."""
    sections = feature_sections(features)
    config_path: Path | None = getattr(args, "config", None)
    if config_path is not None:
        return load_config(config_path, sections=sections)
    return embedded_config(data_dir=getattr(args, "data_dir", None), sections=sections)


@asynccontextmanager
async def opened_store(path: Path, features: Sequence[Feature]) -> AsyncIterator[Store]:
    """The database at `path`, migrated for these features, closed on exit."""
    store = Store(path)
    await store.open(all_migrations(features))
    try:
        yield store
    finally:
        await store.close()

"""`relais temoignages keygen|export|stats|anonymiser`: what organisers run in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import nacl.public

from bot.bootstrap import load, opened_store
from bot.feature import Feature
from commands.temoignage import export, records, texts
from commands.temoignage.crypto import encode_key, new_key_pair, read_private_key

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
DEFAULT_KEY_FILE = Path("cle-temoignages.txt")


def add_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("temoignages", aliases=["temoignage"], help=texts.CLI_HELP)
    parser.set_defaults(func=lambda args: _usage(parser))
    verbs = parser.add_subparsers(dest="temoignages_verb", metavar="ACTION")

    keygen = verbs.add_parser("keygen", help=texts.CLI_KEYGEN_HELP)
    keygen.add_argument("--sortie", type=Path, default=DEFAULT_KEY_FILE, help=texts.CLI_OUT_HELP)
    keygen.set_defaults(func=cmd_keygen)

    exporter = verbs.add_parser("export", help=texts.CLI_EXPORT_HELP)
    exporter.add_argument("--cle", type=Path, required=True, help=texts.CLI_KEY_FILE_HELP)
    exporter.add_argument("--format", choices=export.FORMATS, default="json")
    exporter.add_argument("--sortie", type=Path, help=texts.CLI_OUT_HELP)
    _database_options(exporter)
    exporter.set_defaults(func=cmd_export)

    stats = verbs.add_parser("stats", help=texts.CLI_STATS_HELP)
    _database_options(stats)
    stats.set_defaults(func=cmd_stats)

    anonymiser = verbs.add_parser("anonymiser", help=texts.CLI_ANON_HELP)
    anonymiser.set_defaults(func=cmd_anonymise)


def _database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", type=Path, help=texts.CLI_BASE_HELP)
    parser.add_argument("--config", type=Path, help=texts.CLI_CONFIG_HELP)
    parser.add_argument("--data-dir", type=Path, help=texts.CLI_DATA_HELP)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def _error(text: str) -> int:
    print(text, file=sys.stderr)
    return EXIT_ERROR


def write_private_file(path: Path, content: str) -> str | None:
    """Create the file readable by its owner only; never overwrite. A French error or None."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return texts.FILE_EXISTS.format(path=path)
    except OSError as exc:
        return texts.FILE_UNWRITABLE.format(path=path, reason=exc.strerror or exc.__class__)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(content)
    return None


# -- keygen -----------------------------------------------------------------------------------
def cmd_keygen(args: argparse.Namespace) -> int:
    private, public = new_key_pair()
    public_text = encode_key(public)
    content = texts.KEY_FILE_HEADER.format(public=public_text) + encode_key(bytes(private)) + "\n"
    problem = write_private_file(args.sortie, content)
    if problem:
        return _error(problem)
    print(texts.KEYGEN_DONE.format(public=public_text, path=args.sortie))
    return EXIT_OK


# -- reading the database -------------------------------------------------------------------
def _database_path(args: argparse.Namespace) -> Path:
    if args.base is not None:
        return Path(args.base)
    return load(args, args.features).database_path


async def _read_sealed(path: Path, features: Sequence[Feature]) -> list[records.SealedRecord]:
    async with opened_store(path, features) as store:
        return await records.all_sealed(store)


async def _read_counts(path: Path, features: Sequence[Feature]) -> records.Counts:
    async with opened_store(path, features) as store:
        return await records.counts(store)


# -- export -------------------------------------------------------------------------------------
def _load_key(path: Path) -> nacl.public.PrivateKey | str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return texts.KEY_FILE_MISSING.format(path=path)
    key = read_private_key(text)
    return key if key is not None else texts.KEY_FILE_INVALID.format(path=path)


def cmd_export(args: argparse.Namespace) -> int:
    key = _load_key(args.cle)
    if isinstance(key, str):
        return _error(key)
    path = _database_path(args)
    if not path.exists():
        return _error(texts.DATABASE_MISSING.format(path=path))
    sealed = asyncio.run(_read_sealed(path, args.features))
    if not sealed:
        print(texts.EXPORT_NONE, file=sys.stderr)
        return EXIT_OK
    opened = export.open_all(sealed, key)
    if not opened.items:
        if opened.damaged:
            print(texts.DAMAGED.format(n=opened.damaged), file=sys.stderr)
        public = encode_key(bytes(key.public_key))
        return _error(texts.WRONG_KEY.format(total=len(sealed), public=public))
    document = export.render(opened.items, args.format)
    if args.sortie is not None:
        problem = write_private_file(args.sortie, document)
        if problem:
            return _error(problem)
        print(texts.EXPORT_WRITTEN.format(n=len(opened.items), path=args.sortie), file=sys.stderr)
    else:
        sys.stdout.write(document)
    if opened.other_keys:
        print(texts.SOME_OTHER_KEYS.format(n=opened.other_keys), file=sys.stderr)
    if opened.damaged:
        print(texts.DAMAGED.format(n=opened.damaged), file=sys.stderr)
    return EXIT_OK


# -- stats and anonymiser ---------------------------------------------------------------------
def cmd_stats(args: argparse.Namespace) -> int:
    path = _database_path(args)
    if not path.exists():
        return _error(texts.DATABASE_MISSING.format(path=path))
    counts = asyncio.run(_read_counts(path, args.features))
    print(texts.stats_text(counts.total, counts.by_theme, counts.by_month))
    return EXIT_OK


def cmd_anonymise(args: argparse.Namespace) -> int:
    from commands.temoignage.scrub import scrub

    text = sys.stdin.read()
    if not text.strip():
        return _error(texts.ANON_EMPTY)
    sys.stdout.write(scrub(text))
    return EXIT_OK

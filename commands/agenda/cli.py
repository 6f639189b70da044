"""`relais agenda parse|import|export`.

parse needs no database: `relais agenda parse --json --maintenant 2026-05-20T10:00
"samedi 15h"` prints {"start": …, "end": …, "all_day": …} (plus "rrule" for a
recurrence), or {"error": "…"} with exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.agenda import texts
from commands.agenda.groups import Group, all_groups, find_group

if TYPE_CHECKING:
    from bot.config import Config
    from commands.agenda.config import AgendaConfig
    from commands.agenda.service import AgendaService

# Every `relais` verb builds this parser: what the verbs need (the store, the service,
# icalendar, aiohttp) is imported when one of them runs (start-up time, issue 16).

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
DEFAULT_ZONE = "Europe/Paris"
EXPORT_PAST_DAYS = 30


def add_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agenda = subparsers.add_parser("agenda", help=texts.CLI_AGENDA_HELP)
    agenda.set_defaults(func=lambda args: _usage(agenda))
    sub = agenda.add_subparsers(dest="agenda_verb", metavar="ACTION")

    parse = sub.add_parser("parse", help=texts.CLI_PARSE_HELP)
    parse.add_argument("texte", nargs="+", help="la date, par exemple « samedi 15h »")
    parse.add_argument("--json", action="store_true", help="réponse en JSON")
    parse.add_argument("--maintenant", help="date et heure de référence (ISO 8601)")
    parse.add_argument("--fuseau", default=DEFAULT_ZONE, help="fuseau horaire (Europe/Paris)")
    parse.set_defaults(func=cmd_parse)

    for name, help_text, func in (
        ("import", texts.CLI_IMPORT_HELP, cmd_import),
        ("export", texts.CLI_EXPORT_HELP, cmd_export),
    ):
        verb = sub.add_parser(name, help=help_text)
        if name == "import":
            verb.add_argument("source", help="fichier .ics ou adresse https://…")
        verb.add_argument("--groupe", help="nom du groupe")
        verb.add_argument("--config", type=Path, help="fichier YAML")
        verb.add_argument("--data-dir", type=Path, help="dossier des données")
        verb.set_defaults(func=func)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


# -- parse ---------------------------------------------------------------------------
def _emit(payload: dict[str, object], as_json: bool, human: str, *, error: bool) -> None:
    if as_json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(human, file=sys.stderr if error else sys.stdout)


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.dates.parse import WhenError, parse_when

    text = " ".join(args.texte)
    try:
        tz = ZoneInfo(args.fuseau)
    except (ZoneInfoNotFoundError, ValueError):
        _emit({"error": texts.CLI_BAD_ZONE}, args.json, texts.CLI_BAD_ZONE, error=True)
        return EXIT_ERROR
    now = datetime.now(tz)
    if args.maintenant:
        try:
            now = datetime.fromisoformat(args.maintenant)
        except ValueError:
            _emit({"error": texts.CLI_BAD_NOW}, args.json, texts.CLI_BAD_NOW, error=True)
            return EXIT_ERROR
        if now.tzinfo is None:
            now = now.replace(tzinfo=tz)
    try:
        when = parse_when(text, now, tz)
    except WhenError as exc:
        _emit({"error": str(exc)}, args.json, str(exc), error=True)
        return EXIT_ERROR
    _emit(when.to_json(), args.json, when.describe(), error=False)
    return EXIT_OK


# -- import / export -------------------------------------------------------------------
def _load(args: argparse.Namespace) -> tuple[Config, AgendaConfig]:
    from bot.bootstrap import load
    from commands.agenda.config import AgendaConfig

    config = load(args, args.features)
    return config, config.feature("agenda", AgendaConfig)


def _pick_group(config: Config, name: str | None) -> Group | str:
    """The group, or a French error."""
    groups = all_groups(config)
    names = ", ".join(g.name for g in groups)
    if name is not None:
        found = find_group(config, name)
        return found or texts.CLI_UNKNOWN_GROUP.format(group=name, groups=names)
    if len(groups) == 1:
        return groups[0]
    return texts.CLI_WHICH_GROUP.format(groups=names)


async def _with_service(
    args: argparse.Namespace,
    config: Config,
    agenda: AgendaConfig,
    work: Callable[[AgendaService], Awaitable[int]],
) -> int:
    from bot.bootstrap import all_migrations
    from bot.context import utc_now
    from bot.outbox import Outbox
    from bot.store import Store
    from commands.agenda.service import AgendaService

    store = Store(config.database_path)
    await store.open(all_migrations(args.features))
    try:
        service = AgendaService(config, agenda, store, Outbox(store, config.outbox), now=utc_now)
        return await work(service)
    finally:
        await store.close()


def cmd_import(args: argparse.Namespace) -> int:
    from commands.agenda.ics_read import CalendarError
    from commands.agenda.sync import FetchError, import_bytes, read_source, source_name

    config, agenda = _load(args)
    group = _pick_group(config, args.groupe)
    if isinstance(group, str):
        print(group, file=sys.stderr)
        return EXIT_ERROR

    async def work(service: AgendaService) -> int:
        try:
            data = await read_source(args.source)
            report = await import_bytes(service, group, source_name(args.source), data, prune=False)
        except FileNotFoundError:
            reason = texts.CLI_FILE_MISSING.format(path=args.source)
        except FetchError as exc:
            reason = texts.CLI_FETCH_FAILED.format(detail=exc.detail)
        except CalendarError:
            reason = texts.CLI_NOT_ICS
        else:
            print(texts.CLI_IMPORT_DONE.format(group=group.name, **vars(report)))
            return EXIT_OK
        print(texts.CLI_IMPORT_FAILED.format(reason=reason), file=sys.stderr)
        return EXIT_ERROR

    return asyncio.run(_with_service(args, config, agenda, work))


def cmd_export(args: argparse.Namespace) -> int:
    from commands.agenda.feed import FeedQuery, IcsFeed

    config, agenda = _load(args)
    groups = all_groups(config)
    group: Group | None = None
    if args.groupe is not None:
        picked = _pick_group(config, args.groupe)
        if isinstance(picked, str):
            print(picked, file=sys.stderr)
            return EXIT_ERROR
        group, groups = picked, [picked]

    async def work(service: AgendaService) -> int:
        """The same calendar as the web feed, written as it is read (flat memory)."""
        query = FeedQuery.for_day(
            [g.name for g in groups],
            service.now(),
            EXPORT_PAST_DAYS,
            name=texts.PAGE_TITLE_GROUP.format(group=group.name) if group else texts.PAGE_TITLE,
            tz=group.tz.key if group else config.timezone,
        )
        feed = IcsFeed(service.repo)
        await feed.fill_missing(query)
        async for chunk in feed.chunks(query):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return EXIT_OK

    return asyncio.run(_with_service(args, config, agenda, work))

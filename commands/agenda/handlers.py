"""What `!agenda` and its sub-commands do (declared in commands.py; `modifier` in edit.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import CommandContext
from bot.dates.describe import fmt_day
from bot.dates.parse import WhenError, parse_when
from bot.french import numbered, quoted
from bot.router import CommandError
from commands.agenda import render, texts
from commands.agenda.adding import prepare_add, split_parts
from commands.agenda.flow import FLOW as AGENDA_FLOW
from commands.agenda.flow import STEP_ADD, STEP_CANCEL, STEP_GROUP
from commands.agenda.groups import Group, groups_for_channel
from commands.agenda.model import Event
from commands.agenda.service import AgendaService, occurrence_on

MAX_LINES = 25
WEEK_DAYS, MONTH_DAYS = 7, 31


def split_id(ctx: CommandContext) -> tuple[int, str]:
    """ "12 reste…" → (12, "reste…"); "n° 12" works too."""
    raw = ctx.raw_args.strip()
    found = re.match(r"^(?:n°|no|n|numéro|numero|#)?\s*(\d{1,9})\b\s*(.*)$", raw, re.IGNORECASE)
    if found is None:
        raise CommandError(texts.NEED_ID.format(prefix=ctx.prefix))
    return int(found.group(1)), found.group(2).strip()


async def fetch(service: AgendaService, event_id: int, prefix: str) -> Event:
    event = await service.get(event_id)
    if event is None:
        raise CommandError(texts.NOT_FOUND.format(id=event_id, prefix=prefix))
    return event


def _zone(groups: list[Group], service: AgendaService) -> ZoneInfo:
    return groups[0].tz if len(groups) == 1 else ZoneInfo(service.config.timezone)


async def list_days(service: AgendaService, ctx: CommandContext, days: int) -> str:
    groups = groups_for_channel(ctx.config, ctx.message.channel)
    now = service.now()
    found = await service.listing(
        [g.name for g in groups], now, now + timedelta(days=days), MAX_LINES
    )
    if not found.total:
        return texts.LIST_EMPTY.format(days=days)
    tz = _zone(groups, service)
    lines = [texts.LIST_TITLE_DAYS.format(days=days)]
    lines += [render.list_line(o, tz, show_group=len(groups) > 1) for o in found.shown]
    if found.total > MAX_LINES:
        page = service.agenda.page_url(groups[0].name if len(groups) == 1 else None)
        more = found.total - MAX_LINES
        lines.append(
            texts.LIST_MORE.format(count=more, where=page)
            if page
            else texts.LIST_MORE_NO_PAGE.format(count=more)
        )
    lines.append(texts.LIST_FOOTER.format(prefix=ctx.prefix))
    return "\n".join(lines)


def unknown_period(ctx: CommandContext) -> CommandError:
    word = ctx.raw_args.strip()
    return CommandError(texts.LIST_UNKNOWN_PERIOD.format(word=quoted(word, 40), prefix=ctx.prefix))


async def show(service: AgendaService, ctx: CommandContext) -> str:
    event_id, rest = split_id(ctx)
    if rest:
        raise CommandError(texts.NEED_ID.format(prefix=ctx.prefix))
    event = await fetch(service, event_id, ctx.prefix)
    return render.details(
        event,
        service.tz(event.group),
        now=service.now(),
        offsets=service.offsets(event),
        targets=service.targets(event),
        names=service.names,
        source_label=source_label(event),
    )


def source_label(event: Event) -> str | None:
    return event.source


async def ics(service: AgendaService, ctx: CommandContext) -> str:
    groups = groups_for_channel(ctx.config, ctx.message.channel)
    group = groups[0].name if len(groups) == 1 else None
    url = service.agenda.feed_url(group)
    page = service.agenda.page_url(group)
    if url is None or page is None:
        return texts.ICS_NOT_PUBLISHED
    answer = texts.ICS_ANSWER.format(url=url, page=page)
    if group is None:
        return answer
    everything = service.agenda.feed_url(None)
    if len(service.config.groups) > 1 and everything:
        answer += "\n" + texts.ICS_ALL_GROUPS.format(url=everything)
    return answer


async def add(service: AgendaService, ctx: CommandContext) -> str:
    parts = split_parts(ctx.raw_args, ctx.prefix)
    groups = groups_for_channel(ctx.config, ctx.message.channel)
    conversations = ctx.services.conversations
    if len(groups) > 1:
        choices = [g.name for g in groups]
        data = {"parts": parts, "choices": choices}
        await conversations.start(ctx.message, AGENDA_FLOW, STEP_GROUP, data)
        return f"{texts.CHOOSE_GROUP}\n{numbered(choices)}"
    question, data = prepare_add(service, ctx.message, groups[0], parts)
    await conversations.start(ctx.message, AGENDA_FLOW, STEP_ADD, data)
    return question


async def cancel(service: AgendaService, ctx: CommandContext) -> str:
    event_id, rest = split_id(ctx)
    event = await fetch(service, event_id, ctx.prefix)
    if event.cancelled:
        raise CommandError(texts.CANCEL_ALREADY)
    tz = service.tz(event.group)
    targets = render.targets_label(service.targets(event), service.names)
    data: dict[str, object] = {"id": event.id, "sequence": event.sequence, "date": None}
    if not rest:
        question = texts.CANCEL_QUESTION.format(
            id=event.id, title=event.title, when=render.event_when(event, tz), targets=targets
        )
    else:
        if event.rrule is None:
            raise CommandError(
                texts.CANCEL_DATE_NOT_RECURRING.format(prefix=ctx.prefix, id=event.id)
            )
        day = _day(rest, service.now(), tz)
        occurrence = occurrence_on(event, day)
        if occurrence is None:
            raise CommandError(
                texts.CANCEL_NO_SUCH_DATE.format(id=event.id, day=fmt_day(day), prefix=ctx.prefix)
            )
        data["date"] = occurrence.key
        question = texts.CANCEL_DATE_QUESTION.format(
            day=render.occurrence_when(occurrence, tz),
            id=event.id,
            title=occurrence.title,
            targets=targets,
        )
    await ctx.services.conversations.start(ctx.message, AGENDA_FLOW, STEP_CANCEL, data)
    return question


def _day(text: str, now: datetime, tz: ZoneInfo) -> date:
    try:
        when = parse_when(text, now, tz)
    except WhenError as exc:
        raise CommandError(str(exc)) from None
    start = when.start
    return start.astimezone(tz).date() if isinstance(start, datetime) else start

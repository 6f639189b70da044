"""`!annonce` and `!annonces`, declared next to their handlers."""

from __future__ import annotations

import re

from bot.context import CommandContext
from bot.declare import CommandSet, argument, command
from bot.french import quoted
from bot.message import Role
from bot.router import CommandError
from commands.annonce import model, texts
from commands.annonce.engine import when_text
from commands.annonce.flow import (
    FLOW,
    STEP_CONFIRM,
    STEP_CREATE,
    STEP_SCOPE,
    item_to_data,
    schedule_to_data,
)
from commands.annonce.model import ACTIVE, Announcement
from commands.annonce.service import AnnonceService

EXAMPLE = "{prefix}annonce lundi 9h | Permanence ce soir à 18h, Maison des associations"
MAX_CHARS = 4000
EXCERPT = 60
_ID = re.compile(r"^(?:n°|no|n|#)?\s*(\d{1,9})\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


class AnnonceCommands(CommandSet):
    def __init__(self, service: AnnonceService) -> None:
        self.service = service

    @command(
        "annonce",
        texts.SUMMARY,
        role=Role.ORGANISER,
        max_chars=MAX_CHARS,
        details=texts.DETAILS,
        examples=(EXAMPLE, "{prefix}annonce --tous tous les lundis 9h | Réunion ce soir 19h"),
    )
    @argument(texts.ARG, rest=True)
    async def announce(self, ctx: CommandContext) -> str:
        item = self.service.draft(ctx.message, ctx.raw_args.strip(), ctx.prefix)
        await ctx.services.conversations.start(ctx.message, FLOW, STEP_CREATE, item_to_data(item))
        return self.service.preview(item)

    @command("annonces", texts.LIST_SUMMARY, role=Role.ORGANISER)
    async def listing(self, ctx: CommandContext) -> str:
        found = await self.service.listing()
        if not found:
            return texts.LIST_EMPTY.format(prefix=ctx.prefix)
        lines = [texts.LIST_TITLE]
        for item, coming in found:
            excerpt = quoted(coming.text, EXCERPT)
            lines.append(
                texts.LIST_LINE.format(id=item.id, when=when_text(coming.due), excerpt=excerpt)
            )
        lines.append(texts.LIST_FOOTER.format(prefix=ctx.prefix))
        return "\n".join(lines)

    @announce.subcommand("voir", texts.SHOW_SUMMARY, role=Role.ORGANISER)
    @argument("N")
    async def show(self, ctx: CommandContext) -> str:
        item, _ = await self._fetch(ctx)
        lines = [texts.SHOW_HEAD.format(id=item.id), self.service.describe(item)]
        lines.append(texts.PREVIEW_WHERE.format(where=self.service.where(item)))
        coming = model.upcoming(item, self.service.now(), 3)
        lines.append(
            texts.SHOW_NEXT.format(dates=self.service.dates_text(coming))
            if coming
            else texts.SHOW_NONE
        )
        lines += ["", item.text, "", texts.SHOW_FOOTER.format(prefix=ctx.prefix, id=item.id)]
        return "\n".join(lines)

    @announce.subcommand(
        "modifier",
        texts.EDIT_SUMMARY,
        aliases=("changer",),
        role=Role.ORGANISER,
        max_chars=MAX_CHARS,
        details=texts.EDIT_DETAILS,
        examples=(
            "{prefix}annonce modifier 3 texte Permanence annulée",
            "{prefix}annonce modifier 3 quand mardi 10h",
        ),
    )
    @argument("N texte|quand VALEUR", rest=True)
    async def change(self, ctx: CommandContext) -> str:
        item, rest = await self._fetch(ctx)
        field, _, value = rest.partition(" ")
        field, value = field.strip().lower(), value.strip()
        usage = texts.EDIT_USAGE.format(prefix=ctx.prefix)
        data: dict[str, object] = {"id": item.id, "sequence": item.sequence}
        if field == "texte" and value:
            if len(value) > self.service.settings.max_length:
                raise CommandError(
                    texts.TOO_LONG.format(length=len(value), max=self.service.settings.max_length)
                )
            data |= {"action": "texte", "text": value}
            question = texts.EDIT_TEXT_PREVIEW.format(id=item.id, text=value)
        elif field == "quand" and value:
            schedule = self.service.schedule(value, item.zone)
            data |= {"action": "quand", "schedule": schedule_to_data(schedule)}
            moved = Announcement(
                0, item.groups, item.text, schedule.start, schedule.tz, schedule.rrule
            )
            question = texts.EDIT_WHEN_PREVIEW.format(id=item.id, when=self.service.describe(moved))
        else:
            raise CommandError(usage)
        return await self._ask(ctx, item, data, question)

    @announce.subcommand(
        "annuler", texts.CANCEL_SUMMARY, aliases=("supprimer",), role=Role.ORGANISER
    )
    @argument("N")
    async def cancel(self, ctx: CommandContext) -> str:
        item, _ = await self._fetch(ctx)
        data: dict[str, object] = {"id": item.id, "sequence": item.sequence, "action": "annuler"}
        question = texts.CANCEL_PREVIEW.format(id=item.id, when=self.service.describe(item))
        return await self._ask(ctx, item, data, question)

    async def _ask(
        self, ctx: CommandContext, item: Announcement, data: dict[str, object], question: str
    ) -> str:
        conversations = ctx.services.conversations
        if not item.recurring:
            await conversations.start(ctx.message, FLOW, STEP_CONFIRM, data)
            return f"{question}\n{texts.CONFIRM_CHANGE}"
        coming = self.service.next_date(item)
        if coming is None:
            raise CommandError(texts.NOTHING_AHEAD)
        data |= {"next": coming.key, "next_text": when_text(coming.due)}
        await conversations.start(ctx.message, FLOW, STEP_SCOPE, data)
        return f"{question}\n\n{texts.SCOPE_QUESTION.format(next=when_text(coming.due))}"

    async def _fetch(self, ctx: CommandContext) -> tuple[Announcement, str]:
        found = _ID.match(ctx.raw_args.strip())
        if found is None:
            raise CommandError(texts.NEED_ID.format(prefix=ctx.prefix))
        item = await self.service.get(int(found.group(1)))
        if item is None or item.status != ACTIVE:
            raise CommandError(texts.NOT_FOUND.format(id=found.group(1), prefix=ctx.prefix))
        return item, found.group(2).strip()

"""The `!agenda` command tree, declared next to its handlers (their bodies are in
handlers.py and edit.py: listing, showing, adding, changing, cancelling)."""

from __future__ import annotations

from bot.context import CommandContext
from bot.declare import CommandSet, argument, command
from bot.message import Role
from commands.agenda import edit, handlers, texts
from commands.agenda.service import AgendaService

# When, title, place and description together.
MAX_EVENT_CHARS = 4000
ADD_EXAMPLE = "{prefix}agenda ajouter samedi 23 mai 15h | Rassemblement | Bois du Fouillet"


class AgendaCommands(CommandSet):
    def __init__(self, service: AgendaService) -> None:
        self.service = service

    @command(
        "agenda",
        texts.AGENDA_SUMMARY,
        aliases=("rdv", "calendrier"),
        details=texts.AGENDA_DETAILS,
        examples=("{prefix}agenda", "{prefix}agenda mois", ADD_EXAMPLE),
    )
    @argument("semaine ou mois", required=False)
    async def agenda(self, ctx: CommandContext) -> str:
        if ctx.raw_args.strip():
            raise handlers.unknown_period(ctx)
        return await handlers.list_days(self.service, ctx, handlers.WEEK_DAYS)

    @agenda.subcommand("semaine", texts.WEEK_SUMMARY)
    async def week(self, ctx: CommandContext) -> str:
        return await handlers.list_days(self.service, ctx, handlers.WEEK_DAYS)

    @agenda.subcommand("mois", texts.MONTH_SUMMARY)
    async def month(self, ctx: CommandContext) -> str:
        return await handlers.list_days(self.service, ctx, handlers.MONTH_DAYS)

    @agenda.subcommand("voir", texts.SHOW_SUMMARY, aliases=("detail", "details", "info"))
    @argument("N", rest=True)
    async def show(self, ctx: CommandContext) -> str:
        return await handlers.show(self.service, ctx)

    @agenda.subcommand("ics", texts.ICS_SUMMARY, aliases=("abonnement", "lien", "adresse"))
    async def ics(self, ctx: CommandContext) -> str:
        return await handlers.ics(self.service, ctx)

    @agenda.subcommand(
        "ajouter",
        texts.ADD_SUMMARY,
        aliases=("ajout", "nouveau", "creer"),
        role=Role.ORGANISER,
        max_chars=MAX_EVENT_CHARS,
        examples=(ADD_EXAMPLE,),
    )
    @argument(texts.ADD_ARG, rest=True)
    async def add(self, ctx: CommandContext) -> str:
        return await handlers.add(self.service, ctx)

    @agenda.subcommand(
        "modifier",
        texts.EDIT_SUMMARY,
        aliases=("changer", "modif", "deplacer"),
        role=Role.ORGANISER,
        max_chars=MAX_EVENT_CHARS,
        details=texts.EDIT_DETAILS,
        examples=(
            "{prefix}agenda modifier 12 quand dimanche 24 mai 15h",
            "{prefix}agenda modifier 12 rappels J-7, veille 18h, 2h",
        ),
    )
    @argument("N champ valeur", rest=True)
    async def change(self, ctx: CommandContext) -> str:
        return await edit.edit(self.service, ctx)

    @agenda.subcommand(
        "annuler",
        texts.CANCEL_SUMMARY,
        aliases=("supprimer",),
        role=Role.ORGANISER,
        examples=("{prefix}agenda annuler 12", "{prefix}agenda annuler 12 30/05"),
    )
    @argument("N [date]", rest=True)
    async def cancel(self, ctx: CommandContext) -> str:
        return await handlers.cancel(self.service, ctx)

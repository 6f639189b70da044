"""The `!agenda` command tree, as the router declares it."""

from __future__ import annotations

from bot.message import Role
from bot.router import Arg, Command
from commands.agenda import edit, handlers, texts

# When, title, place and description together.
MAX_EVENT_CHARS = 4000


def agenda_command() -> Command:
    return Command(
        name="agenda",
        summary=texts.AGENDA_SUMMARY,
        handler=handlers.agenda,
        args=(Arg("semaine ou mois", required=False),),
        aliases=("rdv", "calendrier"),
        details=texts.AGENDA_DETAILS,
        examples=(
            "!agenda",
            "!agenda mois",
            "!agenda ajouter samedi 23 mai 15h | Rassemblement | Bois du Fouillet",
        ),
        subcommands=(
            Command("semaine", texts.WEEK_SUMMARY, handlers.week),
            Command("mois", texts.MONTH_SUMMARY, handlers.month),
            Command(
                "voir",
                texts.SHOW_SUMMARY,
                handlers.show,
                args=(Arg("N", rest=True),),
                aliases=("detail", "details", "info"),
            ),
            Command(
                "ics",
                texts.ICS_SUMMARY,
                handlers.ics,
                aliases=("abonnement", "lien", "adresse"),
            ),
            Command(
                "ajouter",
                texts.ADD_SUMMARY,
                handlers.add,
                args=(Arg(texts.ADD_ARG, rest=True),),
                max_chars=MAX_EVENT_CHARS,
                aliases=("ajout", "nouveau", "creer"),
                role=Role.ORGANISER,
                examples=("!agenda ajouter samedi 23 mai 15h | Rassemblement | Bois du Fouillet",),
            ),
            Command(
                "modifier",
                texts.EDIT_SUMMARY,
                edit.edit,
                args=(Arg("N champ valeur", rest=True),),
                max_chars=MAX_EVENT_CHARS,
                aliases=("changer", "modif", "deplacer"),
                role=Role.ORGANISER,
                details=texts.EDIT_DETAILS,
                examples=(
                    "!agenda modifier 12 quand dimanche 24 mai 15h",
                    "!agenda modifier 12 rappels J-7, veille 18h, 2h",
                ),
            ),
            Command(
                "annuler",
                texts.CANCEL_SUMMARY,
                handlers.cancel,
                args=(Arg("N [date]", rest=True),),
                aliases=("supprimer",),
                role=Role.ORGANISER,
                examples=("!agenda annuler 12", "!agenda annuler 12 30/05"),
            ),
        ),
    )

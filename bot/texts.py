"""Everything the engine itself says to people, in plain French, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.french import quoted

if TYPE_CHECKING:
    from bot.router import Command

FLOOD_WARNING = (
    "Doucement : vous envoyez beaucoup de messages d'un coup. "
    "Attendez une minute, puis réessayez. Je ne répondrai pas d'ici là."
)
ORGANISERS_ONLY = (
    "Cette commande est réservée aux organisatrices et organisateurs du collectif. "
    "Tapez !aide pour voir ce que vous pouvez faire."
)
DIRECT_ONLY = (
    "Cette commande marche seulement en message privé avec moi. "
    "Écrivez-moi directement, puis tapez-la de nouveau."
)
APOLOGY = (
    "Désolé, quelque chose s'est mal passé de mon côté. Réessayez dans un moment. "
    "Si ça recommence, prévenez les organisatrices et organisateurs."
)
APOLOGY_CONVERSATION = (
    "Désolé, quelque chose s'est mal passé de mon côté. Votre réponse n'est pas perdue : "
    "réessayez dans un moment, ou tapez !annuler pour arrêter."
)
CANCELLED = "C'est annulé. Rien n'a été gardé."
CONVERSATION_FOOTER = "Pour arrêter à tout moment : !annuler"
MISSING_ARGUMENT = "Il manque : {name}."
TOO_MANY_ARGUMENTS = "Il y a trop de mots après la commande."


def greeting(prefix: str, commands: Sequence[Command]) -> str:
    lines = [
        "Bonjour ! Je suis Relais, le robot du collectif.",
        "Voici ce que je sais faire (tapez la commande, point d'exclamation compris) :",
        "",
    ]
    lines += [f"- {prefix}{c.name} : {c.summary}" for c in commands]
    lines += ["", f"Pour en savoir plus sur une commande : {prefix}aide <commande>"]
    return "\n".join(lines)


def unknown_command(prefix: str, word: str, suggestion: str | None) -> str:
    hint = f" Vouliez-vous dire {prefix}{suggestion} ?" if suggestion else ""
    typed = quoted(prefix + word, 40)
    return f"Je ne connais pas la commande « {typed} ».{hint} Tapez {prefix}aide pour la liste."


def too_long_message(length: int, limit: int) -> str:
    return (
        f"Votre message est trop long pour moi ({number(length)} caractères) : je lis au plus "
        f"{number(limit)} caractères par message. Envoyez-le en plusieurs messages."
    )


def too_long_arguments(length: int, limit: int) -> str:
    return (
        f"C'est trop long pour cette commande ({number(length)} caractères, "
        f"{number(limit)} au plus). Raccourcissez, puis réessayez."
    )


def number(value: int) -> str:
    """12345 → "12 345", as French writes it (a narrow no-break space between groups)."""
    return f"{value:,}".replace(",", "\u202f")


def usage_error(problem: str, usage: str, examples: Sequence[str]) -> str:
    text = f"{problem}\nUtilisation : {usage}"
    if examples:
        text += "\nExemple : " + examples[0]
    return text


def subcommand_menu(prefix: str, command: Command) -> str:
    lines = [f"{prefix}{command.name} : {command.summary}", ""]
    lines += [f"- {sub.usage(prefix, command)} : {sub.summary}" for sub in command.subcommands]
    return "\n".join(lines)


NOT_DELIVERED = (
    "Un message n'a pas pu partir {where} : {reason}.\n"
    "Début du message : « {excerpt} »\n"
    "Il ne sera pas renvoyé tout seul : si besoin, relancez-le."
)
NOT_DELIVERED_WHERE_MASTODON = "sur Mastodon"
NOT_DELIVERED_WHERE_ROOM = "dans le salon {room}"

UNEXPECTED_CLI_ERROR = (
    "Relais s'est arrêté sur une erreur inattendue ({kind}). Rien d'autre n'a été fait. "
    "Relancez avec -v pour les détails techniques, et signalez-la si elle revient."
)


def conversation_left(label: str) -> str:
    return f"(Ce qui était en cours, {label}, est laissé de côté : on passe à cette commande.)"


NOTHING_TO_CANCEL = "Rien à annuler : aucune conversation n'est en cours avec moi."

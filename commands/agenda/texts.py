"""Everything the agenda says to people, in plain French, in one place.

The date parser keeps its own messages (when_text.py).
"""

from __future__ import annotations

from datetime import time

KIND_LABELS = {
    "rassemblement": "rassemblement",
    "manifestation": "manifestation",
    "chantier": "chantier",
    "reunion": "réunion",
    "projection": "projection",
    "atelier": "atelier",
    "fete": "fête",
    "autre": "autre",
}

# --- help ------------------------------------------------------------------------------
AGENDA_SUMMARY = "les prochains rendez-vous du collectif"
AGENDA_DETAILS = """Pour tout le monde :
- {prefix}agenda : les 7 prochains jours
- {prefix}agenda semaine : les 7 prochains jours
- {prefix}agenda mois : les 31 prochains jours
- {prefix}agenda voir N : le détail du rendez-vous numéro N
- {prefix}agenda ics : l'adresse de l'agenda, pour votre application de calendrier

Pour les organisatrices et organisateurs :
- {prefix}agenda ajouter QUAND | TITRE | LIEU | DESCRIPTION (la description est facultative).
  Je montre ce que j'ai compris, puis vous répondez oui ou non.
- {prefix}agenda modifier N CHAMP VALEUR. Les champs : quand, titre, lieu, description, lien,
  carte, type, rappels, mastodon.
  Exemples : {prefix}agenda modifier 12 quand dimanche 24 mai 15h
  {prefix}agenda modifier 12 rappels J-7, veille 18h, 2h (ou : aucun)
  {prefix}agenda modifier 12 mastodon non
- {prefix}agenda annuler N : annule le rendez-vous (je demande confirmation).
- {prefix}agenda annuler N 30/05 : annule une seule date d'un rendez-vous qui se répète.
Un changement de date ou de lieu, et une annulation, sont annoncés là où le rendez-vous
est annoncé."""
ADD_SUMMARY = "ajouter un rendez-vous (je demande confirmation)"
ADD_ARG = "quand | titre | lieu [| description]"
EDIT_SUMMARY = "changer un rendez-vous (champs : quand, titre, lieu…)"
EDIT_DETAILS = (
    "Champs : quand, titre, lieu, description, lien, carte (lien vers un plan), type "
    "(rassemblement, manifestation, chantier, réunion, projection, atelier, fête, autre), "
    "rappels (par exemple « J-7, veille 18h, 2h » ou « aucun »), mastodon (oui ou non)."
)
CANCEL_SUMMARY = "annuler un rendez-vous (ou une seule de ses dates)"
SHOW_SUMMARY = "voir le détail d'un rendez-vous"
WEEK_SUMMARY = "les 7 prochains jours"
MONTH_SUMMARY = "les 31 prochains jours"
ICS_SUMMARY = "l'adresse de l'agenda pour votre calendrier"

# --- listing -------------------------------------------------------------------------
LIST_TITLE_DAYS = "**Agenda des {days} prochains jours**"
LIST_EMPTY = "Rien de prévu pour les {days} prochains jours."
LIST_MORE = "… et {count} autre(s). La liste complète : {where}"
LIST_MORE_NO_PAGE = "… et {count} autre(s)."
LIST_FOOTER = "Détail : {prefix}agenda voir N"
LIST_UNKNOWN_PERIOD = (
    "Je ne connais pas « {word} ». Tapez {prefix}agenda (7 jours), "
    "{prefix}agenda mois (31 jours) ou {prefix}aide agenda."
)
ALL_DAY = "toute la journée"

# --- one event -----------------------------------------------------------------------
LABEL_WHEN = "Quand"
LABEL_PLACE = "Où"
LABEL_MAP = "Plan"
LABEL_KIND = "Type"
LABEL_LINK = "Lien"
LABEL_GROUP = "Groupe"
LABEL_NEXT = "Prochaines dates"
LABEL_REMINDERS = "Rappels"
LABEL_TARGETS = "Annoncé dans"
LABEL_SOURCE = "Source"
LABEL_STATUS = "État"
LABEL_DESCRIPTION = "Description"
LABEL_WHAT = "Quoi"
PREVIEW_PAST = "déjà passé, ne sera pas envoyé"
CHANGED_MEANWHILE = "Ce rendez-vous a changé entre-temps. Recommencez la commande."
NO_PLACE = "(lieu non précisé)"
NO_REMINDERS = "aucun"
NO_TARGETS = "nulle part (aucun salon configuré pour ce groupe)"
STATUS_CANCELLED = "annulé"
NOT_FOUND = "Je ne trouve pas de rendez-vous numéro {id}. Tapez {prefix}agenda pour la liste."
NEED_ID = "Donnez le numéro du rendez-vous, par exemple : {prefix}agenda voir 12"
NO_MORE_DATES = "plus aucune date à venir"

# --- adding -------------------------------------------------------------------------
ADD_USAGE = (
    "Écrivez : {prefix}agenda ajouter QUAND | TITRE | LIEU, par exemple :\n"
    "{prefix}agenda ajouter samedi 23 mai 15h | Rassemblement | Bois du Fouillet"
)
ADD_NEED_TITLE = "Il manque le titre. " + ADD_USAGE
ADD_TOO_MANY = "Il y a trop de « | ». " + ADD_USAGE
ADD_TITLE_TOO_LONG = "Le titre est trop long ({max} caractères au plus)."
ADD_TOO_LONG = "Le texte est trop long ({max} caractères au plus)."
CONFIRM_HEAD = "Voici ce que j'ai compris :"
CONFIRM_QUESTION = "C'est bon ? Répondez **oui** pour l'enregistrer, ou **non** pour annuler."
CONFIRM_HELP = (
    "Répondez **oui** pour enregistrer, ou **non** pour annuler. "
    "Pour corriger, répondez non puis recommencez la commande."
)
ADDED = (
    "C'est enregistré : rendez-vous **n°{id}**. Pour le changer : "
    "{prefix}agenda modifier {id} … ; pour l'annuler : {prefix}agenda annuler {id}"
)
ADD_CANCELLED = "D'accord, je n'enregistre rien."
CHOOSE_GROUP = "Pour quel groupe ? Répondez par un numéro :"
CHOOSE_GROUP_HELP = "Répondez par le numéro du groupe dans la liste, ou !annuler pour arrêter."
PAST_NOW = "Ce moment est passé entre-temps. Recommencez avec une date à venir."

# --- editing ------------------------------------------------------------------------
EDIT_USAGE = (
    "Écrivez : {prefix}agenda modifier N CHAMP VALEUR. Champs : quand, titre, lieu, "
    "description, lien, carte, type, rappels, mastodon.\n"
    "Exemple : {prefix}agenda modifier 12 lieu Salle Guy Môquet"
)
EDIT_UNKNOWN_FIELD = "Je ne connais pas le champ « {field} ». " + EDIT_USAGE
EDIT_NEED_VALUE = "Il manque la nouvelle valeur. " + EDIT_USAGE
EDIT_DONE = "C'est changé. {prefix}agenda voir {id} pour vérifier."
EDIT_SAME = "Rien à changer : c'est déjà comme ça."
EDIT_CANCELLED_EVENT = "Ce rendez-vous est annulé : on ne peut plus le modifier."
EDIT_IMPORTED = (
    "Attention : ce rendez-vous vient d'un agenda extérieur ({source}). "
    "La prochaine mise à jour de cet agenda peut défaire votre changement."
)
EDIT_BAD_KIND = (
    "Je ne connais pas ce type. Types possibles : rassemblement, manifestation, chantier, "
    "réunion, projection, atelier, fête, autre."
)
EDIT_BAD_LINK = "Un lien doit commencer par https:// (ou http://)."
EDIT_BAD_YES_NO = "Répondez oui ou non, par exemple : {prefix}agenda modifier {id} mastodon non"
EDIT_NO_MASTODON = "Ce groupe ne publie pas sur Mastodon."
MOVE_HEAD = "Nouveau moment pour le n°{id} :"
PLACE_HEAD = "Nouveau lieu pour le n°{id} :"
MOVE_NOTICE_WARNING = "Un avis de changement sera envoyé à : {targets}."
MOVE_QUESTION = "On change ? Répondez **oui** ou **non**."
MOVED = "C'est changé, et l'avis est parti. {prefix}agenda voir {id} pour vérifier."
MOVE_CANCELLED = "D'accord, je ne change rien."

# --- cancelling ---------------------------------------------------------------------
CANCEL_QUESTION = (
    "Annuler le rendez-vous n°{id} : {title}, {when} ?\n"
    "Un avis d'annulation sera envoyé à : {targets}.\n"
    "Répondez **oui** pour annuler, ou **non** pour le garder."
)
CANCEL_DATE_QUESTION = (
    "Annuler seulement la date du {day} pour le n°{id} ({title}) ? Les autres dates restent.\n"
    "Un avis sera envoyé à : {targets}.\n"
    "Répondez **oui** pour annuler cette date, ou **non** pour la garder."
)
CANCEL_DONE = "C'est annulé, et l'avis est parti."
CANCEL_KEPT = "D'accord, le rendez-vous est maintenu."
CANCEL_ALREADY = "Ce rendez-vous est déjà annulé."
CANCEL_NO_SUCH_DATE = (
    "Le n°{id} n'a pas lieu le {day}. Tapez {prefix}agenda voir {id} pour ses dates."
)
CANCEL_DATE_NOT_RECURRING = (
    "Ce rendez-vous n'a qu'une date : pour l'annuler, tapez {prefix}agenda annuler {id}"
)

# --- ics ----------------------------------------------------------------------------
ICS_ANSWER = (
    "Pour suivre l'agenda dans votre calendrier (téléphone, Thunderbird…), abonnez-vous à "
    "cette adresse :\n{url}\nLa même chose en page web : {page}"
)
ICS_ALL_GROUPS = "Tous les groupes : {url}"
ICS_NOT_PUBLISHED = (
    "L'agenda n'est pas publié sur le web ici. Demandez aux organisatrices et organisateurs "
    "d'activer agenda.http ou agenda.public_url dans la configuration."
)

# --- announcements (reminders and notices) -----------------------------------------
REMINDER = "**Rappel** : {title}"
REMINDER_LATE = "**Rappel** (rappel en retard) : {title}"
REMINDERS = "**Rappels** : {count} rendez-vous"
REMINDERS_LATE = "**Rappels** (en retard) : {count} rendez-vous"
NOTICE_CANCELLED = "**Annulé** : {title}, qui était prévu {when}."
NOTICE_DATE_CANCELLED = "**Annulé le {day}** : {title}. Les autres dates sont maintenues."
NOTICE_MOVED = "**Changement** : {title}"
NOTICE_BEFORE = "Avant : {text}"
NOTICE_NOW = "Maintenant : {text}"
DETAILS_HINT = "Détail : {prefix}agenda voir {id}"
TODAY = "aujourd'hui"
TOMORROW = "demain"
IN_DAYS = "dans {days} jours"
IN_HOURS = "dans {hours} h"
IN_MINUTES = "dans {minutes} min"

# --- reminder offsets ---------------------------------------------------------------
OFFSET_BAD_TIME = "L'heure d'un rappel doit être entre 0h et 23h59, par exemple « veille 18h »."
OFFSET_RANGE = "Un rappel doit venir entre 1 minute et 60 jours avant le rendez-vous."


def offset_unknown(text: str) -> str:
    return (
        f"Je ne comprends pas le rappel « {text} ». Écrivez par exemple « J-7 », "
        "« veille 18h », « J-2 10h », « 2h » ou « 30min »."
    )


def offset_label(days: int, at: time | None, minutes: int | None) -> str:
    if minutes is not None:
        hours, rest = divmod(minutes, 60)
        if not hours:
            return f"{rest} min avant"
        return f"{hours} h avant" if not rest else f"{hours} h {rest:02d} avant"
    clock = "" if at is None else f" à {at:%H:%M}"
    if days == 0:
        return f"le jour même{clock}"
    if days == 1:
        return f"la veille{clock}"
    return f"{days} jours avant{clock}"


# --- web page -----------------------------------------------------------------------
PAGE_TITLE = "Agenda"
PAGE_TITLE_GROUP = "Agenda : {group}"
PAGE_INTRO = "Les rendez-vous des {days} prochains jours."
PAGE_EMPTY = "Rien de prévu pour le moment."
PAGE_SUBSCRIBE = "S'abonner avec une application de calendrier (fichier ICS)"
PAGE_PLACE = "Lieu"
PAGE_MAP = "voir le plan"
PAGE_MORE = "En savoir plus"
PAGE_UPDATED = "Page mise à jour le {when}."
PAGE_NOT_FOUND = "Ce groupe n'existe pas."
PAGE_GROUPS = "Les groupes"

# --- command line -------------------------------------------------------------------
CLI_AGENDA_HELP = "agenda : lire une date, importer ou exporter un agenda ICS"
CLI_PARSE_HELP = "montrer comment une date en français est comprise"
CLI_IMPORT_HELP = "importer un fichier ICS ou l'adresse d'un agenda en ligne"
CLI_EXPORT_HELP = "écrire l'agenda au format ICS sur la sortie standard"
CLI_BAD_NOW = "--maintenant : date invalide, écrivez par exemple 2026-05-20T10:00"
CLI_BAD_ZONE = "--fuseau : fuseau horaire inconnu (exemple : Europe/Paris)"
CLI_UNKNOWN_GROUP = "Groupe inconnu : « {group} ». Groupes : {groups}."
CLI_WHICH_GROUP = "Il y a plusieurs groupes : précisez --groupe parmi {groups}."
CLI_IMPORT_DONE = (
    "Import terminé ({group}) : {added} ajouté(s), {updated} mis à jour, "
    "{cancelled} annulé(s), {unchanged} inchangé(s), {skipped} ignoré(s)."
)
CLI_IMPORT_FAILED = "Import impossible : {reason}"
CLI_FILE_MISSING = "fichier introuvable : {path}"
CLI_FETCH_FAILED = "l'adresse ne répond pas correctement ({detail})"
CLI_NOT_ICS = "ce n'est pas un agenda ICS lisible"

"""Everything people read from the weekly letter, in plain French."""

from __future__ import annotations

SUMMARY = "la lettre de la semaine : voir, éditorial, annuler, envoyer"
DETAILS = (
    "La lettre part chaque semaine dans les salons du groupe, sur Mastodon, sur la page "
    "web et par e-mail. La veille, un aperçu arrive dans le salon des organisatrices et "
    "organisateurs."
)
SHOW_SUMMARY = "voir la prochaine lettre, telle qu'elle partira"
EDITO_SUMMARY = "écrire le mot de l'équipe (ou « effacer »)"
CANCEL_SUMMARY = "ne pas envoyer la lettre de cette semaine"
SEND_SUMMARY = "envoyer la lettre maintenant"

# The letter
WEEK_OF = "Semaine du {day}"
EDITORIAL = "Le mot de l'équipe"
EVENTS = "Les rendez-vous"
NO_EVENTS = "Pas de rendez-vous annoncé pour ces jours-là."
CALLS = "Les appels en cours"
UNTIL = "jusqu'au {day}"
FROM = "de {origin}"
ALL_DAY = "toute la journée"
READ_ONLINE = "La lettre en ligne : {url}"
FEED_SUBTITLE = "Les rendez-vous, les appels et les nouvelles de la semaine."
PAGE_NONE = "Aucune lettre pour le moment."
PAGE_NOT_FOUND = "Pas de lettre pour cette semaine."
ARCHIVE = "Les lettres précédentes"
SUBJECT = "{title} — semaine du {day}"

# Commands
NOT_ENABLED = "La lettre de la semaine n'est pas activée (section « letter » de la configuration)."
WHICH_GROUP = (
    "Pour quel groupe ? Écrivez cette commande dans un salon du groupe. Les groupes : {names}."
)
EDITO_NEED_TEXT = (
    "Écrivez le mot après la commande, par exemple :\n"
    "{prefix}lettre edito Merci à toutes et tous pour samedi."
)
EDITO_SET = "C'est noté : ce mot paraîtra dans la lettre du {day}. Voir : {prefix}lettre voir"
EDITO_CLEARED = "Le mot de l'équipe est effacé."
EDITO_TOO_LONG = "Le mot est trop long ({length} caractères, {max} au plus). Raccourcissez-le."
PREVIEW_HEAD = (
    "**Aperçu de la lettre qui partira le {when}** ({who}).\n"
    "{prefix}lettre edito TEXTE pour ajouter un mot, {prefix}lettre annuler pour ne pas "
    "l'envoyer, {prefix}lettre envoyer pour l'envoyer tout de suite."
)
PREVIEW_WHO_GROUP = "groupe {group}"
CANCELLED = "D'accord : pas de lettre cette semaine (celle du {when})."
ALREADY_SENT = "La lettre de cette semaine est déjà partie ({when})."
ALREADY_CANCELLED = "La lettre de cette semaine est déjà annulée."
SHOW_SKIPPED = "La prochaine lettre (celle du {when}) est annulée : elle ne partira pas."
SENT_NOW = "C'est parti : la lettre est envoyée."

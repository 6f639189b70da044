"""Everything people read from the announcements, in plain French."""

from __future__ import annotations

SUMMARY = "programmer une annonce dans les salons du groupe (et sur Mastodon)"
DETAILS = (
    "Écrivez quand, puis le texte, séparés par « | ». Le robot montre l'heure comprise et "
    "où l'annonce partira, puis attend « oui ».\n"
    "Pour d'autres groupes : ajoutez --groupe NOM (ou --tous) avant la date.\n"
    "Une annonce peut revenir : « tous les lundis 9h », « le premier samedi du mois 10h »."
)
ARG = "QUAND | TEXTE"
LIST_SUMMARY = "les annonces programmées, avec leur numéro"
SHOW_SUMMARY = "voir une annonce programmée et ses prochaines dates"
EDIT_SUMMARY = "changer le texte ou l'heure d'une annonce"
EDIT_DETAILS = (
    "« modifier N texte NOUVEAU TEXTE » ou « modifier N quand NOUVELLE DATE ». "
    "Pour une annonce qui revient, le robot demande : seulement la prochaine ou toutes."
)
CANCEL_SUMMARY = "annuler une annonce programmée"

# Writing one
NEED_PARTS = (
    "Il manque la date ou le texte. Écrivez par exemple :\n"
    "{prefix}annonce lundi 9h | Permanence ce soir à la Maison des associations"
)
TOO_LONG = "Le texte est trop long ({length} caractères, {max} au plus). Raccourcissez-le."
UNKNOWN_GROUP = "Je ne connais pas le groupe « {name} ». Les groupes : {names}."
WHICH_GROUP = (
    "Pour quel groupe ? Ajoutez --groupe NOM (ou --tous) avant la date. Les groupes : {names}."
)
PAST = "Cette heure est déjà passée. Donnez une date à venir."
ALL_DAY = "Donnez aussi l'heure d'envoi, par exemple « samedi 10h »."
PREVIEW_HEAD = "**Annonce à programmer**"
PREVIEW_WHEN = "Quand : {when}"
PREVIEW_NEXT = "Prochaines dates : {dates}"
PREVIEW_WHERE = "Où : {where}"
PREVIEW_TEXT = "Texte :"
CONFIRM_QUESTION = "Je la programme ? Répondez « oui » ou « non »."
CONFIRM_HELP = "Répondez « oui » pour confirmer, ou « non » pour laisser tomber."
CREATED = "C'est programmé : annonce n° {id}. Voir la liste : {prefix}annonces"
CREATE_CANCELLED = "D'accord, je ne programme rien."
NOWHERE = "Ce groupe n'a aucun salon configuré : l'annonce n'irait nulle part."

# Listing, showing
LIST_EMPTY = "Aucune annonce programmée. Pour en ajouter une : {prefix}annonce QUAND | TEXTE"
LIST_TITLE = "**Annonces programmées**"
LIST_LINE = "{id}. {when} — {excerpt}"
LIST_FOOTER = "Détail : {prefix}annonce voir N"
NEED_ID = "Donnez le numéro de l'annonce, par exemple : {prefix}annonce voir 3"
NOT_FOUND = "Je ne trouve pas d'annonce n° {id}. La liste : {prefix}annonces"
SHOW_HEAD = "**Annonce n° {id}**"
SHOW_RULE = "Revient : {rule}"
SHOW_NEXT = "Prochaines dates : {dates}"
SHOW_NONE = "Plus aucune date à venir."
SHOW_FOOTER = "Changer : {prefix}annonce modifier {id} … — annuler : {prefix}annonce annuler {id}"

# Changing, cancelling
EDIT_USAGE = (
    "Écrivez « {prefix}annonce modifier N texte NOUVEAU TEXTE » "
    "ou « {prefix}annonce modifier N quand NOUVELLE DATE »."
)
EDIT_TEXT_PREVIEW = "Nouveau texte de l'annonce n° {id} :\n\n{text}"
EDIT_WHEN_PREVIEW = "Nouvelle date de l'annonce n° {id} : {when}"
SCOPE_QUESTION = (
    "Cette annonce revient. Pour laquelle ?\n"
    "1. seulement celle-ci ({next})\n"
    "2. toutes\n"
    "Répondez 1 ou 2 (ou « non » pour laisser tomber)."
)
SCOPE_HELP = "Répondez 1 (seulement celle-ci), 2 (toutes), ou « non »."
ONE_NEEDS_SINGLE = (
    "Pour une seule date, donnez une date sans répétition, par exemple « mardi 10h »."
)
CANCEL_PREVIEW = "Annuler l'annonce n° {id} ({when}) ?"
CONFIRM_CHANGE = "Répondez « oui » pour confirmer, ou « non »."
EDITED = "C'est changé. Voir : {prefix}annonce voir {id}"
CANCELLED = "L'annonce n° {id} est annulée."
CANCELLED_ONE = "La date du {when} est annulée ; les autres restent."
KEPT = "D'accord, rien ne change."
CHANGED_MEANWHILE = (
    "L'annonce a changé entre-temps (ou n'existe plus). Regardez-la à nouveau : "
    "{prefix}annonce voir {id}"
)
NOTHING_AHEAD = "Cette annonce n'a plus de date à venir."

# What members read
LATE = "_(annonce en retard : prévue le {when})_"
HERE = "ici"

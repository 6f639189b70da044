"""Everything the testimony feature says, in plain French, in one place.

`{p}` is the command prefix ("!"). Doublets, never the point médian.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.french import MONTH_NAMES_FR

# -- themes and consent (order = the numbers people type) ---------------------------------
THEMES: tuple[tuple[str, str], ...] = (
    ("caf", "CAF (allocations, RSA, APL)"),
    ("france-travail", "France Travail (ex-Pôle emploi)"),
    ("sante", "Santé, Mon Espace Santé, Assurance maladie"),
    ("prefecture", "Préfecture, titre de séjour"),
    ("ecole", "École"),
    ("travail", "Travail"),
    ("police", "Police, surveillance"),
    ("autre", "Autre chose"),
)
THEME_SHORT = {
    "caf": "CAF",
    "france-travail": "France Travail",
    "sante": "santé",
    "prefecture": "préfecture",
    "ecole": "école",
    "travail": "travail",
    "police": "police et surveillance",
    "autre": "autre",
}
CONSENT_OPTIONS = (
    "Seulement être lu par {lecteurs}.",
    "Être lu, et peut-être publié après anonymisation (sans noms, numéros ni adresses).",
    "Finalement, ne rien garder.",
)
CONSENT_LABELS = {
    "lecture": "lecture seulement, pas de publication",
    "publication": "publication possible après anonymisation",
}
MONTHS_FR = MONTH_NAMES_FR

# -- commands ------------------------------------------------------------------------------
TEMOIGNER_SUMMARY = "raconter en privé ce que vous vivez avec une administration"
TEMOIGNER_DETAILS = (
    "Je vous pose quelques questions en message privé. Votre témoignage est chiffré : "
    "seules les personnes qui ont la clé du collectif peuvent le lire. Vous recevez un "
    "code pour le retrouver ou le retirer."
)
TEMOIGNAGE_SUMMARY = "suivre ou retirer votre témoignage avec son code"
STATUT_SUMMARY = "savoir si votre témoignage est toujours gardé"
RETIRER_SUMMARY = "effacer votre témoignage tout de suite, pour de bon"
STATS_SUMMARY = "compter les témoignages par thème et par mois (jamais leur contenu)"
TEMOIGNAGE_MENU = (
    "Pour témoigner : {p}temoigner\n"
    "Pour savoir si votre témoignage est gardé : {p}temoignage statut CODE\n"
    "Pour le retirer : {p}temoignage retirer CODE"
)
NOT_OPEN = (
    "Les témoignages ne sont pas encore ouverts ici : le collectif doit d'abord créer sa "
    "clé de chiffrement. Prévenez les organisatrices et organisateurs."
)
ROOM_ANSWER = "Je vous écris en privé."
ALREADY_STARTED = (
    "Vous avez déjà un témoignage en cours. Continuez-le ici, "
    "ou tapez {p}annuler pour l'effacer et recommencer."
)

# -- the conversation ----------------------------------------------------------------------
INTRO = (
    "**Témoigner, en confiance**\n"
    "Merci de vouloir raconter ce que vous vivez. Avant de commencer :\n"
    "- Votre témoignage sera lu uniquement par {lecteurs}.\n"
    "- Dès que vous l'envoyez, il est chiffré : même le robot ne peut plus le relire.\n"
    "- Il est gardé {jours} jours, puis effacé. Vous pourrez le retirer avant, "
    "avec un code que je vous donnerai.\n"
    "- Votre nom et votre compte ne sont pas gardés avec le témoignage.\n"
    "- N'écrivez pas le nom d'autres personnes.\n"
    "- Vous pouvez arrêter à tout moment : tapez {p}annuler. "
    "Sans réponse pendant {heures} heures, votre brouillon est effacé."
)
UNENCRYPTED_WARNING = (
    "**Attention, sur {service}** : les messages privés peuvent être lus par les personnes "
    "qui gèrent votre serveur {service} et le mien. Pour une histoire sensible, écrivez-moi "
    "plutôt sur Matrix (par exemple avec Element), ou donnez votre témoignage sur papier "
    "à une personne du collectif."
)
THEME_ASK = "Pour commencer : de quoi parle votre témoignage ? Répondez par un numéro.\n{menu}"
THEME_AGAIN = "Je n'ai pas compris. Répondez simplement par un numéro, de 1 à {n} :\n{menu}"
STORY_ASK = (
    "Thème : {theme}. Merci.\n\n"
    "Maintenant, racontez ce qui s'est passé, avec vos mots. Vous pouvez écrire en "
    "plusieurs messages. Quand vous avez fini, tapez {p}fin."
)
STORY_FIRST_ACK = (
    "C'est noté. Continuez si vous voulez, en autant de messages que nécessaire. "
    "Quand vous avez fini, tapez {p}fin."
)
STORY_ACK = "Noté."
STORY_EMPTY = (
    "Vous n'avez encore rien raconté. Écrivez ce qui s'est passé, puis tapez {p}fin. "
    "Pour arrêter : {p}annuler."
)
STORY_TOO_LONG = (
    "Ce message est trop long pour entrer dans le témoignage : il reste de la place pour "
    "environ {reste} caractères. Raccourcissez-le, ou tapez {p}fin pour terminer."
)
STORY_FULL = (
    "Votre témoignage a atteint la longueur maximale ({max} caractères). Ce dernier "
    "message n'a pas été ajouté. Tapez {p}fin pour passer à la suite."
)
STORY_NOT_SKIPPABLE = "Racontez ce qui s'est passé, puis tapez {p}fin quand vous avez fini."
OPTIONAL_INTRO = (
    "Merci pour votre récit. Encore trois petites questions, toutes facultatives : "
    "répondez « passer » si vous préférez ne pas répondre.\n\n"
)
DEPARTEMENT_ASK = "Dans quel département cela s'est-il passé ? (exemple : 72, ou Sarthe)"
DEPARTEMENT_AGAIN = (
    "Je n'ai pas reconnu ce département. Écrivez son numéro (exemple : 72) ou son nom, "
    "ou « passer »."
)
ADMINISTRATION_ASK = (
    "Quelle administration ou quel service était concerné ? "
    "(exemple : la CAF, une agence France Travail, la préfecture) Ou « passer »."
)
ADMINISTRATION_TOO_LONG = (
    "C'est un peu long pour cette question : écrivez juste le nom du service "
    "(moins de {max} caractères), ou « passer »."
)
MOIS_ASK = "Vers quel mois cela s'est-il passé ? (exemple : mars 2025) Ou « passer »."
MOIS_AGAIN = "Je n'ai pas compris le mois. Écrivez par exemple « mars 2025 », ou « passer »."
MOIS_FUTURE = "Ce mois n'est pas encore arrivé. Écrivez un mois passé, ou « passer »."
CONSENT_ASK = (
    "Dernière question : que peut faire le collectif de votre témoignage ? "
    "Répondez par un numéro.\n{menu}"
)
CONSENT_AGAIN = "Répondez par un numéro, 1, 2 ou 3 :\n{menu}"
PREVIEW = (
    "Voici la version anonymisée qui pourrait être publiée :\n\n"
    "----------\n{texte}\n----------\n\n"
    "{limites}"
)
CONFIRM_ASK = (
    "Est-ce que cette version peut être publiée ? Répondez oui ou non.\n"
    "(Si vous répondez non, rien ne sera publié.) Un détail permet de vous reconnaître ? "
    "Répondez « corriger » et envoyez-moi la version à publier."
)
CONFIRM_AGAIN = (
    "Répondez oui (la version anonymisée peut être publiée), non, ou « corriger » pour "
    "envoyer vous-même la version à publier."
)
CORRECT_ASK = (
    "Envoyez-moi, en un seul message, la version à publier : copiez la version ci-dessus "
    "et enlevez ce qui permet de vous reconnaître ({max} caractères au plus). Votre récit "
    "complet reste gardé pour les personnes qui lisent ; seule cette version serait publiée."
)
CORRECT_TOO_LONG = "C'est trop long : {max} caractères au plus. Raccourcissez, puis renvoyez-la."
CONFIRM_NO = (
    "D'accord, cette version ne sera pas publiée. Que voulez-vous faire ? "
    "Répondez par un numéro.\n{menu}\n\n"
    "Pour enlever vous-même des détails, tapez {p}annuler, puis recommencez avec {p}temoigner."
)
NOTHING_KEPT = (
    "C'est fait : rien n'a été gardé. Merci de nous avoir fait confiance. "
    "Vous pouvez revenir quand vous voulez avec {p}temoigner."
)
CANCELLED = "C'est annulé : votre brouillon est effacé, rien n'a été gardé."
RECEIPT = (
    "Merci. Votre témoignage est bien arrivé, et il est chiffré.\n\n"
    "Votre code : **{code}**\n\n"
    "Notez-le dans un endroit sûr, puis effacez ce message si vous le pouvez. "
    "Avec ce code, et seulement avec lui :\n"
    "- pour savoir s'il est toujours gardé : {p}temoignage statut {code}\n"
    "- pour le retirer, tout de suite et pour de bon : {p}temoignage retirer {code}\n\n"
    "Sans rien faire, il sera effacé le {fin}. Accord donné : {accord}."
)
NO_KEY_ANYMORE = (
    "Désolé, le collectif n'a plus de clé de chiffrement configurée : je ne peux pas garder "
    "votre témoignage. Votre brouillon reste gardé {heures} heures. Prévenez les "
    "organisatrices et organisateurs, ou tapez {p}annuler pour tout effacer."
)

# -- help per step (shown for "aide" or "?") ----------------------------------------------------
HELP_THEME = "Choisissez le thème de votre témoignage en tapant son numéro :\n{menu}"
HELP_STORY = (
    "Racontez ce qui s'est passé, en un ou plusieurs messages. "
    "Quand vous avez fini, tapez {p}fin. Rien n'est envoyé avant la fin."
)
HELP_OPTIONAL = "{question}\nCette question est facultative : répondez « passer » pour l'ignorer."
HELP_CONSENT = (
    "Choisissez ce que le collectif peut faire de votre témoignage :\n{menu}\n"
    "Avec 2, je vous montre d'abord la version anonymisée."
)
HELP_CONFIRM = (
    "Lisez la version anonymisée ci-dessus. Répondez oui si elle peut être publiée, "
    "non sinon (rien ne sera publié), ou « corriger » pour envoyer vous-même la version "
    "à publier."
)

# -- receipt code commands -----------------------------------------------------------------
CODE_IN_ROOM = (
    "Par prudence, je réponds à cette commande seulement en message privé : écrivez-la-moi "
    "en privé. Votre code est visible dans ce salon : effacez votre message si vous le pouvez."
)
CODE_INVALID = (
    "Ce code ne ressemble pas à un code de témoignage. Il a 12 lettres et chiffres, "
    "par exemple : {p}temoignage statut K7QM-3XHD-9PRT"
)
CODE_NOT_FOUND = (
    "Je ne trouve aucun témoignage avec ce code. Vérifiez chaque caractère. "
    "S'il a été retiré, ou si sa durée de conservation est passée, il est effacé."
)
STATUS = (
    "Votre témoignage est bien gardé, chiffré.\n"
    "- Thème : {theme}\n"
    "- Reçu le : {recu}\n"
    "- Accord : {accord}\n"
    "- Effacement automatique le : {fin}\n"
    "Pour le retirer tout de suite : {p}temoignage retirer CODE"
)
WITHDRAWN = (
    "C'est fait : votre témoignage est effacé, pour de bon. "
    "Si le collectif en a déjà publié une version anonymisée, prévenez les organisatrices "
    "et organisateurs pour qu'elle soit retirée aussi."
)

# -- organisers ------------------------------------------------------------------------------
NOTICE = (
    "Un nouveau témoignage (thème : {theme}) est arrivé. Il est chiffré : pour le lire, "
    "utilisez votre clé privée avec « relais temoignages export »."
)
STATS_EMPTY = "Aucun témoignage n'est gardé en ce moment."
STATS_TITLE = "Témoignages gardés : {total}"
STATS_BY_THEME = "Par thème :"
STATS_BY_MONTH = "Par mois d'arrivée :"

# -- command line ----------------------------------------------------------------------------
CLI_HELP = "témoignages : clés, export, statistiques, anonymisation"
CLI_KEYGEN_HELP = "créer une paire de clés pour lire les témoignages"
CLI_EXPORT_HELP = "déchiffrer les témoignages avec une clé privée (hors du serveur)"
CLI_STATS_HELP = "compter les témoignages par thème et par mois"
CLI_ANON_HELP = "anonymiser un texte (entrée standard vers sortie standard)"
CLI_KEY_FILE_HELP = "fichier de la clé privée"
CLI_OUT_HELP = "fichier à écrire (il ne doit pas exister)"
CLI_FORMAT_HELP = "format : json, csv ou md"
CLI_BASE_HELP = "fichier SQLite à lire (par exemple une copie faite avec relais backup)"
CLI_CONFIG_HELP = "fichier YAML"
CLI_DATA_HELP = "dossier des données"
KEYGEN_DONE = (
    "Clé publique, à ajouter dans le fichier de configuration sous "
    "testimonies.public_keys :\n\n    {public}\n\n"
    "Clé privée écrite dans {path} (lisible seulement par votre compte).\n"
    "Gardez ce fichier hors du serveur du robot, et faites-en une copie de secours : "
    "sans lui, les témoignages chiffrés pour cette clé ne pourront plus être lus."
)
KEY_FILE_HEADER = (
    "# Clé privée Relais pour lire les témoignages. Ne la mettez jamais sur le serveur du robot.\n"
    "# Clé publique correspondante : {public}\n"
)
FILE_EXISTS = "Erreur : {path} existe déjà. Je ne l'écrase pas : choisissez un autre nom."
FILE_UNWRITABLE = "Erreur : impossible d'écrire {path} ({reason})."
KEY_FILE_MISSING = "Erreur : le fichier de clé {path} est introuvable ou illisible."
KEY_FILE_INVALID = (
    "Erreur : {path} ne contient pas de clé privée valable (32 octets en base64 ou en "
    "hexadécimal, comme l'écrit relais temoignages keygen)."
)
DATABASE_MISSING = "Erreur : aucune base de données trouvée à {path}."
WRONG_KEY = (
    "Erreur : cette clé privée ne correspond à aucun des {total} témoignage(s) gardé(s). "
    "Vérifiez que c'est le bon fichier : sa clé publique est {public}. Elle doit figurer "
    "dans testimonies.public_keys au moment où les témoignages arrivent."
)
SOME_OTHER_KEYS = (
    "Attention : {n} témoignage(s) sont chiffrés pour d'autres clés et n'ont pas été ouverts."
)
DAMAGED = (
    "Attention : {n} témoignage(s) n'ont pas pu être déchiffrés (données abîmées) "
    "et ont été ignorés."
)
EXPORT_NONE = "Aucun témoignage n'est gardé en ce moment."
EXPORT_WRITTEN = "{n} témoignage(s) écrit(s) dans {path}."
ANON_EMPTY = "Erreur : rien à anonymiser. Exemple : echo 'texte' | relais temoignages anonymiser"

# -- export documents ------------------------------------------------------------------------
EXPORT_FIELDS = (
    "recu_le",
    "theme",
    "accord",
    "departement",
    "administration",
    "mois",
    "texte",
    "texte_anonymise",
)
MD_TITLE = "# Témoignages ({n})"
MD_ITEM = "## {i}. {theme}, reçu le {recu}"
MD_ACCORD = "- Accord : {accord}"
MD_DEPARTEMENT = "- Département : {value}"
MD_ADMINISTRATION = "- Administration ou service : {value}"
MD_MOIS = "- Mois des faits : {value}"
MD_TEXT = "**Récit :**"
MD_ANONYMISED = "**Version anonymisée acceptée pour publication :**"


# -- helpers ---------------------------------------------------------------------------------
def join_names(names: Sequence[str]) -> str:
    items = [n for n in names if n]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + " et " + items[-1]


def day_fr(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"


def month_fr(value: str) -> str:
    """ "2026-05" → "mai 2026"; a bare year stays as it is."""
    year, _, month = value.partition("-")
    if not month:
        return year
    return f"{MONTHS_FR[int(month) - 1]} {year}"


def theme_label(key: str) -> str:
    return THEME_SHORT.get(key, key)


def numbered_menu(options: Sequence[str]) -> str:
    return "\n".join(f"{i}. {option}" for i, option in enumerate(options, start=1))


def themes_menu() -> str:
    return numbered_menu([label for _, label in THEMES])


def consent_menu(readers: str) -> str:
    return numbered_menu([option.format(lecteurs=readers) for option in CONSENT_OPTIONS])


def stats_text(
    total: int, by_theme: Sequence[tuple[str, int]], by_month: Sequence[tuple[str, int]]
) -> str:
    if total == 0:
        return STATS_EMPTY
    lines = [STATS_TITLE.format(total=total), "", STATS_BY_THEME]
    lines += [f"- {theme_label(theme)} : {n}" for theme, n in by_theme]
    lines += ["", STATS_BY_MONTH]
    lines += [f"- {month_fr(month)} : {n}" for month, n in by_month]
    return "\n".join(lines)

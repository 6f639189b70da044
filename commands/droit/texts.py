"""Everything `!droit`, `!orga`, `!modele` and `relais droit` say to people, in plain French."""

from __future__ import annotations

# -- content validation (read by organisers after `!droit recharger`, and in CI) -----------
V_NOT_MAPPING = "doit être une section (des lignes « clé: valeur »)"
V_UNKNOWN_KEY = "clé inconnue (clés permises : {allowed})"
V_MISSING = "champ obligatoire manquant"
V_NOT_TEXT = "doit être un texte"
V_EMPTY = "ne doit pas être vide"
V_TOO_LONG = "plus de {max} caractères ({length})"
V_INCLUSIVE = (
    "point médian ou point inclusif : écrivez les deux formes "
    "(« les organisatrices et organisateurs »)"
)
V_BAD_URL = "doit être une adresse web complète (https://…)"
V_BAD_REFERENCE = "doit être une adresse web (https://…) ou « seed:<fichier>:<ligne(s)> »"
V_NOT_LIST = "doit être une liste (des lignes qui commencent par « - »)"
V_TOO_FEW = "au moins {min} élément(s) attendu(s), il y en a {count}"
V_TOO_MANY = "au plus {max} éléments attendus, il y en a {count}"
V_BAD_CHOICE = "« {value} » n'est pas permis (valeurs permises : {allowed})"
V_DUPLICATE = "« {value} » est en double"
V_BAD_DATE = "doit être une date AAAA-MM-JJ"
V_ID_NOT_FILE = "doit être le nom du fichier sans son extension (« {expected} »)"
V_BAD_SLUG = "seulement des minuscules sans accents, des chiffres et des tirets"
V_SOURCE_KIND = "donnez soit « url », soit « seed » et « lignes » (l'un ou l'autre)"
V_BAD_SEED_FILE = "doit être un nom de fichier source (« 001_xxxx.txt »)"
V_BAD_LINES = "doit être une ligne ou un intervalle de lignes (« 12 » ou « 10-14 »)"
V_BAD_DEPARTMENT = "doit être un numéro de département (« 72 », « 2A », « 971 »)"
V_BROKEN_LINK = "renvoie à « {command} », qui n'existe pas"
V_SEED_UNKNOWN = "fichier source inconnu « {seed} »"
V_SEED_OUT_OF_RANGE = "lignes {lines} hors du fichier ({count} lignes)"
V_UNREADABLE = "illisible ({reason})"
V_BAD_YAML = "YAML invalide : {reason}"
V_NO_FRONT_MATTER = "doit commencer par un en-tête entre deux lignes « --- »"
V_MISSING_FILE = "fichier absent"
V_NO_TOPICS = "aucune fiche trouvée (dossier absent ou vide)"
V_LONG_SENTENCE = (
    "phrase {number} trop longue ({words} mots, {max} au plus) : coupez-la, "
    "c'est ce qu'on lit en premier"
)
V_ARTICLE_IN_RESUME = (
    "pas de numéro d'article dans le résumé : mettez-le dans base_legale ou sources"
)
V_SEED_UNNAMED = (
    "document source « {seed} » sans nom lisible (à ajouter dans commands/droit/documents.py)"
)
V_STALE = "vérifiée le {date}, il y a plus de {months} mois : relisez-la avec ses sources"

# -- theme names, as shown in menus ------------------------------------------------------
THEME_LABELS = {
    "sante": "Santé",
    "social": "Aides sociales (CAF, RSA…)",
    "emploi": "Chômage, France Travail",
    "etrangers": "Personnes étrangères",
    "administration": "Administration, démarches",
    "recours": "Contester, faire un recours",
    "donnees": "Données personnelles",
    "travail": "Au travail",
    "surveillance": "Surveillance, caméras",
    "police": "Police, amendes",
    "ecole": "École",
    "agriculture": "Agriculture",
    "numerique": "Vivre avec (ou sans) le numérique",
    "associations": "Associations, collectifs",
}

# -- !droit ----------------------------------------------------------------------------
DROIT_SUMMARY = "vos droits : posez une question, ou choisissez un thème"
DROIT_DETAILS = (
    "Écrivez votre question avec vos mots, même sans accents. Je vous donne la fiche "
    "qui correspond : ce que vous pouvez faire, étape par étape, et qui peut vous aider.\n"
    "- {prefix}droit seul : la liste des thèmes\n"
    "- {prefix}droit <sujet> : une fiche directement (ex. {prefix}droit caf)\n"
    "- {prefix}droit <sujet> sources : les textes de loi et les sources de la fiche"
)
DROIT_EXAMPLES = (
    "{prefix}droit la caf m'a coupé mes allocs",
    "{prefix}droit fermer mon espace santé",
    "{prefix}droit caf sources",
)
RELOAD_SUMMARY = "relire les fiches après une modification (sans redémarrer)"

STEPS_HEADING = "Que faire"
CONTACTS_HEADING = "Qui contacter"
SEE_ALSO = "Voir aussi : {commands}"
MORE = "Pour aller plus loin : {prefix}droit {id} sources"
MORE_SHORT = "Sources : {prefix}droit {id} sources"
CONTINUED = "La suite : {prefix}droit {id}"
PHONE = "tél. {phone}"

SOURCES_TITLE = "Sources : {titre}"
LEGAL_HEADING = "Textes et décisions"
SOURCES_HEADING = "D'où viennent ces informations"
CHECKED = "Vérifié le {date}."
UNNAMED_DOCUMENT = "document fondateur du projet"
BACK_TO_TOPIC = "La fiche : {prefix}droit {id}"

MENU_TITLE = "Vos droits : choisissez un thème"
MENU_FOOTER = (
    "Répondez par le numéro du thème. Ou posez directement votre question, par exemple : "
    "{prefix}droit la caf me réclame un trop-perçu"
)
THEME_TITLE = "{label}"
THEME_FOOTER = "Répondez par le numéro de la fiche à lire."
CHOICE_NOT_UNDERSTOOD = (
    "Je n'ai pas compris votre choix. Répondez par un numéro de la liste, "
    "ou tapez {prefix}annuler pour arrêter."
)
MENU_HELP = (
    "Vous choisissez une fiche dans une liste. Répondez par le numéro voulu. "
    "Vous pouvez aussi écrire votre question avec vos mots."
)
MENU_CANCELLED = "D'accord, on arrête là. Tapez {prefix}droit quand vous voulez."

UNSURE_TITLE = "Je ne suis pas sûr d'avoir bien compris. Voici les fiches les plus proches :"
UNSURE_FOOTER = "Répondez par un numéro pour lire la fiche, ou reformulez votre question."
UNSURE_FOOTER_PLAIN = "Pour lire une fiche : {prefix}droit <nom de la fiche>"
NOT_FOUND = (
    "Je n'ai pas de fiche sur ce sujet. Je parle surtout de vos droits face à "
    "l'administration et au numérique.\n"
    "- {prefix}droit : la liste des thèmes\n"
    "- {prefix}orga : des organisations qui peuvent vous aider"
)
UNKNOWN_TOPIC_SOURCES = (
    "Je ne trouve pas la fiche « {id} ». Tapez {prefix}droit pour voir la liste des thèmes."
)
SOURCES_WHICH = "De quelle fiche voulez-vous les sources ? Par exemple : {prefix}droit caf sources"
EMPTY_CONTENT = (
    "Les fiches ne sont pas disponibles pour le moment. "
    "Prévenez les organisatrices et organisateurs du collectif."
)

RELOAD_OK = (
    "Fiches relues : {topics} fiche(s), {organisations} organisation(s), "
    "{templates} modèle(s) de lettre. Aucun problème."
)
RELOAD_PROBLEMS = (
    "Fiches relues : {topics} fiche(s), {organisations} organisation(s), "
    "{templates} modèle(s) de lettre. {count} problème(s) à corriger :"
)
RELOAD_KEPT = "L'ancienne version reste en service pour : {files}."
RELOAD_LEFT_OUT = "Pas de version précédente, donc hors service : {files}."
RELOAD_FAILED = (
    "Je n'ai pas pu relire les fiches. Les anciennes restent en service. "
    "Regardez le journal du robot."
)
RELOAD_MORE = "… et {count} autre(s) problème(s) (voir le journal du robot)."

# -- !orga -----------------------------------------------------------------------------
ORGA_SUMMARY = "des organisations qui peuvent vous aider, par thème ou par département"
ORGA_DETAILS = (
    "- {prefix}orga : les thèmes\n"
    "- {prefix}orga <thème> : les organisations de ce thème (ex. {prefix}orga etrangers)\n"
    "- {prefix}orga <département> : celles près de chez vous (ex. {prefix}orga 72)\n"
    "- {prefix}orga <nom> : une organisation (ex. {prefix}orga cimade)"
)
ORGA_MENU_TITLE = "Organisations qui peuvent vous aider"
ORGA_MENU_LINE = "- {label} : {prefix}orga {theme} ({count})"
ORGA_MENU_FOOTER = (
    "Près de chez vous : {prefix}orga <numéro du département>, par exemple {prefix}orga 72."
)
ORGA_THEME_TITLE = "Organisations : {label}"
ORGA_DEPT_TITLE = "Organisations dans le {dept}"
ORGA_DEPT_NONE = (
    "Je ne connais pas encore d'organisation propre au département {dept}. "
    "Celles-ci agissent partout en France : {prefix}orga <thème>. "
    "Pour un lieu d'aide près de chez vous : {prefix}orga france-services."
)
ORGA_DEPT_NATIONAL = "Et partout en France : {prefix}orga <thème> (ex. {prefix}orga recours)."
ORGA_NOT_FOUND = (
    "Je ne trouve pas « {query} ». Essayez un thème ({themes}) "
    "ou un numéro de département (ex. {prefix}orga 72)."
)
ORGA_PHONE = "Tél. {phone}"
ORGA_ADDRESS = "Adresse : {address}"
ORGA_SITE = "Site : {url}"
ORGA_MAIL = "Courriel : {mail}"
ORGA_NATIONAL = "Partout en France."
ORGA_LOCAL = "Département(s) : {depts}."

# -- !modele ---------------------------------------------------------------------------
MODELE_SUMMARY = "des modèles de lettres prêts à copier (RGPD, papier, Défenseur des droits…)"
MODELE_DETAILS = (
    "- {prefix}modele : la liste des modèles\n"
    "- {prefix}modele <nom> : le modèle, prêt à copier (ex. {prefix}modele acces-rgpd)"
)
MODELE_LIST_TITLE = "Modèles de lettres"
MODELE_LIST_LINE = "{number}. {titre} : {prefix}modele {id}"
MODELE_LIST_FOOTER = "Pour en recevoir un : {prefix}modele <nom>, par exemple {prefix}modele {id}"
MODELE_INTRO = (
    "**{titre}**\n{usage}\n\n"
    "Copiez le message suivant, remplacez ce qui est entre [crochets], "
    "puis gardez une copie de la lettre envoyée.\n"
    "Base légale : {base}"
)
MODELE_NOT_FOUND = "Je ne trouve pas le modèle « {query} »."
MODELE_SEVERAL = "Plusieurs modèles correspondent à « {query} » :"
MODELE_NONE = "Aucun modèle de lettre n'est disponible pour le moment."

# -- relais droit (command line) -------------------------------------------------------
CLI_HELP = "chercher une fiche !droit (sans base de données)"
CLI_QUESTION_HELP = "la question, entre guillemets"
CLI_JSON_HELP = 'résultat en JSON : {"results": [{"id": …, "score": …}]}'
CLI_BATCH_HELP = "une question par ligne sur l'entrée standard, une ligne JSON par question"
CLI_BUDGET_HELP = "longueur maximale de la réponse en caractères (texte brut)"
CLI_CONTENT_HELP = "dossier du contenu (défaut : content/ du projet)"
CLI_CHECK_HELP = "vérifier le contenu et lister les problèmes"
CLI_SEEDS_HELP = "avec --verifier : dossier des textes sources, pour vérifier les lignes citées"
CLI_NEED_QUESTION = "Donnez une question, ou --batch pour les lire sur l'entrée standard."
CLI_BATCH_NEEDS_JSON = "--batch va avec --json."
CLI_CHECK_OK = (
    "Contenu valide : {topics} fiche(s), {organisations} organisation(s), {templates} modèle(s)."
)
CLI_CHECK_PROBLEMS = "{count} problème(s) :"
CLI_CHECK_STALE = "{count} fiche(s) à revérifier (avertissement) :"
CLI_TODAY_HELP = "avec --verifier : date du jour AAAA-MM-JJ (par défaut : aujourd'hui)"


def topic_count(count: int) -> str:
    return "1 fiche" if count == 1 else f"{count} fiches"

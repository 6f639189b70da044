"""Everything the calls feature says to people, in plain French, in one place."""

from __future__ import annotations

# --- help ------------------------------------------------------------------------------
APPEL_SUMMARY = "lancer un appel à relayer vers les autres groupes (je demande confirmation)"
APPEL_ARG = "texte"
APPEL_DETAILS = """Pour les organisatrices et organisateurs :
- {prefix}appel TEXTE : je montre l'appel et les groupes qu'il touchera, puis vous
  répondez oui ou non.
- Options, avant le texte :
  --tags santé,72 : les étiquettes de l'appel (sinon : celles de votre groupe) ;
  --expire 30/05 : après cette date, l'appel n'est plus relayé ;
  --groupe NOM : le groupe qui lance l'appel (utile en message privé) ;
  --local : seulement les groupes de ce Relais, pas les autres Relais.
- {prefix}appel statut N : où en est l'appel numéro N, groupe par groupe.
- {prefix}appel retirer N : retire l'appel partout où il a été publié.
- {prefix}appel accepter N / {prefix}appel refuser N : pour un appel reçu qui attend votre accord.
- {prefix}appels : les derniers appels lancés et reçus."""
ACCEPT_SUMMARY = "publier un appel reçu dans les salons de votre groupe"
REFUSE_SUMMARY = "ne pas publier un appel reçu"
STATUS_SUMMARY = "où en est un appel, groupe par groupe"
RETRACT_SUMMARY = "retirer un appel partout où il a été publié"
LIST_SUMMARY = "les derniers appels lancés et reçus"
ARG_ID = "N"
ARG_ID_GROUP = "N [groupe]"

# --- options ---------------------------------------------------------------------------
OPTION_NEEDS_VALUE = (
    "Il manque la valeur après --{option}. Exemple : {p}appel --tags santé,72 TEXTE"
)
OPTION_UNKNOWN = (
    "Je ne connais pas l'option --{option}. Options possibles : --tags, --expire, --groupe, "
    "--local. Tapez {p}aide appel pour les détails."
)
TEXT_MISSING = (
    "Il manque le texte de l'appel. Exemple : {p}appel Rassemblement samedi 15h devant la mairie"
)
TEXT_TOO_LONG = "L'appel est trop long ({length} caractères, {max} au plus). Raccourcissez-le."
EXPIRY_UNREADABLE = "Je ne comprends pas la date après --expire : {reason} Exemple : --expire 30/05"
EXPIRY_PAST = (
    "La date après --expire est déjà passée. Donnez une date à venir, par exemple --expire 30/05"
)
UNKNOWN_GROUP = "Je ne connais pas le groupe « {name} ». Groupes : {names}."

# --- launching -------------------------------------------------------------------------
PREVIEW_HEAD = "**Aperçu de l'appel**"
PREVIEW_TAGS = "Étiquettes : {tags}"
PREVIEW_NO_TAGS = "Étiquettes : aucune"
PREVIEW_EXPIRY = "Relayé jusqu'au : {date}"
PREVIEW_WHERE = "Il ira :"
PREVIEW_DIRECT = "- tout de suite dans : {groups}"
PREVIEW_VALIDATION = "- après accord de leurs organisatrices et organisateurs : {groups}"
PREVIEW_PEERS = "- aux autres Relais reliés ({count} salon(s) de coordination), qui choisissent"
PREVIEW_MASTODON = "- sur Mastodon (une seule fois)"
PREVIEW_QUESTION = "On l'envoie ? Répondez **oui** pour l'envoyer, ou **non** pour annuler."
CONFIRM_HELP = "Répondez **oui** pour envoyer l'appel, ou **non** pour annuler."
NOWHERE = (
    "Aucun groupe ne reçoit un appel avec ces étiquettes ({tags}), et ce Relais n'est relié "
    "à aucun autre. Les étiquettes que des groupes reçoivent : {received}. Par exemple : "
    "{p}appel --tags {example} TEXTE"
)
NOWHERE_AT_ALL = (
    "Aucun autre groupe ne reçoit d'appels ({tags}), et ce Relais n'est relié à aucun autre : "
    "un appel n'irait nulle part. Les organisatrices et organisateurs peuvent donner des "
    "étiquettes aux groupes (groups[].tags dans la configuration)."
)
NO_TAG = "aucune étiquette"
CHOOSE_GROUP = "Cet appel vient de quel groupe ? Répondez par un numéro :"
CHOOSE_GROUP_HELP = "Répondez par le numéro du groupe dans la liste, ou {p}annuler pour arrêter."
DUPLICATE = (
    "Cet appel a déjà été lancé ou reçu (n° {id}, le {date}). Je ne l'envoie pas deux fois. "
    "Pour le suivre : {p}appel statut {id}"
)
CANCELLED = "D'accord, je n'envoie rien."
LAUNCHED = (
    "C'est parti : appel **n° {id}**. Pour suivre : {p}appel statut {id} ; pour le retirer "
    "partout : {p}appel retirer {id}"
)

# --- the relayed copy --------------------------------------------------------------------
PROVENANCE = "Appel de {group} ({instance}), relayé par Relais."
PROVENANCE_NO_GROUP = "Appel de {instance}, relayé par Relais."
ORIGINAL = "Original : {link}"

# --- approval ------------------------------------------------------------------------------
REQUEST_HEAD = "**Appel reçu pour le groupe {group}** (n° {id})"
REQUEST_FROM = "De {origin} :"
REQUEST_EXPIRY = "À relayer jusqu'au {date}."
REQUEST_ACTIONS = (
    "Pour le publier dans les salons du groupe : {p}appel accepter {id}{suffix}\n"
    "Pour ne pas le publier : {p}appel refuser {id}{suffix}"
)
ACCEPTED = "C'est publié dans les salons du groupe {group}. Pour suivre : {p}appel statut {id}"
REFUSED = "D'accord : l'appel n° {id} ne sera pas publié dans le groupe {group}."
NOT_WAITING = "L'appel n° {id} n'attend pas d'accord pour le groupe {group} (il est : {state})."
NOTHING_WAITING = "L'appel n° {id} n'attend l'accord d'aucun groupe."
WHICH_GROUP = (
    "L'appel n° {id} attend l'accord de plusieurs groupes : {groups}. Précisez, par exemple : "
    "{p}appel {verb} {id} {first}"
)
NOT_YOUR_GROUP = (
    "Pour décider pour le groupe {group}, écrivez cette commande dans son salon des "
    "organisatrices et organisateurs."
)
EXPIRED = "L'appel n° {id} a expiré le {date} : il n'est plus relayé."
ALREADY_RETRACTED = "L'appel n° {id} a été retiré : il n'est plus relayé."

# --- follow-up -----------------------------------------------------------------------------
NEED_ID = "Donnez le numéro de l'appel, par exemple : {p}appel statut 12 (la liste : {p}appels)"
NOT_FOUND = "Je ne trouve pas d'appel numéro {id}. Tapez {p}appels pour la liste."
STATUS_HEAD_SENT = "**Appel n° {id}**, lancé le {date} par le groupe {group}"
STATUS_HEAD_RECEIVED = "**Appel n° {id}**, reçu le {date}, de {origin}"
STATUS_RETRACTED = "Retiré le {date}."
STATUS_EXPIRY = "Relayé jusqu'au {date}."
STATUS_NOTHING = "- aucun groupe de ce Relais ne le reçoit"
STATE_SENT = "envoyé"
STATE_QUEUED = "en file d'attente"
STATE_RETRYING = "en cours ({reason})"
STATE_FAILED = "échec ({reason})"
STATE_UNKNOWN = "envoyé (détail effacé)"
STATE_RETRACTED = "retiré"
STATE_WAITING = "en attente de validation"
STATE_REFUSED = "refusé par ses organisatrices et organisateurs"
STATE_WITHDRAWN = "retiré avant toute décision"
DECISION_DIRECT = "publié sans attendre d'accord"
DECISION_ACCEPTED = "déjà accepté"
DECISION_REFUSED = "déjà refusé"
ROOMS_COUNT = "{state} dans {count} salon(s)"
LABEL_MASTODON = "Mastodon"
LABEL_PEERS = "autres Relais"

RETRACT_DONE_SENT = (
    "L'appel n° {id} est retiré : je supprime ses {count} copie(s). Suivre : {p}appel statut {id}"
)
RETRACT_PEERS_TOLD = "Les autres Relais reliés sont prévenus et retirent leurs copies."
RETRACT_DONE_RECEIVED = (
    "L'appel n° {id} est retiré des salons de ce Relais ({count} copie(s) supprimée(s)). "
    "Il n'a pas été lancé ici : pour le retirer ailleurs, il faut demander au groupe {origin}."
)
RETRACT_REASON = "Appel retiré"

LIST_HEAD = "**Derniers appels** (les {days} derniers jours)"
LIST_EMPTY = "Aucun appel lancé ni reçu ces {days} derniers jours."
LIST_SENT = "lancé"
LIST_RECEIVED = "reçu de {origin}"
LIST_RETRACTED = "retiré"
LIST_FOOTER = "Détail : {p}appel statut N"

# --- between instances (human-readable fallback of the structured event) -------------------
EVENT_BODY = "Appel de {origin} : {text}"
EVENT_BODY_RETRACT = "Appel {uid} de {origin} retiré."

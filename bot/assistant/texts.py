"""What the set-up assistant says (French, plain, one question at a time)."""

from __future__ import annotations

# The flags that answer each question without asking (`relais init --help`).
FLAGS = {
    "homeserver": "--serveur",
    "user": "--compte",
    "group": "--groupe",
    "rooms": "--salons",
    "organisers_room": "--salon-orga",
    "organisers": "--organisateurs",
    "timezone": "--fuseau",
    "use_mastodon": "--mastodon",
    "mastodon_url": "--mastodon",
    "mastodon_code": "--code-mastodon",
    "mastodon_organisers": "--organisateurs-mastodon",
}

WELCOME = (
    "Bonjour ! Je vais préparer la configuration de votre Relais, une question à la fois.\n"
    "Il faut un compte Matrix pour le robot (sur votre serveur ou un serveur public),\n"
    "et, si vous voulez, un compte Mastodon. Rien n'est écrit avant la fin.\n"
    "Pour arrêter à tout moment : Ctrl+C."
)
PROMPT = "> "
PROMPT_DEFAULT = "[{default}] > "
EXAMPLE = "Exemple : {example}"
YES, NO = "oui", "non"
YES_OR_NO = "Répondez oui ou non."
NEED_ANSWER = "Il faut une réponse."
INTERRUPTED = "Assistant arrêté : rien n'a été écrit."
TOO_MANY_TRIES = "Assistant arrêté après plusieurs réponses non comprises : rien n'a été écrit."
MISSING_FLAG = (
    "Il manque une réponse : {question}\nDonnez-la avec {flag} (voir relais init --help). "
    "Rien n'a été écrit."
)
BAD_FLAG = "Réponse refusée pour {flag} : {problem} Rien n'a été écrit."
ALREADY_THERE = (
    "{path} existe déjà : je n'écrase jamais un fichier. Choisissez un autre dossier "
    "(relais init --dossier AUTRE) ou déplacez ce fichier."
)

# -- Matrix ---------------------------------------------------------------------------------
ASK_HOMESERVER = "Quelle est l'adresse du serveur Matrix du compte du robot ?"
EXAMPLE_HOMESERVER = "matrix.exemple.org (ou https://matrix.exemple.org)"
ASK_USER = "Quel est l'identifiant du compte du robot ?"
EXAMPLE_USER = "@relais:exemple.org (ou seulement relais)"
ASK_PASSWORD = "Son mot de passe (il ne s'affiche pas quand vous tapez) :"
PASSWORD_FROM_ENV = "Mot de passe lu dans RELAIS_MATRIX_PASSWORD."
MISSING_PASSWORD = (
    "Sans questions, le mot de passe vient de la variable RELAIS_MATRIX_PASSWORD, "
    "qui est vide. Rien n'a été écrit."
)
CHECKING_LOGIN = "Je vérifie en me connectant…"
LOGIN_OK = "Connexion réussie : le robot est {user_id}."
MATRIX_UNREACHABLE = (
    "Le serveur {url} ne répond pas. Vérifiez l'adresse et votre connexion internet."
)
MATRIX_NOT_A_SERVER = (
    "{url} ne semble pas être un serveur Matrix. L'adresse est souvent celle de votre "
    "application Element sans « app. » ou avec « matrix. » devant."
)
MATRIX_REFUSED = "Le serveur refuse cet identifiant ou ce mot de passe. Vérifiez les deux."
MATRIX_DEACTIVATED = "Ce compte a été désactivé sur son serveur : il faut un autre compte."
MATRIX_TOO_MANY = "Le serveur demande d'attendre (trop d'essais). Réessayez dans une minute."
MATRIX_OTHER = "Le serveur Matrix a refusé ({code}). Réessayez, ou demandez à son équipe."
MATRIX_LIST_FAILED = "Je n'arrive pas à lire la liste des salons du compte. Réessayez."
MATRIX_JOIN_FORBIDDEN = (
    "Le robot ne peut pas entrer dans {room} : invitez-le d'abord depuis Element "
    "(Inviter, puis son identifiant), puis répondez à nouveau."
)
MATRIX_JOIN_UNKNOWN = "Le salon {room} est introuvable. Vérifiez son adresse."
ASK_AGAIN_LOGIN = "Recommençons ces questions."

# -- the group ------------------------------------------------------------------------------
ASK_GROUP = "Quel est le nom de votre groupe ou collectif ?"
EXAMPLE_GROUP = "Collectif du Mans (il devient le-mans dans la configuration)"
GROUP_NAME_IS = "Nom court du groupe : {name}"
BAD_GROUP = "Écrivez un nom avec au moins une lettre ou un chiffre."
ROOMS_LIST = "Salons du compte du robot :"
ROOM_LINE = "  {number}. {name}"
ROOM_INVITED = " (invitation en attente : je l'accepterai)"
NO_ROOMS = (
    "Le compte du robot n'est dans aucun salon. Invitez-le depuis Element, "
    "ou donnez l'adresse d'un salon qu'il peut rejoindre."
)
ASK_ROOMS = (
    "Dans quels salons le robot sert-il ce groupe ? Donnez des numéros de la liste, "
    "ou des adresses de salons, séparés par des virgules."
)
EXAMPLE_ROOMS = "1, 3   ou   #collectif:exemple.org"
BAD_ROOM = "« {answer} » n'est ni un numéro de la liste ni une adresse de salon (#nom:serveur)."
NEED_ONE_ROOM = "Il faut au moins un salon."
ASK_ORGANISERS_ROOM = (
    "Quel salon est celui des organisatrices et organisateurs (avertissements, "
    "validations) ? Un numéro, une adresse, ou « aucun »."
)
NONE_WORDS = ("aucun", "aucune", "non", "rien", "-")
JOINED = "Le robot est entré dans « {name} »."
ASK_ORGANISERS = (
    "Qui organise ? Leurs identifiants Matrix, séparés par des virgules. "
    "Ces personnes pourront utiliser les commandes réservées (agenda, appels)."
)
EXAMPLE_ORGANISERS = "@camille:exemple.org, @sam:exemple.org"
BAD_MATRIX_ID = (
    "« {answer} » n'est pas un identifiant Matrix complet (exemple : @camille:exemple.org)."
)
NEED_ONE_ORGANISER = "Il faut au moins une personne."
ASK_TIMEZONE = "Quel fuseau horaire pour l'agenda et les rappels ?"
EXAMPLE_TIMEZONE = "Europe/Paris, America/Cayenne, Indian/Reunion"
BAD_TIMEZONE = "Je ne connais pas le fuseau « {answer} ». Exemple : Europe/Paris."

# -- Mastodon -------------------------------------------------------------------------------
ASK_USE_MASTODON = "Le robot a-t-il aussi un compte Mastodon (pour les annonces) ?"
ASK_MASTODON_URL = "Quelle est l'adresse de son instance Mastodon ?"
EXAMPLE_MASTODON_URL = "mastodon.exemple (ou https://mastodon.exemple)"
REGISTERING = "J'enregistre Relais comme application sur {url}…"
OPEN_LINK = (
    "Ouvrez ce lien dans un navigateur où vous êtes connecté avec le compte du robot, "
    "acceptez, puis copiez le code affiché :\n{link}"
)
ASK_MASTODON_CODE = "Collez ici le code affiché par Mastodon :"
MASTODON_NO_APP = (
    "Je n'arrive pas à enregistrer Relais sur {url}. Vérifiez l'adresse de l'instance."
)
MASTODON_BAD_CODE = "Mastodon refuse ce code. Recopiez-le en entier, sans espace."
MASTODON_OK = "Mastodon : le robot publiera en tant que @{acct}."
MASTODON_TOKEN_FROM_ENV = "Jeton Mastodon lu dans RELAIS_MASTODON_ACCESS_TOKEN."
ASK_MASTODON_ORGANISERS = (
    "Comptes Mastodon des organisatrices et organisateurs, séparés par des virgules "
    "(ou « aucun ») :"
)
EXAMPLE_MASTODON_ORGANISERS = "camille@mastodon.exemple, sam"
BAD_ACCT = "« {answer} » n'est pas un compte Mastodon (exemple : camille@mastodon.exemple)."

# -- the end ---------------------------------------------------------------------------------
WROTE = "C'est écrit :\n  {config}\n  {secrets} (secrets, lisible par vous seul)"
CHECK_OK = "Vérification : {summary}"
CHECK_FAILED = (
    "Vérification : la configuration a un problème, corrigez-le puis relancez relais check-config :"
)
NEXT = "Prochaine étape, démarrer le robot :\n  relais run --config {config}"

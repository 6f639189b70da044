"""What !aide and !ping say."""

AIDE_SUMMARY = "la liste des commandes, ou le détail d'une commande"
PING_SUMMARY = "vérifier que je réponds"
PONG = "Pong ! Je suis là et je fonctionne."
HELP_TITLE = "Voici ce que je sais faire :"
HELP_DETAILS = (
    "Pour le détail d'une commande : {prefix}aide <commande> (exemple : {prefix}aide droit)"
)
HELP_MORE_FOR_ORGANISERS = "D'autres commandes sont réservées aux organisatrices et organisateurs."
HELP_UNKNOWN = "Je ne connais pas la commande « {prefix}{word} ». Tapez {prefix}aide pour la liste."
HELP_USAGE = "Utilisation : {usage}"
HELP_SUBCOMMANDS = "Variantes :"
HELP_EXAMPLES = "Exemples :"
HELP_ALIASES = "Autres noms : "
HELP_RESERVED = "Cette commande est réservée aux organisatrices et organisateurs."

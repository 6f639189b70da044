"""What the console itself prints (not the bot's replies)."""

WELCOME = (
    "Relais, en mode console (sans serveur). Tapez !aide pour commencer.\n"
    "Commandes de la console : /dm, /salon NOM, /qui NOM [organisateur], /quitter"
)
CONTROLS = (
    "Commandes de la console :\n"
    "  /dm                     parler au robot en privé\n"
    "  /salon NOM              parler dans un salon (exemple : /salon general)\n"
    "  /qui NOM [organisateur] changer de personne (et de rôle)\n"
    "  /quitter                sortir"
)
NOW_DM = "(vous parlez maintenant en privé avec le robot)"
NOW_ROOM = "(vous êtes maintenant dans le salon #{room})"
NOW_USER = "(vous êtes maintenant {user}, {role})"
ROOM_NAME_NEEDED = "Donnez un nom de salon sans espace, par exemple : /salon general"
NAME_NEEDED = "Donnez un nom sans espace, par exemple : /qui camille organisateur"
ELSEWHERE = "[dans {where}] "
ANNOUNCEMENT = "[annonce] "
RETRACTED = "[un message précédent a été retiré : {reason}]"

"""What `relais demo` prints."""

STARTING = "Démarrage d'un serveur Matrix local (Synapse) et du robot Relais…"
READY = """
Relais tourne sur votre serveur Matrix local.

Pour lui parler, ouvrez Element (ou une autre application Matrix) sur cette machine :
  - adresse du serveur (homeserver) : {url}
  - identifiant : {user}
  - mot de passe : {password}

Vous trouverez le salon « Relais — démo » où le robot {bot} vous attend.
Tapez d'abord : !aide
Vous pouvez aussi lui écrire en message privé (invitez {bot}).
L'agenda public (page web et fichier ICS) : {agenda}

Données de la démo : {base} (supprimez ce dossier pour repartir de zéro).
Ctrl-C pour tout arrêter. Sans serveur du tout : .venv/bin/relais console
"""
STOPPING = "Arrêt du robot et du serveur Matrix local…"

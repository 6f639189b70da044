"""What `relais demo` prints."""

STARTING = "Démarrage d'un serveur Matrix local (Synapse) et du robot Relais…"
READY = """
Relais tourne sur votre serveur Matrix local.

Pour lui parler, ouvrez Element (ou une autre application Matrix) sur cette machine :
  - adresse du serveur (homeserver) : {url}
  - identifiant : {user}
  - mot de passe : {password}

Vous êtes dans deux salons : « {room} » (votre groupe, vous y organisez) et
« {neighbours} » (un groupe voisin). Le robot {bot} y répond.

Cinq choses à essayer dans « {room} » :
  1. !droit caf            vos droits face à la CAF, avec les sources
  2. !agenda               les prochains rendez-vous du groupe
  3. !temoigner            raconter ce qui vous est arrivé : le robot vous écrit en privé
  4. !appel --tags santé Rassemblement samedi 11h devant la CPAM
                           puis « oui » : l'appel arrive dans « {neighbours} »
  5. !aide                 tout ce que le robot sait faire

Lire les témoignages reçus (avec la clé privée de la démo) :
  .venv/bin/relais temoignages export --cle {key} --data-dir {data} --format md
L'agenda public (page web et fichier ICS) : {agenda}

Données de la démo : {base} (supprimez ce dossier pour repartir de zéro).
Ctrl-C pour tout arrêter. Sans serveur du tout : .venv/bin/relais console
"""
STOPPING = "Arrêt du robot et du serveur Matrix local…"

"""What the Mastodon transport says to organisers, in plain French, in one place."""

from __future__ import annotations

REFUSED_ANNOUNCEMENT = (
    "Mastodon a refusé une annonce{group}. Raison donnée par le serveur : « {reason} ». "
    "Elle ne sera pas republiée toute seule. Début du texte : « {excerpt} ». "
    "Corrigez le texte, puis publiez-la de nouveau."
)
REFUSED_ANSWER = (
    "Mastodon a refusé une réponse de Relais à une personne. Raison donnée par le serveur : "
    "« {reason} ». Elle ne sera pas renvoyée. Si la personne attend une réponse, "
    "écrivez-lui directement."
)
TOKEN_REFUSED = (
    "Mastodon refuse le jeton d'accès de Relais (erreur {status}, raison donnée par le "
    "serveur : « {reason} ») : plus rien ne part sur Mastodon. Créez un nouveau jeton "
    "(droits lecture et écriture), mettez-le dans "
    "mastodon.access_token ou RELAIS_MASTODON_ACCESS_TOKEN, puis redémarrez Relais."
)
OF_GROUP = " du groupe {group}"

"""The configuration the assistant writes: commented, only what was chosen, no secret."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

CONFIG_NAME = "config.yaml"
SECRETS_NAME = "secrets.env"
DATA_DIR = "data"


@dataclass(frozen=True)
class ChosenRoom:
    room_id: str
    name: str


@dataclass
class Answers:
    homeserver: str = ""
    user_id: str = ""
    password: str = ""
    group: str = ""
    rooms: list[ChosenRoom] = field(default_factory=list)
    organisers_room: ChosenRoom | None = None
    organisers: list[str] = field(default_factory=list)
    timezone: str = "Europe/Paris"
    mastodon_url: str | None = None
    mastodon_token: str | None = None
    mastodon_organisers: list[str] = field(default_factory=list)

    def secrets(self) -> dict[str, str]:
        values = {"RELAIS_MATRIX_PASSWORD": self.password}
        if self.mastodon_token:
            values["RELAIS_MASTODON_ACCESS_TOKEN"] = self.mastodon_token
        return values


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _room_line(indent: str, room: ChosenRoom) -> str:
    comment = f"  # {room.name}" if room.name and room.name != room.room_id else ""
    return f"{indent}{_q(room.room_id)}{comment}"


def render(answers: Answers, written_on: str) -> str:
    lines = [
        f"# Configuration de Relais, écrite par « relais init » le {written_on}.",
        f"# Vérifiez-la après chaque changement : relais check-config {CONFIG_NAME}",
        f"# Les secrets (mot de passe, jeton) sont dans {SECRETS_NAME}, lisible par vous seul.",
        "# Toutes les clés possibles, expliquées : config.example.yaml dans le dépôt de Relais.",
        "",
        "relais:",
        "  # Base de données, session Matrix, clés : sauvegardez ce dossier (relais backup).",
        f"  data_dir: {DATA_DIR}",
        "  # Fuseau horaire de l'agenda et des rappels.",
        f"  timezone: {_q(answers.timezone)}",
        "  # Fichier des secrets (NOM=valeur). Les variables d'environnement passent avant.",
        f"  secrets_file: {SECRETS_NAME}",
        "",
        "# Qui peut utiliser les commandes réservées (agenda, appels, lettre).",
        "organisers:",
        "  matrix:",
        *[f"    - {_q(person)}" for person in answers.organisers],
    ]
    if answers.mastodon_organisers:
        lines += ["  mastodon:", *[f"    - {_q(acct)}" for acct in answers.mastodon_organisers]]
    lines += [
        "",
        "groups:",
        f"  - name: {_q(answers.group)}",
        "    # Les salons du groupe : le robot y répond et y publie les rappels.",
        "    rooms:",
        *[_room_line("      - ", room) for room in answers.rooms],
    ]
    if answers.organisers_room is not None:
        lines += [
            "    # Salon des organisatrices et organisateurs : avertissements, validations.",
            _room_line("    organisers_room: ", answers.organisers_room),
        ]
    lines += [
        "",
        "matrix:",
        f"  homeserver: {_q(answers.homeserver)}",
        f"  user_id: {_q(answers.user_id)}",
        "  # Le mot de passe est dans le fichier des secrets (RELAIS_MATRIX_PASSWORD).",
    ]
    if answers.mastodon_url:
        lines += [
            "",
            "mastodon:",
            f"  api_base_url: {_q(answers.mastodon_url)}",
            "  # Le jeton est dans le fichier des secrets (RELAIS_MASTODON_ACCESS_TOKEN).",
            "  # Visibilité des annonces : public ou unlisted (non listé).",
            "  announcement_visibility: unlisted",
        ]
    return "\n".join(lines) + "\n"

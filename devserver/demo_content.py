"""What the demo shows: a testimony key of its own, two groups a call travels between,
and a few coming events, so that every feature answers from the first minute."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nacl.public

ZONE = "Europe/Paris"
KEY_FILE = "cle-temoignages-demo.txt"
MAIN_GROUP, MAIN_ROOM_NAME = "demo", "Relais — démo"
NEIGHBOUR_GROUP, NEIGHBOUR_ROOM_NAME = "voisins", "Collectif voisin — démo"
# The call in the tour carries "santé": only the neighbours' group receives it.
MAIN_TAGS, NEIGHBOUR_TAGS = ["le mans"], ["santé", "72"]
LOOKAHEAD = timedelta(days=30)


def testimony_public_key(base: Path) -> str:
    """The demo's own key pair: the private half stays in the demo folder (0600)."""
    path = base / KEY_FILE
    if not path.exists():
        private = nacl.public.PrivateKey.generate()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write("# Clé privée de la démo seulement : elle lit les témoignages de la démo.\n")
            file.write(base64.b64encode(bytes(private)).decode("ascii") + "\n")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    (body,) = [line for line in lines if line and not line.startswith("#")]
    private = nacl.public.PrivateKey(base64.b64decode(body))
    return base64.b64encode(bytes(private.public_key)).decode("ascii")


@dataclass(frozen=True)
class DemoEvent:
    days_ahead: int
    at: time
    kind: str
    title: str
    place: str
    hours: float = 2.0


EVENTS = (
    DemoEvent(2, time(18, 30), "reunion", "Réunion du collectif", "Maison des associations"),
    DemoEvent(5, time(11, 0), "rassemblement", "Rassemblement devant la CAF", "Place de la CAF"),
    DemoEvent(9, time(14, 0), "atelier", "Atelier : faire valoir ses droits", "Local, 2 rue Haute"),
)


def event_times(event: DemoEvent, now: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(ZONE)
    day = now.astimezone(zone).date() + timedelta(days=event.days_ahead)
    start = datetime.combine(day, event.at, tzinfo=zone)
    return start, start + timedelta(hours=event.hours)


def config(
    base: Path,
    synapse_url: str,
    *,
    bot_id: str,
    password: str,
    demo_id: str,
    rooms: dict[str, str],
) -> dict[str, Any]:
    return {
        "relais": {"data_dir": str(base / "data"), "timezone": ZONE},
        "organisers": {"matrix": [demo_id]},
        "groups": [
            {"name": MAIN_GROUP, "rooms": [rooms[MAIN_GROUP]], "tags": MAIN_TAGS},
            {"name": NEIGHBOUR_GROUP, "rooms": [rooms[NEIGHBOUR_GROUP]], "tags": NEIGHBOUR_TAGS},
        ],
        "matrix": {"homeserver": synapse_url, "user_id": bot_id, "password": password},
        "testimonies": {"public_keys": [testimony_public_key(base)]},
        "calls": {"instance": "Relais démo"},
    }

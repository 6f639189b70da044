"""`relais agenda parse|import|export` as organisers and scripts call them: subprocesses."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import icalendar
import yaml
from aiohttp import web

from tests.kit.cli import run_relais

ROOT = Path(__file__).resolve().parents[3]
FEEDS = Path(__file__).parent / "feeds"


def relais(*args: str) -> subprocess.CompletedProcess[str]:
    return run_relais("agenda", *args)


def parse_json(text: str, now: str = "2026-05-20T10:00") -> tuple[int, dict[str, object]]:
    result = relais("parse", "--json", "--maintenant", now, text)
    return result.returncode, json.loads(result.stdout)


def test_parse_contract_timed_all_day_recurring_and_error() -> None:
    assert parse_json("samedi 15h") == (
        0,
        {"start": "2026-05-23T15:00:00+02:00", "end": None, "all_day": False},
    )
    assert parse_json("du 3 au 7 août") == (
        0,
        {"start": "2026-08-03", "end": "2026-08-07", "all_day": True},
    )
    code, payload = parse_json("tous les mercredis de 14h à 21h")
    assert code == 0
    assert payload["end"] == "2026-05-20T21:00:00+02:00"
    assert payload["rrule"] == "FREQ=WEEKLY;BYDAY=WE"
    code, payload = parse_json("samedi 4 juin 15h")
    assert code == 1
    assert payload == {"error": "Le 4 juin 2026 est un jeudi, pas un samedi. Vérifiez la date."}


def test_parse_on_a_daylight_saving_day_with_an_offset_in_now() -> None:
    code, payload = parse_json("demain 3h", now="2026-03-28T12:00:00+01:00")
    assert code == 0
    assert payload["start"] == "2026-03-29T03:00:00+02:00"
    code, payload = parse_json("demain 2h30", now="2026-03-28T12:00:00+01:00")
    assert code == 1 and "n'existe pas" in str(payload["error"])


def test_parse_without_json_speaks_french_and_bad_now_is_explained() -> None:
    result = relais(
        "parse", "--maintenant", "2026-05-20T10:00", "samedi", "30", "mai", "de", "10h", "à", "18h"
    )
    assert result.returncode == 0
    assert result.stdout.strip() == "samedi 30 mai 2026, de 10:00 à 18:00"
    result = relais("parse", "--json", "--maintenant", "hier", "samedi 15h")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"].startswith("--maintenant")
    result = relais("parse", "rien du tout")
    assert result.returncode == 1
    assert "Je n'ai pas trouvé de date" in result.stderr


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "relais": {"data_dir": str(tmp_path / "data")},
                "groups": [
                    {"name": "le-mans", "rooms": ["console:salon:general"]},
                    {"name": "allonnes", "rooms": ["console:salon:allonnes"]},
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def future_copy(name: str, tmp_path: Path) -> Path:
    """The sample feeds are dated 2026; the CLI uses the real clock: move them to 2036."""
    path = tmp_path / name
    path.write_bytes((FEEDS / name).read_bytes().replace(b"2026", b"2036"))
    return path


def test_import_file_then_export(tmp_path: Path) -> None:
    config = str(write_config(tmp_path))
    feed = str(future_copy("gancio.ics", tmp_path))
    result = relais("import", feed, "--groupe", "le-mans", "--config", config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Import terminé (le-mans) : 2 ajouté(s), 0 mis à jour, 0 annulé(s), "
        "0 inchangé(s), 0 ignoré(s)."
    )
    again = relais("import", feed, "--groupe", "le-mans", "--config", config)
    assert "0 ajouté(s), 0 mis à jour, 0 annulé(s), 2 inchangé(s)" in again.stdout
    exported = relais("export", "--groupe", "le-mans", "--config", config)
    assert exported.returncode == 0
    calendar = icalendar.Calendar.from_ical(exported.stdout)
    uids = sorted({str(e.get("UID")) for e in calendar.walk("VEVENT")})
    assert uids == ["gancio-event-42@gancio.example", "gancio-recurrent-7@gancio.example"]
    other = relais("export", "--groupe", "allonnes", "--config", config)
    assert icalendar.Calendar.from_ical(other.stdout).walk("VEVENT") == []


def test_import_errors_are_in_french(tmp_path: Path) -> None:
    config = str(write_config(tmp_path))
    result = relais("import", str(FEEDS / "gancio.ics"), "--config", config)
    assert result.returncode == 1
    assert "Il y a plusieurs groupes : précisez --groupe parmi le-mans, allonnes." in result.stderr
    result = relais("import", "absent.ics", "--groupe", "le-mans", "--config", config)
    assert result.returncode == 1
    assert "fichier introuvable : absent.ics" in result.stderr
    not_ics = tmp_path / "page.ics"
    not_ics.write_text("<html></html>", encoding="utf-8")
    result = relais("import", str(not_ics), "--groupe", "le-mans", "--config", config)
    assert result.returncode == 1
    assert "ce n'est pas un agenda ICS lisible" in result.stderr
    result = relais("export", "--groupe", "paris", "--config", config)
    assert result.returncode == 1
    assert "Groupe inconnu : « paris »" in result.stderr


async def test_import_from_a_url(tmp_path: Path) -> None:
    body = future_copy("mobilizon.ics", tmp_path).read_bytes()

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/calendar")

    app = web.Application()
    app.router.add_get("/feed.ics", feed)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        config = str(write_config(tmp_path))
        url = f"http://127.0.0.1:{port}/feed.ics"
        result = await asyncio.to_thread(
            relais, "import", url, "--groupe", "allonnes", "--config", config
        )
        assert result.returncode == 0, result.stderr
        assert "2 ajouté(s)" in result.stdout
        missing = await asyncio.to_thread(
            relais,
            "import",
            url.replace("feed", "rien"),
            "--groupe",
            "allonnes",
            "--config",
            config,
        )
        assert missing.returncode == 1
        assert "l'adresse ne répond pas correctement (HTTP 404)" in missing.stderr
    finally:
        await runner.cleanup()

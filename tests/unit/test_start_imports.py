"""What the bot loads at start: libraries only some paths need load when first used.

Run in a fresh interpreter: the test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import asyncio, json, sys, tempfile
from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from commands import all_features

async def main():
    with tempfile.TemporaryDirectory() as data:
        features = all_features()
        config = parse_config(
            {"relais": {"data_dir": data}}, sections=feature_sections(features), environ={}
        )
        async with App(config, features):
            print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""


def test_the_bot_starts_without_what_only_some_actions_need() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {"bot.app", "commands.temoignage.flow", "commands.agenda.repo"} <= loaded
    # icalendar: writing an event's ICS block, reading feeds (none configured here),
    # serving the agenda over HTTP (off here).
    assert "icalendar" not in loaded
    # The testimony scrubber: the first preview of a testimony.
    assert "commands.temoignage.scrub" not in loaded
    # The web server (no feature serves pages here) and the letter's feed writer.
    assert "aiohttp.web" not in loaded
    assert "feedgen" not in loaded

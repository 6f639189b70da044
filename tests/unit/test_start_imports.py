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
    # Fuzzy matching of rights questions: the first misspelt word.
    assert "rapidfuzz" not in loaded


_MATRIX_CHILD = """
import json, sys
import bot.transports.matrix.transport
import nacl.public
from Crypto.Util import _raw_api
from nio.crypto.attachments import decrypt_attachment, encrypt_attachment

key = nacl.public.PrivateKey.generate()
sealed = nacl.public.SealedBox(key.public_key).encrypt(b"temoignage")
opened = nacl.public.SealedBox(key).decrypt(sealed)
data, keys = encrypt_attachment(b"piece jointe")
plain = decrypt_attachment(data, keys["key"]["k"], keys["hashes"]["sha256"], keys["iv"])
print(json.dumps({
    "backend": _raw_api.backend,
    "pycparser": "pycparser" in sys.modules,
    "nacl": opened.decode(),
    "attachment": plain.decode(),
}))
"""


def test_matrix_runs_pycryptodome_on_ctypes_and_pynacl_still_works() -> None:
    """See bot/transports/matrix/__init__.py: the cffi package is kept out of the bot."""
    out = subprocess.run(
        [sys.executable, "-c", _MATRIX_CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {
        "backend": "ctypes",
        "pycparser": False,
        "nacl": "temoignage",
        "attachment": "piece jointe",
    }

"""A real App with the testimony feature, a movable clock and recording transports."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nacl.public
import pytest

from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Role
from commands import all_features
from commands.temoignage import records
from commands.temoignage.crypto import encode_key
from commands.temoignage.export import open_all
from tests.helpers import message
from tests.kit.app import AppHarness
from tests.kit.clock import Clock

SENDER = "@bea:example.org"
DM = "!dm-bea:example.org"
ROOM = "!salon:example.org"
ORGA_ROOM = "!orga:example.org"
CODE_RE = re.compile(r"\*\*([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})\*\*")


class Harness(AppHarness):
    def __init__(self, data_dir: Path, clock: Clock, settings: dict[str, Any]) -> None:
        self.data_dir, self.settings = data_dir, settings
        super().__init__(self._config, all_features, clock, ("test", "matrix", "mastodon"))

    def _config(self) -> Config:
        return parse_config(
            {
                "relais": {"data_dir": str(self.data_dir)},
                "groups": [
                    {"name": "le-mans", "rooms": [ROOM], "organisers_room": ORGA_ROOM},
                ],
                "testimonies": self.settings,
            },
            sections=feature_sections(all_features()),
            environ={},
        )

    async def say(
        self,
        text: str,
        *,
        direct: bool = True,
        channel: str = DM,
        sender: str = SENDER,
        transport: str = "test",
        role: Role = Role.MEMBER,
    ) -> list[str]:
        """Send one message; return every text delivered because of it, on any transport."""
        said = message(
            text, sender=sender, channel=channel, direct=direct, transport=transport, role=role
        )
        return [item.text for item in await self.deliver(said)]

    async def say_all(self, *lines: str, **kwargs: Any) -> list[str]:
        out: list[str] = []
        for line in lines:
            out += await self.say(line, **kwargs)
        return out

    async def opened(self, key: nacl.public.PrivateKey) -> list[dict[str, Any]]:
        sealed = await records.all_sealed(self.running.services.store)
        return open_all(sealed, key).items

    async def count(self) -> int:
        row = await self.running.services.store.fetchone("SELECT COUNT(*) FROM temoignages")
        assert row is not None
        return int(row[0])

    def raw_files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.data_dir.glob("relais.sqlite3*")}


def find_code(texts: list[str]) -> str:
    for text in texts:
        match = CODE_RE.search(text)
        if match:
            return match.group(1)
    raise AssertionError("no receipt code in: " + repr(texts))


@pytest.fixture(scope="session")
def key_pair() -> tuple[nacl.public.PrivateKey, str]:
    private = nacl.public.PrivateKey.generate()
    return private, encode_key(bytes(private.public_key))


@pytest.fixture
def private_key(key_pair: tuple[nacl.public.PrivateKey, str]) -> nacl.public.PrivateKey:
    return key_pair[0]


@pytest.fixture
def settings(key_pair: tuple[nacl.public.PrivateKey, str]) -> dict[str, Any]:
    """Edit in a test before using `harness` to change the temoignages section."""
    return {"public_keys": [key_pair[1]], "readers": ["Camille", "Sam"]}


@pytest.fixture
async def harness(tmp_path: Path, settings: dict[str, Any]) -> AsyncIterator[Harness]:
    h = Harness(tmp_path / "data", Clock(), settings)
    await h.start()
    yield h
    if h.app is not None:
        await h.stop()

"""Relais on a server that differs from Mastodon the way Takahē does.

In front of the real Mastodon-API server (mastodon-mock), a proxy answers 404 on the
instance endpoints Mastodon.py asks for and, when told, refuses the token with 400.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.transports.mastodon.server import MastodonTuning
from tests.integration.mastodon.conftest import (
    DOMAIN,
    FAST,
    MockMastodon,
    StartRelais,
    TakaheLike,
)
from tests.integration.mastodon.test_mastodon_transport import People, plain

pytestmark = pytest.mark.integration

RESERVED_ANSWER = "Bonjour, organisatrice ou organisateur."


@pytest.mark.parametrize("written", ["{name}", "@{name}", "{name}@{domain}", "@{name}@{domain}"])
async def test_organisers_are_recognised_however_written_without_an_instance_endpoint(
    mastodon_server: MockMastodon, start_relais: StartRelais, takahe: TakaheLike, written: str
) -> None:
    alice = await asyncio.to_thread(mastodon_server.new_account, "alice")
    organiser = written.format(name=alice.username, domain=DOMAIN)
    async with start_relais(base_url=takahe.base_url, organisers=[organiser]) as relais:
        identity = await relais.transport.facts.identity()
        # Neither 127.0.0.1 (the API host) nor unknown: the domain of the bot's own account.
        assert identity.local_domain == DOMAIN
        people = People(mastodon_server, relais)
        _, bob = await people.account("bob")
        alice_client = mastodon_server.client(alice)
        from_alice = await people.answer(await people.say(alice_client, "!reserve"))
        from_bob = await people.answer(await people.say(bob, "!reserve"))
    assert RESERVED_ANSWER in plain(from_alice)
    assert RESERVED_ANSWER not in plain(from_bob)
    assert "réservée aux organisatrices et organisateurs" in plain(from_bob)


async def test_a_token_refused_with_400_is_reported_as_a_refused_token_with_the_reason(
    start_relais: StartRelais, takahe: TakaheLike, caplog: pytest.LogCaptureFixture
) -> None:
    takahe.refuse_token = True
    tuning = MastodonTuning(**{**FAST.__dict__, "unauthorized_retry_seconds": 0.2})
    with caplog.at_level(logging.ERROR, logger="bot"):
        async with start_relais(base_url=takahe.base_url, tuning=tuning, ready=False) as relais:
            for _ in range(100):
                if any("refused the access token" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.1)
            assert not relais.transport.receiver.ready.is_set()
    refused = [
        r.getMessage() for r in caplog.records if "refused the access token" in r.getMessage()
    ]
    assert refused, [r.getMessage() for r in caplog.records]
    assert "HTTP 400" in refused[0] and TakaheLike.REASON in refused[0]

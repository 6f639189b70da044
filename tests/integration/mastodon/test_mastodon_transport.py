"""Relais on a real Mastodon-API server: mentions, DMs, conversations, announcements, faults.

A second account ("bob") drives Relais through Mastodon.py, the way a person would.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mastodon import Mastodon

from bot.message import Channel, Outgoing, ReplyKind
from bot.outbox import OutgoingDraft
from tests.integration.mastodon.conftest import (
    FAST,
    Account,
    CuttableProxy,
    ForgetfulServer,
    MockMastodon,
    Relais,
    StartRelais,
    wait_until,
)

pytestmark = pytest.mark.integration

ANNOUNCE = Channel("mastodon", "announce", group="le-mans")


# -- helpers ------------------------------------------------------------------------------------
def plain(status: Any) -> str:
    text = re.sub(r"<br\s*/?>", "\n", str(status["content"]))
    text = re.sub(r"</p><p>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class People:
    """Accounts that talk to Relais, and an observer reading what Relais posted."""

    def __init__(self, server: MockMastodon, relais: Relais) -> None:
        self.server = server
        self.relais = relais
        self.observer = server.client(relais.bot)

    async def account(self, prefix: str) -> tuple[Account, Mastodon]:
        account = await asyncio.to_thread(self.server.new_account, prefix)
        return account, self.server.client(account)

    async def say(self, client: Mastodon, text: str, visibility: str = "public") -> str:
        body = f"@{self.relais.bot.username} {text}"
        status = await asyncio.to_thread(client.status_post, body, visibility=visibility)
        return str(status["id"])

    async def posts(self) -> list[Any]:
        statuses = await asyncio.to_thread(
            self.observer.account_statuses, self.relais.bot.id, limit=40
        )
        return sorted(statuses, key=lambda s: (len(str(s["id"])), str(s["id"])))

    async def answers_to(self, status_id: str) -> list[Any]:
        return [s for s in await self.posts() if str(s["in_reply_to_id"]) == status_id]

    async def answer(self, status_id: str) -> Any:
        (found,) = await wait_until(lambda: self.answers_to(status_id))
        return found

    async def announce(self, text: str, key: str | None = None) -> str:
        key = key or f"annonce-{uuid.uuid4().hex[:8]}"
        await self.relais.app.services.outbox.enqueue(
            OutgoingDraft(ANNOUNCE, text, kind=ReplyKind.ANNOUNCEMENT, key=key)
        )
        return key

    async def delivered(self, *keys: str) -> bool:
        outbox = self.relais.app.services.outbox
        states = [await outbox.status(k) for k in keys]
        return all(s is not None and s["status"] != "pending" for s in states)


# -- mentions and direct messages -----------------------------------------------------------------
async def test_mention_is_answered_in_its_thread_mentioning_only_the_asker(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        bob_account, bob = await people.account("bob")
        carol, _ = await people.account("carol")
        assert relais.transport.mode == "streaming"
        before = relais.transport.api.requests_sent
        question = await people.say(bob, f"@{carol.username} !ping", visibility="public")
        answer = await people.answer(question)
        assert await relais.app.services.outbox.drain(5)
        requests_for_one_mention = relais.transport.api.requests_sent - before
    assert "Pong" in plain(answer)
    assert [m["acct"] for m in answer["mentions"]] == [bob_account.username]
    assert answer["visibility"] == "unlisted"  # never wider than asked; replies stay quiet
    assert answer["language"] == "fr"
    # Streaming: the mention costs no request to receive; one to answer.
    assert requests_for_one_mention == 1


async def test_direct_message_gets_a_direct_answer(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        bob_account, bob = await people.account("bob")
        question = await people.say(bob, "!aide", visibility="direct")
        answer = await people.answer(question)
    assert answer["visibility"] == "direct"
    assert [m["acct"] for m in answer["mentions"]] == [bob_account.username]
    assert "Voici ce que je sais faire" in plain(answer)
    assert "!ping" in plain(answer)


async def test_a_conversation_continues_over_direct_messages(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        _, bob = await people.account("bob")
        said = []
        for text in ("!recit", "Le guichet était fermé.", "On m'a renvoyée chez moi.", "!fin"):
            question = await people.say(bob, text, visibility="direct")
            answer = await people.answer(question)
            assert answer["visibility"] == "direct"
            said.append(plain(answer))
        # A command that needs privacy, asked in public, is refused with a hint.
        public = await people.answer(await people.say(bob, "!recit", visibility="public"))
    assert "Racontez" in said[0]
    assert "Noté (1)" in said[1]
    assert "Noté (2)" in said[2]
    assert "Merci : 2 message(s) reçu(s)." in said[3]
    assert "message privé" in plain(public)


# -- announcements ------------------------------------------------------------------------------
async def test_announcement_has_visibility_language_warning_and_hashtags(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    async with start_relais(visibility="public") as relais:
        people = People(mastodon_server, relais)
        key = await people.announce("**Rassemblement** samedi 14 h, place de la République.")
        await wait_until(lambda: people.delivered(key))
        (post,) = await people.posts()
    assert post["visibility"] == "public"
    assert post["language"] == "fr"
    assert post["spoiler_text"] == "Manif"
    assert plain(post) == (
        "Rassemblement samedi 14 h, place de la République.\n\n#LeMans #Solidarite"
    )
    assert sorted(t["name"] for t in post["tags"]) == ["lemans", "solidarite"]
    assert post["mentions"] == []


async def test_long_announcement_becomes_a_numbered_thread(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    text = "\n\n".join(
        f"Point {n}. " + "Nous appelons toutes les personnes concernées à venir. " * 4
        for n in range(1, 6)
    )
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        key = await people.announce(text)
        await wait_until(lambda: people.delivered(key))
        posts = await people.posts()
    total = len(posts)
    assert total >= 3
    for number, post in enumerate(posts, 1):
        assert plain(post).endswith(f"({number}/{total})")
        assert post["spoiler_text"] == "Manif"
    assert posts[0]["in_reply_to_id"] is None
    assert [str(p["in_reply_to_id"]) for p in posts[1:]] == [str(p["id"]) for p in posts[:-1]]
    assert "#LeMans" in plain(posts[0])
    words = re.findall(r"\w+", " ".join(re.sub(r"\(\d+/\d+\)|#\w+", "", plain(p)) for p in posts))
    assert words == re.findall(r"\w+", text)


# -- exactly once under faults ---------------------------------------------------------------------
async def test_429_and_500_storms_deliver_every_post_exactly_once(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    iso_reset = (datetime.now(UTC) + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    epoch_reset = str(int(time.time()) + 1)
    post = {"path": "/api/v1/statuses", "methods": ["POST"]}
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        texts = [f"Rappel numéro {n} : réunion mardi." for n in range(1, 6)]
        with (
            mastodon_server.fault(
                **post, effect="ratelimit", count=1, headers={"X-RateLimit-Reset": iso_reset}
            ),
            mastodon_server.fault(
                **post, effect="ratelimit", count=1, headers={"X-RateLimit-Reset": epoch_reset}
            ),
            mastodon_server.fault(**post, status=500, count=3),
            mastodon_server.fault(**post, status=503, count=1),
        ):
            keys = [await people.announce(t) for t in texts]
            await wait_until(lambda: people.delivered(*keys), within=30)
            assert await asyncio.to_thread(mastodon_server.remaining_faults) == []
        posts = [plain(p) for p in await people.posts()]
        states = [await relais.app.services.outbox.status(k) for k in keys]
    assert all(s is not None and s["status"] == "delivered" for s in states)
    for text in texts:
        assert sum(1 for p in posts if p.startswith(text)) == 1
    assert len(posts) == len(texts)


async def test_a_retry_after_a_lost_answer_does_not_post_twice(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    """The post left but the outbox never heard back (crash): the retry reuses the key."""
    long_text = " ".join(f"Phrase {n} du communiqué." for n in range(60))
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        results = []
        for key, text in (("communique-1", "Un seul message."), ("communique-2", long_text)):
            item = Outgoing(
                id=1,
                key=key,
                channel=ANNOUNCE,
                text=text,
                kind=ReplyKind.ANNOUNCEMENT,
                in_reply_to=None,
                reply_context={},
                attempts=0,
            )
            first = await relais.transport.deliver(item)
            again = await relais.transport.deliver(item)
            results.append(first == again)
        posts = await people.posts()
    assert results == [True, True]
    assert sum(1 for p in posts if plain(p).startswith("Un seul message.")) == 1
    assert sum(1 for p in posts if "(1/" in plain(p)) == 1
    assert len({plain(p) for p in posts}) == len(posts)


async def test_a_server_without_idempotency_that_lost_the_answer_gets_one_post(
    mastodon_server: MockMastodon, start_relais: StartRelais, forgetful: ForgetfulServer
) -> None:
    """As on Takahē: no Idempotency-Key, and the first answer is lost after the server
    saved the post. The outbox retries; Relais finds its post and does not post again."""
    forgetful.lose = 1
    async with start_relais(base_url=forgetful.base_url) as relais:
        people = People(mastodon_server, relais)
        key = await people.announce("Rassemblement samedi 15h devant la CAF.")
        await wait_until(lambda: people.delivered(key), within=30)
        state = await relais.app.services.outbox.status(key)
        posts = [plain(p) for p in await people.posts()]
    assert state is not None and state["status"] == "delivered"
    assert forgetful.posts_seen == 1  # the retry looked first, and did not post
    assert sum(1 for p in posts if p.startswith("Rassemblement samedi 15h")) == 1
    assert state["remote_id"]


async def test_refused_post_tells_the_organisers_and_is_not_retried(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    reason = "Validation failed: Text can't be blank"
    async with start_relais() as relais:
        people = People(mastodon_server, relais)
        with mastodon_server.fault(
            path="/api/v1/statuses", methods=["POST"], status=422, body={"error": reason}, count=1
        ):
            key = await people.announce("Appel à la grève jeudi.")
            await wait_until(lambda: people.delivered(key))
            assert await relais.app.services.outbox.drain(5)
        state = await relais.app.services.outbox.status(key)
        posts = await people.posts()
    assert state is not None
    assert (state["status"], state["attempts"]) == ("failed", 1)
    assert reason in state["last_error"]
    (notice,) = relais.organisers.sent
    assert notice.channel.id == "orga-le-mans"
    assert "Mastodon a refusé une annonce du groupe le-mans" in notice.text
    assert reason in notice.text
    assert posts == []


# -- receiving without (or despite) the stream ----------------------------------------------
async def test_stream_cut_mid_way_mentions_are_answered_once_after_catch_up(
    mastodon_server: MockMastodon, start_relais: StartRelais, proxy: CuttableProxy
) -> None:
    tuning = replace(FAST, failures_before_polling=1000, reconnect_max_seconds=0.3)
    async with start_relais(base_url=proxy.base_url, tuning=tuning) as relais:
        people = People(mastodon_server, relais)
        _, bob = await people.account("bob")
        stats = relais.transport.stats
        connects = stats.stream_connects
        with mastodon_server.fault(path_regex="^/api/v1/streaming/", status=503):
            assert proxy.cut_streams() == 1
            await wait_until(lambda: _true(stats.stream_failures >= 2))  # cut, then refused
            missed = [
                await people.say(bob, "!ping", visibility="public"),
                await people.say(bob, "!aide", visibility="direct"),
            ]
        answers = [await people.answer(q) for q in missed]
        assert stats.stream_connects == connects + 1
        assert relais.transport.mode == "streaming"
        # Another cut and catch-up, with nothing new: nobody is answered twice.
        assert proxy.cut_streams() == 1
        await wait_until(lambda: _true(stats.stream_connects == connects + 2))
        assert await relais.app.services.outbox.drain(5)
        again = [await people.answers_to(q) for q in missed]
    assert "Pong" in plain(answers[0])
    assert answers[1]["visibility"] == "direct"
    assert [len(a) for a in again] == [1, 1]


async def test_without_streaming_polling_answers_each_mention_once(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    with mastodon_server.fault(path_regex="^/api/v1/streaming/", status=404):
        async with start_relais(poll_interval=0.3) as relais:
            people = People(mastodon_server, relais)
            _, bob = await people.account("bob")
            assert relais.transport.mode == "polling"
            question = await people.say(bob, "!ping")
            answer = await people.answer(question)
            polls = relais.transport.stats.catch_ups
            await wait_until(lambda: _true(relais.transport.stats.catch_ups >= polls + 3))
            replies = await people.answers_to(question)
    assert "Pong" in plain(answer)
    assert len(replies) == 1


async def test_a_stream_that_keeps_failing_falls_back_to_polling(
    mastodon_server: MockMastodon, start_relais: StartRelais
) -> None:
    tuning = replace(FAST, failures_before_polling=2, reconnect_base_seconds=0.1)
    with mastodon_server.fault(path_regex="^/api/v1/streaming/", status=500):
        async with start_relais(poll_interval=0.3, tuning=tuning) as relais:
            people = People(mastodon_server, relais)
            _, bob = await people.account("bob")
            answer = await people.answer(await people.say(bob, "!ping", visibility="direct"))
            mode = relais.transport.mode
            failures = relais.transport.stats.stream_failures
    assert mode == "polling"
    assert failures >= 2
    assert answer["visibility"] == "direct"


async def _true(value: bool) -> bool:
    return value

"""Posting plans, thread resumption, and how faults reach the outbox and the organisers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.message import Channel, Outgoing, ReplyKind
from bot.outbox import Outbox, PermanentDeliveryError, TransientDeliveryError
from bot.store import Store
from bot.transports.mastodon.api import ApiError, ApiErrorKind
from bot.transports.mastodon.post import Poster
from bot.transports.mastodon.server import MastodonTuning, ServerFacts
from bot.transports.mastodon.shaping import weighted_length
from tests.unit.mastodon.fakes import FakeApi, config

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Config:
    return config(tmp_path)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def poster(api: FakeApi, store: Store, settings: Config) -> Poster:
    tuning = MastodonTuning()
    return Poster(
        api,  # type: ignore[arg-type]
        ServerFacts(api, tuning),  # type: ignore[arg-type]
        config=settings,
        store=store,
        outbox=Outbox(store, settings.outbox),
        tuning=tuning,
        now=lambda: NOW,
    )


def outgoing(
    text: str,
    *,
    channel: Channel,
    key: str = "re-mastodon-1-0",
    kind: ReplyKind = ReplyKind.ANSWER,
    context: dict[str, Any] | None = None,
) -> Outgoing:
    return Outgoing(
        id=7,
        key=key,
        channel=channel,
        text=text,
        kind=kind,
        in_reply_to="55",
        reply_context=context or {},
        attempts=0,
    )


def answer(text: str, visibility: str, acct: str = "bob") -> Outgoing:
    direct = visibility == "direct"
    channel = Channel("mastodon", f"{'dm' if direct else 'mention'}:{acct}@social.example", direct)
    return outgoing(
        text, channel=channel, context={"status_id": "55", "visibility": visibility, "acct": acct}
    )


ANNOUNCE = Channel("mastodon", "announce", group="le-mans")


@pytest.mark.parametrize(
    ("asked_in", "answered_in"),
    [
        ("public", "unlisted"),
        ("unlisted", "unlisted"),
        ("private", "private"),
        ("direct", "direct"),
    ],
)
async def test_answers_are_threaded_and_never_wider(
    poster: Poster, api: FakeApi, asked_in: str, answered_in: str
) -> None:
    remote = await poster.deliver(answer("**Réponse** claire", asked_in))
    (post,) = api.posts()
    assert post["text"] == "@bob Réponse claire"
    assert post["in_reply_to_id"] == "55"
    assert post["visibility"] == answered_in
    assert post["language"] == "fr"
    assert post["idempotency_key"] == "re-mastodon-1-0"
    assert remote == api.statuses[0]["id"]


async def test_remote_asker_is_mentioned_with_domain(poster: Poster, api: FakeApi) -> None:
    await poster.deliver(answer("Oui", "direct", acct="zoe@other.example"))
    assert api.posts()[0]["text"] == "@zoe@other.example Oui"


async def test_answer_without_context_uses_the_channel(poster: Poster, api: FakeApi) -> None:
    item = outgoing("Bonjour", channel=Channel("mastodon", "dm:bob@social.example", True))
    await poster.deliver(item)
    (post,) = api.posts()
    assert (post["text"], post["visibility"], post["in_reply_to_id"]) == (
        "@bob Bonjour",
        "direct",
        None,
    )


async def test_announcement_kind_in_a_direct_channel_stays_direct(
    poster: Poster, api: FakeApi
) -> None:
    item = answer("Rappel", "direct")
    item = Outgoing(**{**item.__dict__, "kind": ReplyKind.ANNOUNCEMENT})
    await poster.deliver(item)
    assert api.posts()[0]["visibility"] == "direct"


async def test_announcement_has_visibility_language_warning_and_hashtags(
    poster: Poster, api: FakeApi
) -> None:
    item = outgoing(
        "Rassemblement **samedi**.", channel=ANNOUNCE, key="agenda-1", kind=ReplyKind.ANNOUNCEMENT
    )
    await poster.deliver(item)
    (post,) = api.posts()
    assert post["text"] == "Rassemblement samedi.\n\n#LeMans #Droits"
    assert post["visibility"] == "public"
    assert post["spoiler_text"] == "Police"
    assert post["language"] == "fr"
    assert post["in_reply_to_id"] is None
    assert post["idempotency_key"] == "agenda-1"


async def test_long_announcement_becomes_a_thread(poster: Poster, api: FakeApi) -> None:
    text = "\n\n".join(f"Paragraphe {n} : " + "des mots simples " * 12 for n in range(5))
    await poster.deliver(outgoing(text, channel=ANNOUNCE, key="appel-9"))
    posts = api.posts()
    total = len(posts)
    assert total >= 2
    for number, post in enumerate(posts, 1):
        assert post["text"].endswith(f"({number}/{total})")
        assert post["idempotency_key"] == f"appel-9-part{number}"
        assert weighted_length(post["text"]) + len("Police") <= 500
        assert post["spoiler_text"] == "Police"
    assert [p["visibility"] for p in posts] == ["public"] + ["unlisted"] * (total - 1)
    assert posts[0]["in_reply_to_id"] is None
    ids = [s["id"] for s in api.statuses]
    assert [p["in_reply_to_id"] for p in posts[1:]] == ids[:-1]


async def test_failed_thread_resumes_where_it_stopped(
    poster: Poster, api: FakeApi, store: Store
) -> None:
    text = "\n\n".join("Une phrase assez longue pour remplir. " * 6 for _ in range(4))
    api.failures[("status_post", 2)] = ApiError(ApiErrorKind.TRANSIENT, "server error 500")
    item = outgoing(text, channel=ANNOUNCE, key="appel-3")
    with pytest.raises(TransientDeliveryError):
        await poster.deliver(item)
    assert len(api.statuses) == 1
    await poster.deliver(item)
    keys = [p["idempotency_key"] for p in api.posts()]
    total = int(api.posts()[-1]["text"].rsplit("/", 1)[1].rstrip(")"))
    # part 1 once, part 2 failed then retried, never part 1 again.
    assert keys == ["appel-3-part1", "appel-3-part2"] + [
        f"appel-3-part{n}" for n in range(2, total + 1)
    ]
    assert len(api.statuses) == total
    chain = [p["in_reply_to_id"] for p in api.statuses]
    assert chain[1:] == [s["id"] for s in api.statuses[:-1]]
    assert await store.get_state("mastodon:thread:appel-3") is None


async def test_rate_limit_is_a_wait_not_a_failure(poster: Poster, api: FakeApi) -> None:
    api.failures[("status_post", 1)] = ApiError(
        ApiErrorKind.RATE_LIMITED, "rate limited", status=429, retry_after=42
    )
    with pytest.raises(TransientDeliveryError) as caught:
        await poster.deliver(answer("x", "public"))
    assert caught.value.rate_limited
    assert caught.value.retry_after == 42


async def test_server_errors_are_retried_with_backoff(poster: Poster, api: FakeApi) -> None:
    api.failures[("status_post", 1)] = ApiError(ApiErrorKind.TRANSIENT, "server error 503")
    with pytest.raises(TransientDeliveryError) as caught:
        await poster.deliver(answer("x", "public"))
    assert not caught.value.rate_limited
    assert caught.value.retry_after is None


async def _notices(store: Store) -> list[tuple[str, str, str]]:
    rows = await store.fetchall("SELECT transport, channel_id, text FROM outbox ORDER BY id")
    return [(r["transport"], r["channel_id"], r["text"]) for r in rows]


async def test_refused_announcement_tells_its_groups_organisers(
    poster: Poster, api: FakeApi, store: Store
) -> None:
    api.failures[("status_post", 1)] = ApiError(
        ApiErrorKind.REJECTED, "Validation failed: Text is too long", status=422
    )
    item = outgoing("Grève **jeudi**", channel=ANNOUNCE, key="appel-5")
    with pytest.raises(PermanentDeliveryError) as caught:
        await poster.deliver(item)
    assert "Text is too long" in caught.value.reason
    ((transport, channel, text),) = await _notices(store)
    assert (transport, channel) == ("console", "orga-le-mans")
    assert "Mastodon a refusé une annonce du groupe le-mans" in text
    assert "Text is too long" in text
    assert "Grève jeudi" in text
    assert "·" not in text
    # The same failure reported again (a replay) is not a second notice.
    api.failures[("status_post", 2)] = api.failures[("status_post", 1)]
    with pytest.raises(PermanentDeliveryError):
        await poster.deliver(item)
    assert len(await _notices(store)) == 1


async def test_refused_answer_tells_every_group_without_the_content(
    poster: Poster, api: FakeApi, store: Store
) -> None:
    api.failures[("status_post", 1)] = ApiError(ApiErrorKind.REJECTED, "Nope", status=422)
    with pytest.raises(PermanentDeliveryError):
        await poster.deliver(answer("Votre témoignage secret", "direct"))
    notices = await _notices(store)
    assert {c for _, c, _ in notices} == {"orga-le-mans", "orga-tours"}
    assert all("témoignage secret" not in t for _, _, t in notices)


async def test_revoked_token_is_permanent_and_reported_once_a_day(
    poster: Poster, api: FakeApi, store: Store
) -> None:
    for n in (1, 2):
        api.failures[("status_post", n)] = ApiError(
            ApiErrorKind.UNAUTHORIZED, "The access token is invalid", status=401
        )
        with pytest.raises(PermanentDeliveryError):
            await poster.deliver(answer("x", "public"))
    notices = await _notices(store)
    assert len(notices) == 2  # one per group, not one per failed post
    assert all("jeton" in t for _, _, t in notices)


async def test_deleted_question_is_answered_outside_the_thread(
    poster: Poster, api: FakeApi
) -> None:
    api.failures[("status_post", 1)] = ApiError(ApiErrorKind.NOT_FOUND, "Record not found")
    await poster.deliver(answer("Réponse", "public"))
    first, second = api.posts()
    assert first["in_reply_to_id"] == "55"
    assert second["in_reply_to_id"] is None
    assert second["idempotency_key"] == first["idempotency_key"]


async def test_character_limit_comes_from_the_instance(poster: Poster, api: FakeApi) -> None:
    api.handlers["instance_v2"] = lambda: {
        "domain": "social.example",
        "configuration": {"statuses": {"max_characters": 5000}},
    }
    text = "Un long texte. " * 100  # 1500 characters
    await poster.deliver(outgoing(text, channel=ANNOUNCE))
    await poster.deliver(outgoing("Encore", channel=ANNOUNCE, key="other"))
    assert len(api.posts()) == 2  # one post each: the limit is 5000 here
    assert [c[0] for c in api.calls].count("instance_v2") == 1  # cached


async def test_instance_falls_back_to_v1_then_500(poster: Poster, api: FakeApi) -> None:
    api.failures[("instance_v2", 1)] = ApiError(ApiErrorKind.NOT_FOUND, "not found")
    api.handlers["instance_v1"] = lambda: {"uri": "social.example", "max_toot_chars": 200}
    await poster.deliver(outgoing("mot " * 80, channel=ANNOUNCE))
    assert len(api.posts()) == 2  # 320 characters over a limit of 200


async def test_instance_unreachable_is_transient(poster: Poster, api: FakeApi) -> None:
    api.failures[("instance_v2", 1)] = ApiError(ApiErrorKind.TRANSIENT, "network error")
    with pytest.raises(TransientDeliveryError):
        await poster.deliver(outgoing("x", channel=ANNOUNCE))
    assert api.posts() == []


async def test_refused_thread_part_forgets_the_partial_thread(
    poster: Poster, api: FakeApi, store: Store
) -> None:
    text = "\n\n".join("Une phrase assez longue pour remplir. " * 6 for _ in range(4))
    api.failures[("status_post", 2)] = ApiError(ApiErrorKind.REJECTED, "Nope", status=422)
    with pytest.raises(PermanentDeliveryError):
        await poster.deliver(outgoing(text, channel=ANNOUNCE, key="appel-8"))
    assert len(api.statuses) == 1
    assert await store.get_state("mastodon:thread:appel-8") is None


async def test_a_lost_answer_on_a_server_without_idempotency_is_not_posted_twice(
    poster: Poster, api: FakeApi
) -> None:
    """The status was saved but the answer never came back (network cut); the server
    ignores Idempotency-Key: the retry finds the post among the bot's own and adopts it."""
    saved = api.handlers["status_post"]

    def saved_then_lost(text: str, **kwargs: Any) -> dict[str, Any]:
        saved(text, **kwargs)
        raise ApiError(ApiErrorKind.TRANSIENT, "network error")

    api.handlers["status_post"] = saved_then_lost
    item = answer("Voici la fiche CAF.", "public")
    with pytest.raises(TransientDeliveryError):
        await poster.deliver(item)
    api.handlers["status_post"] = saved
    remote = await poster.deliver(item)
    assert len(api.statuses) == 1  # one post on the server, not two
    assert remote == api.statuses[0]["id"]
    assert [name for name, _, _ in api.calls].count("status_post") == 1


async def test_a_refused_post_is_tried_again_without_looking_for_it(
    poster: Poster, api: FakeApi
) -> None:
    api.failures[("status_post", 1)] = ApiError(
        ApiErrorKind.RATE_LIMITED, "rate limited", status=429, retry_after=1
    )
    item = answer("x", "public")
    with pytest.raises(TransientDeliveryError):
        await poster.deliver(item)
    await poster.deliver(item)
    assert "account_statuses" not in [name for name, _, _ in api.calls]
    assert len(api.statuses) == 1

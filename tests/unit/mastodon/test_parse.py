"""Parsing real Mastodon payloads (recorded cassettes) and the quirks of other servers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.transports.mastodon.parse import (
    DEFAULT_MAX_CHARACTERS,
    SseDecoder,
    full_acct,
    id_order,
    local_form,
    narrow_visibility,
    parse_instance_v1,
    parse_instance_v2,
    parse_mention_status,
    parse_notification,
)
from tests.unit.mastodon.cassettes import exchanges, find

DOMAIN = "localhost:3000"


def _stream_body(cassette: str, path_part: str) -> bytes:
    (exchange,) = find(cassette, "GET", path_part)
    return exchange.body.encode()


# -- notifications ----------------------------------------------------------------------
def test_mention_notification_from_the_list() -> None:
    (listing,) = find("test_notifications.yaml", "GET", "/api/v1/notifications", 200)[:1]
    parsed = parse_notification(listing.json()[0], DOMAIN)
    assert parsed.id == "20"
    assert parsed.kind == "mention"
    mention = parsed.mention
    assert mention is not None
    assert mention.status_id == "117020576916218297"
    assert mention.acct == "admin"
    assert mention.full_acct == "admin@localhost:3000"
    assert mention.visibility == "public"
    # "<p><span class="h-card">…@<span>mastodonpy_test</span></a></span> hello!</p>"
    assert mention.text == "hello!"
    assert mention.created_at == datetime(2026, 8, 1, 13, 51, 39, 138000, tzinfo=UTC)


def test_single_notification_endpoint_gives_the_same_mention() -> None:
    singles = find("test_notifications.yaml", "GET", "/api/v1/notifications/20")
    listing = find("test_notifications.yaml", "GET", "/api/v1/notifications")[0]
    assert singles
    for single in singles:
        assert parse_notification(single.json(), DOMAIN) == parse_notification(
            listing.json()[0], DOMAIN
        )


def test_non_notification_payloads_do_not_crash() -> None:
    (count,) = find("test_notifications.yaml", "GET", "unread_count")
    parsed = parse_notification(count.json(), DOMAIN)
    assert parsed.mention is None
    assert parsed.id is None


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "117020576916218297",
        [],
        {},
        {"id": "5", "type": "admin.report"},
        {"id": "6", "type": "severed_relationships", "event": {}},
        {"id": "7", "type": "pleroma:emoji_reaction", "account": {"acct": "x"}},
        {"id": "8", "type": "mention"},
        {"id": "9", "type": "mention", "status": None},
        {"id": "10", "type": "mention", "status": {"id": "1"}},
        {"id": "11", "type": "mention", "status": {"content": "<p>hi</p>", "account": {}}},
        {"id": "12", "type": "mention", "status": {"id": "1", "account": {"id": True}}},
    ],
)
def test_unknown_types_and_missing_fields_yield_no_mention(payload: object) -> None:
    parsed = parse_notification(payload, DOMAIN)
    assert parsed.mention is None


def test_mention_with_unknown_visibility_and_no_content_still_parses() -> None:
    parsed = parse_notification(
        {
            "id": "01HXYZ",
            "type": "mention",
            "status": {
                "id": "01HXZ0",
                "visibility": "local",  # Akkoma
                "account": {"id": "01HX", "username": "zoe"},
            },
        },
        "gts.example",
    )
    assert parsed.mention is not None
    assert parsed.mention.full_acct == "zoe@gts.example"
    assert parsed.mention.text == ""
    assert narrow_visibility(parsed.mention.visibility, "unlisted") == "direct"


@pytest.mark.parametrize(
    ("cassette", "visibility", "text"),
    [
        ("test_status_post[None-direct].yaml", "direct", "Toot!"),
        ("test_status_post[None-public].yaml", "public", "Toot!"),
    ],
)
def test_posted_statuses_parse(cassette: str, visibility: str, text: str) -> None:
    (posted,) = find(cassette, "POST", "/api/v1/statuses")
    mention = parse_mention_status(posted.json(), DOMAIN, notification_id="1")
    assert mention is not None
    assert mention.visibility == visibility
    assert mention.text == text
    assert mention.display_name == "John Lennon"


def test_reply_status_keeps_its_own_author() -> None:
    reply = find("test_status_reply.yaml", "POST", "/api/v1/statuses")[1].json()
    assert reply["in_reply_to_id"]
    mention = parse_mention_status(reply, DOMAIN, notification_id="1")
    assert mention is not None
    assert (mention.acct, mention.text) == ("admin", "same!")


# -- streaming ---------------------------------------------------------------------------
def test_user_stream_events_from_a_real_server() -> None:
    body = _stream_body("test_stream_user_direct.yaml", "/api/v1/streaming/user")
    decoder = SseDecoder()
    events = decoder.feed(body)
    assert [e.name for e in events] == [
        "update",
        "notification",
        "update",
        "notification",
        "status.update",
        "delete",
    ]
    assert decoder.comments >= 1  # ":)" opener
    assert events[-1].json() == 117024236332527350  # a delete carries a bare id
    mentions = [
        parse_notification(e.json(), DOMAIN).mention for e in events if e.name == "notification"
    ]
    assert [m.visibility for m in mentions if m] == ["public", "direct"]
    direct = mentions[1]
    assert direct is not None
    assert direct.acct == "mastodonpy_test_2"
    assert direct.status_id == "117024236635443611"
    assert not direct.text.startswith("@")


@pytest.mark.parametrize("size", [1, 7, 64, 4096])
def test_stream_decoding_does_not_depend_on_chunk_size(size: int) -> None:
    body = _stream_body("test_stream_user_direct.yaml", "/api/v1/streaming/user")
    whole = SseDecoder().feed(body)
    decoder = SseDecoder()
    pieces = []
    for start in range(0, len(body), size):
        pieces += decoder.feed(body[start : start + size])
    assert pieces == whole


def test_crlf_multiline_data_and_comments() -> None:
    decoder = SseDecoder()
    events = decoder.feed(b':thump\r\nevent: notification\r\ndata: {"a":\r')
    assert events == []
    events = decoder.feed(b"\ndata: 1}\r\n\r\n:\n\ndata: x\n\n")
    assert [(e.name, e.data) for e in events] == [
        ("notification", '{"a":\n1}'),
        ("message", "x"),
    ]
    assert events[0].json() == {"a": 1}
    assert events[1].json() is None
    assert decoder.comments == 2


def test_direct_stream_conversation_events_are_not_notifications() -> None:
    body = _stream_body("test_stream_direct.yaml", "/api/v1/streaming/direct")
    events = SseDecoder().feed(body)
    assert {e.name for e in events} == {"conversation"}
    assert all(parse_notification(e.json(), DOMAIN).mention is None for e in events)


# -- instance ------------------------------------------------------------------------------
def test_instance_v2_from_a_real_server() -> None:
    (instance,) = exchanges("test_instance.yaml")
    info = parse_instance_v2(instance.json())
    assert info is not None
    assert info.domain == "localhost:3000"
    assert info.max_characters == 500
    assert info.streaming_url == "http://localhost:4000"  # advertised as ws://localhost:4000


def test_instance_v1_from_a_real_server() -> None:
    (v1,) = find("test_stream_direct.yaml", "GET", "/api/v1/instance")
    info = parse_instance_v1(v1.json())
    assert info is not None
    assert (info.domain, info.max_characters, info.streaming_url) == (
        "localhost:3000",
        500,
        "http://localhost:4000",
    )


def test_instance_fallbacks() -> None:
    akkoma = parse_instance_v1({"uri": "https://akkoma.example", "max_toot_chars": 5000})
    assert akkoma is not None
    assert (akkoma.domain, akkoma.max_characters, akkoma.streaming_url) == (
        "akkoma.example",
        5000,
        None,
    )
    weird = parse_instance_v2(
        {"domain": "x.example", "configuration": {"statuses": {"max_characters": "lots"}}}
    )
    assert weird is not None
    assert weird.max_characters == DEFAULT_MAX_CHARACTERS
    assert parse_instance_v2({"error": "not found"}) is None
    assert parse_instance_v2(["nope"]) is None
    secure = parse_instance_v2(
        {"domain": "m.example", "configuration": {"urls": {"streaming": "wss://s.m.example"}}}
    )
    assert secure is not None
    assert secure.streaming_url == "https://s.m.example"


# -- accounts and ids ----------------------------------------------------------------------
def test_accts_are_made_comparable() -> None:
    assert full_acct("alice", "Mastodon.Example") == "alice@mastodon.example"
    assert full_acct("@bob@Other.Example", "mastodon.example") == "bob@other.example"
    assert local_form("alice@mastodon.example", "mastodon.example") == "alice"
    assert local_form("bob@other.example", "mastodon.example") == "bob@other.example"


def test_ids_order_numerically_and_as_ulids() -> None:
    assert id_order("117020576916218297") > id_order("99999999999999999")
    assert id_order("20") > id_order("3")
    assert id_order("01HY0000000000000000000000") > id_order("01HX0000000000000000000000")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("public", "unlisted"), "unlisted"),
        (("unlisted", "unlisted"), "unlisted"),
        (("private", "unlisted"), "private"),
        (("direct", "unlisted"), "direct"),
        (("public",), "public"),
        (("limited", "public"), "direct"),
        ((None, "unlisted"), "direct"),
    ],
)
def test_visibility_never_widens(values: tuple[str | None, ...], expected: str) -> None:
    assert narrow_visibility(*values) == expected

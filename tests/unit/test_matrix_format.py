"""Matrix formatting: the cache of rendered room texts must not change output."""

from __future__ import annotations

from typing import Any, cast

from nio import RoomSendResponse

from bot.message import Channel, Outgoing, ReplyKind
from bot.transports.matrix import format as matrix_format
from bot.transports.matrix.format import message_content, to_html
from bot.transports.matrix.send import EventSender


def test_reference_links_stay_text_and_nothing_carries_over_to_the_next_text() -> None:
    first = to_html("voir [le guide][g]\n\n[g]: https://example.org/guide")
    assert "href" not in first
    assert "[le guide][g]" in first
    assert "href" not in to_html("et [celui-ci][g] ?")


def test_the_same_text_gives_the_same_html_every_time() -> None:
    text = "**Aide**\n- un\n- deux\n\n1. trois\n\n<question> & [lien](https://example.org)"
    first = to_html(text)
    assert first == to_html(text) == message_content(text)["formatted_body"]
    assert first == message_content(text, shared=True)["formatted_body"]
    assert "&lt;question&gt;" in first
    assert first.count("<li>") == 3


def test_unsafe_links_stay_text_in_cached_and_fresh_renderings() -> None:
    for _ in range(2):
        assert to_html("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"
        assert (
            "href" not in message_content("[x](data:text/html,hi)", shared=True)["formatted_body"]
        )


def test_only_texts_sent_to_rooms_are_kept_rendered() -> None:
    matrix_format._shared_html.cache_clear()
    message_content("**aide** pour le salon", shared=True)
    message_content("**brouillon** privé de quelqu'un")
    message_content("**brouillon** privé de quelqu'un", shared=False)
    info = matrix_format._shared_html.cache_info()
    assert (info.currsize, info.misses) == (1, 1)
    message_content("**aide** pour le salon", shared=True)
    assert matrix_format._shared_html.cache_info().hits == 1


class _Client:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def room_send(
        self, room_id: str, event_type: str, content: dict[str, Any], **_: Any
    ) -> Any:
        self.sent.append(content)
        return RoomSendResponse(event_id=f"$e{len(self.sent)}", room_id=room_id)


class _Rooms:
    async def resolve_target(self, channel: Channel) -> str:
        return "!dm:example.org" if channel.is_direct else channel.id


async def test_a_private_reply_is_not_kept_rendered_a_room_reply_is() -> None:
    matrix_format._shared_html.cache_clear()
    client = _Client()
    sender = EventSender(cast(Any, client), cast(Any, _Rooms()))
    for channel, text in (
        (Channel("matrix", "@alice:example.org", is_direct=True), "**ton** brouillon"),
        (Channel("matrix", "!room:example.org"), "**aide** du salon"),
    ):
        await sender.deliver(
            Outgoing(1, "k", channel, text, ReplyKind.ANSWER, None, {}, attempts=0)
        )
    assert [c["formatted_body"] for c in client.sent] == [
        "<p><strong>ton</strong> brouillon</p>",
        "<p><strong>aide</strong> du salon</p>",
    ]
    assert matrix_format._shared_html.cache_info().currsize == 1

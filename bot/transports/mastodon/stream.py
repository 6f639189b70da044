"""The user notification stream, read as server-sent events with aiohttp.

Why aiohttp rather than Mastodon.py's `stream_user`: the stream then lives on the
event loop. Cancelling it is immediate (Mastodon.py's blocking read only notices a
close at the next heartbeat), the HTTP status of a refused stream is visible (404 or
501 means "no streaming here: poll"), the idle timeout is ours, and no second thread
shares Mastodon.py's non-thread-safe state with the API worker.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

import aiohttp

from bot.transports.mastodon.api import RequestWindow
from bot.transports.mastodon.parse import SseDecoder, SseEvent

logger = logging.getLogger(__name__)

STREAM_PATHS = ("/api/v1/streaming/user/notification", "/api/v1/streaming/user")
NO_STREAMING_STATUSES = frozenset({400, 404, 405, 410, 501})


class StreamUnavailable(Exception):
    """The server has no streaming endpoint (Takahē, some GoToSocial set-ups): poll."""


class StreamBroken(Exception):
    """The stream failed or ended; reconnect (and catch up) later."""


async def open_stream(
    session: aiohttp.ClientSession,
    bases: Sequence[str],
    access_token: str,
    window: RequestWindow,
    *,
    connect_timeout: float,
    idle_timeout: float,
) -> aiohttp.ClientResponse:
    """Connect to the first working stream URL; the caller releases the response."""
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "text/event-stream"}
    timeout = aiohttp.ClientTimeout(
        total=None, connect=connect_timeout, sock_connect=connect_timeout, sock_read=idle_timeout
    )
    refused: list[int] = []
    failures: list[str] = []
    for base in bases:
        for path in STREAM_PATHS:
            await window.acquire()
            try:
                response = await session.get(base + path, headers=headers, timeout=timeout)
            except (aiohttp.ClientError, TimeoutError) as exc:
                failures.append(exc.__class__.__name__)
                break  # this host does not answer: try the next base
            content_type = response.headers.get("Content-Type", "")
            if response.status == 200 and content_type.startswith("text/event-stream"):
                return response
            response.release()
            if response.status in NO_STREAMING_STATUSES or response.status == 200:
                refused.append(response.status)
                continue
            raise StreamBroken(f"stream refused with HTTP {response.status}")
    if refused and not failures:
        raise StreamUnavailable(f"no streaming endpoint (HTTP {sorted(set(refused))})")
    raise StreamBroken(f"stream unreachable ({', '.join(failures) or 'no URL'})")


async def stream_events(response: aiohttp.ClientResponse) -> AsyncIterator[SseEvent]:
    """Yield events until the connection ends; always ends by raising StreamBroken."""
    decoder = SseDecoder()
    try:
        async for chunk in response.content.iter_any():
            for event in decoder.feed(chunk):
                yield event
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise StreamBroken(f"stream lost ({exc.__class__.__name__})") from None
    raise StreamBroken("stream closed by the server")

"""Rate-limit headers (ISO and epoch), error classes, and our own request window."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from mastodon.errors import (
    MastodonAPIError,
    MastodonBadGatewayError,
    MastodonInternalServerError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonUnauthorizedError,
)

from bot.transports.mastodon.api import (
    ApiError,
    ApiErrorKind,
    MastodonApi,
    RequestWindow,
    ResponseInfo,
    classify,
    retry_after_seconds,
    seconds_until_reset,
)
from tests.kit.clock import Seconds as Clock
from tests.unit.mastodon.cassettes import find

NOW = datetime(2026, 8, 1, 14, 59, 0, tzinfo=UTC).timestamp()


def test_iso_reset_as_real_mastodon_sends_it() -> None:
    # Recorded header: x-ratelimit-reset: '2026-08-01T15:00:00.175404Z'
    (posted,) = find("test_notifications.yaml", "POST", "/api/v1/statuses")
    reset = posted.headers["x-ratelimit-reset"][0]
    assert seconds_until_reset(reset, now=NOW) == pytest.approx(60.175404)


def test_epoch_reset_as_mastodon_mock_sends_it() -> None:
    assert seconds_until_reset(str(int(NOW) + 42), now=NOW) == pytest.approx(42)
    assert seconds_until_reset(f"{NOW + 1.5:.3f}", now=NOW) == pytest.approx(1.5)
    assert seconds_until_reset(str(int((NOW + 7) * 1000)), now=NOW) == pytest.approx(7)


def test_reset_measured_on_the_server_clock() -> None:
    # Our clock runs 10 minutes late; the server says it is 14:59:00 and resets at 15:00.
    wait = seconds_until_reset(
        "2026-08-01T15:00:00Z", now=NOW - 600, server_date="Sat, 01 Aug 2026 14:59:00 GMT"
    )
    assert wait == pytest.approx(60)


def test_reset_in_the_past_or_unreadable() -> None:
    assert seconds_until_reset("2026-08-01T14:00:00Z", now=NOW) == 0
    assert seconds_until_reset("bientôt", now=NOW) is None
    assert seconds_until_reset("", now=NOW) is None


def test_retry_after_from_headers() -> None:
    assert retry_after_seconds({"X-RateLimit-Reset": str(int(NOW) + 30)}, now=NOW) == 30
    assert retry_after_seconds({"Retry-After": "12"}, now=NOW) == 12
    assert retry_after_seconds({"x-ratelimit-reset": "nonsense", "retry-after": "5"}, now=NOW) == 5
    # A reset already past still waits a moment; an absurd one is capped.
    assert retry_after_seconds({"X-RateLimit-Reset": str(int(NOW) - 5)}, now=NOW) == 1
    assert retry_after_seconds({"X-RateLimit-Reset": str(int(NOW) + 10**7)}, now=NOW) == 6 * 3600
    assert retry_after_seconds({}, now=NOW) is None


def _api_error(status: int, message: str | None) -> MastodonAPIError:
    return MastodonAPIError("Mastodon API returned error", status, "reason", message)


def test_rate_limit_errors_carry_the_wait() -> None:
    response = ResponseInfo(429, {"X-RateLimit-Reset": "2026-08-01T15:00:00.000Z"})
    error = classify(MastodonRatelimitError("Hit rate limit."), response, now=NOW)
    assert error.kind is ApiErrorKind.RATE_LIMITED
    assert error.retry_after == pytest.approx(60)
    # Without usable headers: a default wait rather than hammering.
    bare = classify(MastodonRatelimitError("Hit rate limit."), None, now=NOW)
    assert bare.kind is ApiErrorKind.RATE_LIMITED
    assert bare.retry_after == 60


def test_refused_post_keeps_the_servers_reason() -> None:
    (empty,) = find("test_status_empty.yaml", "POST", "/api/v1/statuses", 422)
    error = classify(_api_error(422, empty.json()["error"]), ResponseInfo(422, {}), now=NOW)
    assert error.kind is ApiErrorKind.REJECTED
    assert error.status == 422
    assert error.reason == "バリデーションに失敗しました: Textを入力してください"


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (MastodonInternalServerError("e", 500, "x", None), ApiErrorKind.TRANSIENT),
        (MastodonBadGatewayError("e", 502, "x", None), ApiErrorKind.TRANSIENT),
        (MastodonNetworkError("Could not complete request"), ApiErrorKind.TRANSIENT),
        (
            MastodonUnauthorizedError("e", 401, "x", "The access token is invalid"),
            ApiErrorKind.UNAUTHORIZED,
        ),
        (
            _api_error(403, "This action is outside the authorized scopes"),
            ApiErrorKind.UNAUTHORIZED,
        ),
        (MastodonNotFoundError("e", 404, "x", "Not Found"), ApiErrorKind.NOT_FOUND),
        (_api_error(410, None), ApiErrorKind.REJECTED),
        (_api_error(408, None), ApiErrorKind.TRANSIENT),
        (MastodonAPIError("Could not parse response as JSON"), ApiErrorKind.TRANSIENT),
    ],
)
def test_error_classes(exc: MastodonAPIError, kind: ApiErrorKind) -> None:
    assert classify(exc, None, now=NOW).kind is kind


def test_recorded_401_and_404_bodies() -> None:
    (unauthorized,) = find("test_home_tl_anonymous_throws.yaml", "GET", "timelines", 401)
    (missing,) = find("test_status_missing.yaml", "GET", "/statuses/0", 404)
    e401 = classify(_api_error(401, unauthorized.json()["error"]), None, now=NOW)
    e404 = classify(_api_error(404, missing.json()["error"]), None, now=NOW)
    assert (e401.kind, e401.reason) == (ApiErrorKind.UNAUTHORIZED, "The access token is invalid")
    assert (e404.kind, e404.reason) == (ApiErrorKind.NOT_FOUND, "Not Found")


def test_response_remaining_header() -> None:
    assert ResponseInfo(200, {"X-RateLimit-Remaining": "0"}).remaining == 0
    assert ResponseInfo(200, {"x-ratelimit-remaining": "297"}).remaining == 297
    assert ResponseInfo(200, {"X-RateLimit-Remaining": "?"}).remaining is None


# -- the window -------------------------------------------------------------------------------


def test_window_allows_the_limit_then_waits_for_the_oldest() -> None:
    clock = Clock()
    window = RequestWindow(3, window=300, clock=clock)
    for step in range(3):
        assert window.wait_time() == 0
        window.record()
        clock.now += 10 * (step + 1)  # requests at 1000, 1010, 1030
    # Now 1060: the 4th must wait until the first leaves the window at 1300.
    assert window.wait_time() == pytest.approx(240)
    clock.now = 1300.0
    assert window.wait_time() == 0
    assert window.in_window() == 2


def test_window_never_exceeds_the_limit_over_any_five_minutes() -> None:
    clock = Clock()
    window = RequestWindow(280, window=300, clock=clock)
    sent: list[float] = []
    for _ in range(1000):
        clock.now += window.wait_time() + 0.5
        if window.wait_time() == 0:
            window.record()
            sent.append(clock.now)
    for index, start in enumerate(sent):
        later = [t for t in sent[index:] if t < start + 300]
        assert len(later) <= 280


def test_pause_holds_every_request() -> None:
    clock = Clock()
    window = RequestWindow(10, clock=clock)
    window.pause_for(30)
    assert window.wait_time() == pytest.approx(30)
    window.pause_for(5)  # a shorter pause does not shorten the longer one
    assert window.wait_time() == pytest.approx(30)


async def test_acquire_refuses_to_wait_longer_than_allowed() -> None:
    clock = Clock()
    window = RequestWindow(1, clock=clock)
    await window.acquire()
    with pytest.raises(ApiError) as caught:
        await window.acquire(max_wait=5)
    assert caught.value.kind is ApiErrorKind.RATE_LIMITED
    assert caught.value.retry_after == pytest.approx(300)


async def test_acquire_waits_for_a_short_pause() -> None:
    window = RequestWindow(5)
    window.pause_for(0.05)
    await asyncio.wait_for(window.acquire(max_wait=1), timeout=2)
    assert window.in_window() == 1


# -- pauses decided by the worker's answers ------------------------------------------------------
class ScriptedApi(MastodonApi):
    """The real `call` (window, executor, pauses) with scripted worker outcomes."""

    def __init__(self, outcomes: list[object]) -> None:
        super().__init__("https://social.example", "secret", max_requests_per_5_minutes=280)
        self.outcomes = outcomes

    def _run(
        self, method: str, args: tuple[object, ...], kwargs: dict[str, object]
    ) -> tuple[object, ResponseInfo | None]:
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, ApiError):
            raise outcome
        assert isinstance(outcome, tuple)
        return outcome[0], outcome[1]


def _limited(seconds: float) -> ApiError:
    return ApiError(ApiErrorKind.RATE_LIMITED, "rate limited", status=429, retry_after=seconds)


async def test_a_long_posting_limit_pauses_posting_only() -> None:
    api = ScriptedApi([_limited(3 * 3600)])
    try:
        with pytest.raises(ApiError):
            await api.call("status_post", "x")
        assert api.window.wait_time("post") > 3600
        assert api.window.wait_time() == 0  # mentions are still read
        with pytest.raises(ApiError) as caught:
            await api.call("status_post", "y", max_wait=5)
        assert caught.value.kind is ApiErrorKind.RATE_LIMITED
        assert api.requests_sent == 1  # the second post never left
    finally:
        api.close()


async def test_the_five_minute_limit_pauses_everything() -> None:
    api = ScriptedApi([_limited(120)])
    try:
        with pytest.raises(ApiError):
            await api.call("status_post", "x")
        assert api.window.wait_time() > 100
    finally:
        api.close()


async def test_no_request_left_pauses_until_the_reset() -> None:
    reset = str(int(datetime.now(UTC).timestamp()) + 90)
    answer = (
        {"id": "1"},
        ResponseInfo(200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
    )
    api = ScriptedApi([answer])
    try:
        assert await api.call("notifications") == {"id": "1"}
        assert 80 < api.window.wait_time() <= 90
    finally:
        api.close()

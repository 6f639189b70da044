"""Mastodon.py on one dedicated worker thread, behind our own request budget.

Mastodon.py is blocking and its rate-limit bookkeeping is not thread-safe, so every
call runs on a single-thread executor and the event loop only awaits the result.
Before each request the loop takes a slot in a sliding five-minute window (the
server allows 300); a 429, or a response saying no request is left, pauses the
window until the server's reset time. Errors come back as `ApiError`, classified
once here: rate limited, transient, rejected, unauthorised, not found.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from bot import __version__

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 300.0
ALL = "all"
POST = "post"
POSTING_METHODS = frozenset({"status_post"})
DEFAULT_RATE_LIMIT_WAIT = 60.0
MAX_RATE_LIMIT_WAIT = 6 * 3600.0  # posting limits can reset hours later


# -- request budget ------------------------------------------------------------------------
class RequestWindow:
    """At most `limit` requests in any `window` seconds, plus pauses the server asks for.

    A pause applies to every request, or only to one family of them ("post"): a
    posting limit reached for three hours must not stop us reading mentions.
    """

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sent: deque[float] = deque()
        self._paused_until: dict[str, float] = {}

    def wait_time(self, family: str = ALL) -> float:
        """Seconds before the next request may leave (0 when it may leave now)."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        wait = max(self._paused_until.get(ALL, 0.0), self._paused_until.get(family, 0.0)) - now
        if len(self._sent) >= self.limit:
            wait = max(wait, self._sent[0] + self.window - now)
        return max(0.0, wait)

    def record(self) -> None:
        self._sent.append(self._clock())

    def pause_for(self, seconds: float, family: str = ALL) -> None:
        until = self._clock() + seconds
        self._paused_until[family] = max(self._paused_until.get(family, 0.0), until)

    def in_window(self) -> int:
        self.wait_time()
        return len(self._sent)

    async def acquire(self, max_wait: float | None = None, family: str = ALL) -> None:
        """Wait for a slot and take it; raise ApiError(RATE_LIMITED) if over `max_wait`."""
        while (wait := self.wait_time(family)) > 0:
            if max_wait is not None and wait > max_wait:
                raise ApiError(ApiErrorKind.RATE_LIMITED, "request budget spent", retry_after=wait)
            await asyncio.sleep(wait)
        self.record()


# -- rate-limit headers ----------------------------------------------------------------------
def _epoch_of(value: str) -> float | None:
    """An epoch number (mastodon-mock, GoToSocial), ISO-8601 (Mastodon) or HTTP date."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        return number / 1000.0 if number > 1e12 else number
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def seconds_until_reset(reset: str, *, now: float, server_date: str | None = None) -> float | None:
    """Seconds to wait per `X-RateLimit-Reset`; measured on the server's clock if it sent one."""
    epoch = _epoch_of(reset)
    if epoch is None:
        return None
    reference = now
    if server_date:
        server_now = _epoch_of(server_date)
        if server_now is not None:
            reference = server_now
    return max(0.0, epoch - reference)


def retry_after_seconds(headers: Mapping[str, str], *, now: float) -> float | None:
    """How long a rate-limited client should wait, from the response headers."""
    lowered = {k.lower(): v for k, v in headers.items()}
    wait: float | None = None
    if "x-ratelimit-reset" in lowered:
        wait = seconds_until_reset(
            lowered["x-ratelimit-reset"], now=now, server_date=lowered.get("date")
        )
    if wait is None and "retry-after" in lowered:
        value = lowered["retry-after"].strip()
        wait = float(value) if value.isdigit() else seconds_until_reset(value, now=now)
    if wait is None:
        return None
    return min(MAX_RATE_LIMIT_WAIT, max(1.0, wait))


# -- errors ----------------------------------------------------------------------------------
class ApiErrorKind(enum.StrEnum):
    RATE_LIMITED = "rate_limited"  # wait until retry_after
    TRANSIENT = "transient"  # 5xx, network, timeouts: back off and retry
    REJECTED = "rejected"  # 422 and other 4xx: retrying will not help
    UNAUTHORIZED = "unauthorized"  # 401/403: the token is revoked or lacks a scope
    NOT_FOUND = "not_found"  # 404: endpoint or record missing


class ApiError(Exception):
    def __init__(
        self,
        kind: ApiErrorKind,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class ResponseInfo:
    """What the worker saw of the last HTTP response: status and rate-limit headers."""

    status: int
    headers: Mapping[str, str]

    @property
    def remaining(self) -> int | None:
        value = {k.lower(): v for k, v in self.headers.items()}.get("x-ratelimit-remaining")
        try:
            return None if value is None else int(value)
        except ValueError:
            return None


_KEPT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after")


def classify(exc: MastodonError, response: ResponseInfo | None, *, now: float) -> ApiError:
    """Turn a Mastodon.py exception (and the response behind it) into an ApiError."""
    status = _status_of(exc, response)
    server_message = _server_message(exc)
    if isinstance(exc, MastodonRatelimitError) or status == 429:
        headers = response.headers if response is not None else {}
        wait = retry_after_seconds(headers, now=now) or DEFAULT_RATE_LIMIT_WAIT
        return ApiError(ApiErrorKind.RATE_LIMITED, "rate limited", status=status, retry_after=wait)
    if isinstance(exc, MastodonNetworkError):
        return ApiError(ApiErrorKind.TRANSIENT, f"network error ({_short(exc)})")
    if isinstance(exc, MastodonServerError) or (status is not None and status >= 500):
        return ApiError(ApiErrorKind.TRANSIENT, f"server error {status}", status=status)
    if isinstance(exc, MastodonUnauthorizedError) or status in (401, 403):
        return ApiError(
            ApiErrorKind.UNAUTHORIZED, server_message or f"HTTP {status}", status=status or 401
        )
    if isinstance(exc, MastodonNotFoundError) or status == 404:
        return ApiError(ApiErrorKind.NOT_FOUND, server_message or "not found", status=404)
    if isinstance(exc, MastodonIllegalArgumentError):
        return ApiError(ApiErrorKind.REJECTED, f"invalid request ({_short(exc)})")
    if status in (408, 425):
        return ApiError(ApiErrorKind.TRANSIENT, f"HTTP {status}", status=status)
    if status is not None and 400 <= status < 500:
        return ApiError(ApiErrorKind.REJECTED, server_message or f"HTTP {status}", status=status)
    # A 2xx whose body Mastodon.py could not read, or anything unexpected: a retry is
    # safe because posts carry an idempotency key.
    return ApiError(ApiErrorKind.TRANSIENT, f"unexpected answer ({exc.__class__.__name__})")


def _status_of(exc: MastodonError, response: ResponseInfo | None) -> int | None:
    if isinstance(exc, MastodonAPIError) and len(exc.args) >= 2 and isinstance(exc.args[1], int):
        return int(exc.args[1])
    return None if response is None else response.status


def _server_message(exc: MastodonError) -> str | None:
    if isinstance(exc, MastodonAPIError) and len(exc.args) >= 4 and isinstance(exc.args[3], str):
        return exc.args[3][:300]
    return None


def server_reason(exc: ApiError, limit: int = 200) -> str:
    """The server's own words about a refusal, on one short line (for logs and notices)."""
    text = " ".join("".join(c for c in exc.reason if c.isprintable()).split())
    return text[:limit] or f"HTTP {exc.status}"


def _short(exc: BaseException) -> str:
    return exc.__class__.__name__


# -- the worker --------------------------------------------------------------------------------
class MastodonApi:
    """Every Mastodon.py call goes through `call`, one at a time, on one thread."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        max_requests_per_5_minutes: int,
        request_timeout: float = 30.0,
        window: RequestWindow | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self._timeout = request_timeout
        self.window = window or RequestWindow(max_requests_per_5_minutes)
        self.requests_sent = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relais-mastodon")
        # Touched only on the worker thread:
        self._client: Mastodon | None = None
        self._last_response: ResponseInfo | None = None

    async def call(
        self, method: str, /, *args: Any, max_wait: float | None = None, **kwargs: Any
    ) -> Any:
        """Run `Mastodon.<method>(*args, **kwargs)` on the worker; raise ApiError on failure.

        `max_wait` bounds how long to wait for a slot in the request budget; over it,
        raise ApiError(RATE_LIMITED) at once (the outbox retries later).
        """
        family = POST if method in POSTING_METHODS else ALL
        await self.window.acquire(max_wait, family)
        self.requests_sent += 1
        loop = asyncio.get_running_loop()
        job = functools.partial(self._run, method, args, kwargs)
        try:
            result, response = await loop.run_in_executor(self._executor, job)
        except ApiError as exc:
            if exc.kind is ApiErrorKind.RATE_LIMITED and exc.retry_after:
                self._pause(exc.retry_after, family)
            raise
        if response is not None and response.remaining is not None and response.remaining <= 0:
            wait = retry_after_seconds(response.headers, now=time.time())
            if wait:
                self._pause(wait, family)
        return result

    def _pause(self, seconds: float, family: str) -> None:
        """Pause everything for the five-minute limit; only posting for a longer one.

        Mastodon limits posting separately (300 statuses per 3 hours): its long reset
        must not stop us from receiving mentions.
        """
        scope = family if family != ALL and seconds > WINDOW_SECONDS else ALL
        logger.info("Mastodon rate limit: pausing %s requests for %.0f s", scope, seconds)
        self.window.pause_for(seconds, scope)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- worker thread only --------------------------------------------------------------
    def _run(
        self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ResponseInfo | None]:
        client = self._client or self._make_client()
        self._last_response = None
        try:
            result = getattr(client, method)(*args, **kwargs)
        except MastodonError as exc:
            raise classify(exc, self._last_response, now=time.time()) from None
        return result, self._last_response

    def _make_client(self) -> Mastodon:
        session = requests.Session()
        session.hooks["response"].append(self._remember_response)
        self._client = Mastodon(
            access_token=self._token,
            api_base_url=self.base_url,
            ratelimit_method="throw",
            version_check_mode="none",
            request_timeout=self._timeout,
            session=session,
            user_agent=f"Relais/{__version__}",
        )
        return self._client

    def _remember_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        headers = {
            k: v for k, v in response.headers.items() if k.lower() in (*_KEPT_HEADERS, "date")
        }
        self._last_response = ResponseInfo(response.status_code, headers)

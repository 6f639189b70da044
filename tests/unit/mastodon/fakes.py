"""A scripted stand-in for `MastodonApi` (no thread, no HTTP) and a config builder."""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Config, parse_config
from bot.transports.mastodon.api import ApiError, RequestWindow

BASE_URL = "https://social.example"


class FakeApi:
    """Answers `call(method, ...)` from handlers; records every call.

    `failures` maps a call number (1-based, counted per method) to an ApiError raised
    instead of answering.
    """

    def __init__(self) -> None:
        self.base_url = BASE_URL
        self.window = RequestWindow(280)
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.failures: dict[tuple[str, int], ApiError] = {}
        self.handlers: dict[str, Callable[..., Any]] = {
            "instance_v2": lambda: {
                "domain": "social.example",
                "configuration": {"statuses": {"max_characters": 500}},
            },
            "account_verify_credentials": lambda: {"id": "1", "acct": "relais"},
            "status_post": self._status_post,
            "notifications": lambda **kwargs: [],
            "account_statuses": self._account_statuses,
        }
        self.statuses: list[dict[str, Any]] = []
        self._ids = itertools.count(1000)
        self.requests_sent = 0

    async def call(
        self, method: str, /, *args: Any, max_wait: float | None = None, **kwargs: Any
    ) -> Any:
        self.calls.append((method, args, kwargs))
        self.requests_sent += 1
        number = sum(1 for name, _, _ in self.calls if name == method)
        failure = self.failures.get((method, number))
        if failure is not None:
            raise failure
        return self.handlers[method](*args, **kwargs)

    def _status_post(self, text: str, **kwargs: Any) -> dict[str, Any]:
        status = {"id": str(next(self._ids)), "text": text, **kwargs}
        self.statuses.append(status)
        return status

    def _account_statuses(self, account_id: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Our own statuses as the server renders them: newest first, HTML content."""
        rendered = [
            status
            | {
                "content": "<p>" + html.escape(status["text"]) + "</p>",
                "created_at": datetime.now(UTC).isoformat(),
            }
            for status in self.statuses
        ]
        return list(reversed(rendered))[: kwargs.get("limit", 20)]

    def posts(self) -> list[dict[str, Any]]:
        return [
            kwargs | {"text": args[0]} for name, args, kwargs in self.calls if name == "status_post"
        ]


def config(data_dir: Path, **extra: Any) -> Config:
    data: dict[str, Any] = {
        "relais": {"data_dir": str(data_dir)},
        "mastodon": {
            "api_base_url": BASE_URL,
            "access_token": "secret",
            "announcement_visibility": "public",
        },
        "organisers": {"mastodon": ["alice", "carol@other.example"]},
        "groups": [
            {
                "name": "le-mans",
                "organisers_room": "console:orga-le-mans",
                "mastodon": {"hashtags": ["LeMans", "#Droits"], "content_warning": "Police"},
            },
            {"name": "tours", "organisers_room": "console:orga-tours"},
        ],
    }
    data.update(extra)
    return parse_config(data, environ={})

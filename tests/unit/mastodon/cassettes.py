"""Read the HTTP exchanges recorded from a real Mastodon server (../shared/mastodon-reference)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from tests.kit.reference import MASTODON_REFERENCE, require


@dataclass(frozen=True)
class Exchange:
    method: str
    uri: str
    status: int
    body: str
    headers: dict[str, list[str]]

    def json(self) -> Any:
        return json.loads(self.body)


def exchanges(name: str) -> list[Exchange]:
    path = require(MASTODON_REFERENCE / "cassettes" / name, "recorded Mastodon responses")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Exchange(
            method=item["request"]["method"],
            uri=item["request"]["uri"],
            status=int(item["response"]["status"]["code"]),
            body=item["response"]["body"]["string"] or "",
            headers=item["response"].get("headers") or {},
        )
        for item in data["interactions"]
    ]


def find(name: str, method: str, path_part: str, status: int = 200) -> list[Exchange]:
    return [
        e
        for e in exchanges(name)
        if e.method == method and path_part in e.uri and e.status == status
    ]

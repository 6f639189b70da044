"""Read the HTTP exchanges recorded from a real Mastodon server (../shared/mastodon-reference)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "mastodon-reference"


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
    path = REFERENCE / "cassettes" / name
    if not path.is_file():
        pytest.fail(f"missing reference cassette {path}: copy the shared folder beside the repo")
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

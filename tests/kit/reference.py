"""Reference data that lives outside the repository, in ../shared (beside the clone):
the Mastodon responses recorded from a real server, and the five seed texts.

A clone without it still passes `make test`: the tests that need it skip, saying why.
CI copies the folder beside the clone and sets RELAIS_REQUIRE_REFERENCE=1, so there a
missing folder fails the run instead of skipping quietly. RELAIS_SHARED_DIR points
elsewhere when the folder is not beside the clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("RELAIS_SHARED_DIR") or ROOT.parent / "shared")
MASTODON_REFERENCE = SHARED / "mastodon-reference"
SEEDS = SHARED / "seeds"


def require(path: Path, what: str) -> Path:
    """`path`, or skip the test (fail it under RELAIS_REQUIRE_REFERENCE) when it is absent."""
    if path.exists():
        return path
    reason = f"{what} not available ({path} is missing; copy the shared folder beside the repo)"
    if os.environ.get("RELAIS_REQUIRE_REFERENCE"):
        pytest.fail(reason)
    pytest.skip(reason)

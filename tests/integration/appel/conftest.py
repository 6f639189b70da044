"""The Mastodon-API server fixture, shared with the Mastodon transport's tests."""

from __future__ import annotations

from tests.integration.mastodon.conftest import mastodon_server

__all__ = ["mastodon_server"]

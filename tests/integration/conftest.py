"""Integration tests: a real Synapse (and a real Mastodon-API server) on 127.0.0.1.

The Synapse fixtures (`synapse`, `synapse_default_limits`, `new_user`) come from
`tests.kit.synapse`, registered for every suite in tests/conftest.py; read its docstring
for the rules (session servers, fresh user names, no loop-bound state).
"""

from __future__ import annotations

from tests.kit.synapse import NewUser

__all__ = ["NewUser"]

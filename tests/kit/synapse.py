"""Fixtures giving tests a real Synapse homeserver on 127.0.0.1 (registered for every
suite by tests/conftest.py).

Rules for everyone writing tests that use them:

- Mark each module ``pytestmark = pytest.mark.integration``.
- ``synapse`` (relaxed rate limits) and ``synapse_default_limits`` (Synapse's own
  limits) are **synchronous** session fixtures. Each server starts once per test
  session, and only if some test asks for it. Both are stopped at the end of the
  session, even after failures; if the pytest process itself is killed, the kernel
  stops them (see ``devserver.synapse``).
- Why synchronous: ``LocalSynapse`` holds no event-loop-bound state (each HTTP
  call opens its own aiohttp session; the process is a plain ``subprocess.Popen``).
  So the session-wide server can be used from ordinary async tests that run in
  pytest-asyncio's default per-test loop: **no ``loop_scope`` marks are needed**.
  Create nio clients, aiohttp sessions and other loop-bound objects inside the
  test (or in function-scoped async fixtures) and close them there.
- If you ever need a session-scoped *async* fixture (say, one long-lived nio
  client), pytest-asyncio 1.x requires both sides to share the session loop:
  ``@pytest_asyncio.fixture(scope="session", loop_scope="session")`` on the
  fixture, and ``@pytest.mark.asyncio(loop_scope="session")`` on every test using
  it. Our pyproject sets ``asyncio_default_fixture_loop_scope = "function"``, so a
  session fixture without ``loop_scope`` runs in a loop that closes after the first
  test, and a test in its own loop cannot use objects bound to another loop.
- Tests may stop or restart a server (``await synapse.restart()``); the
  ``synapse`` fixtures start it again for the next test if it is left stopped.
- Never reuse a fixed user name: ``await new_user("alice")`` (or
  ``await synapse_default_limits.create_user("alice")``) registers a fresh
  ``@alice-<hex>:localhost`` and returns ``(user_id, password)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest

from devserver.synapse import LocalSynapse, RateLimitProfile, UserCredentials

NewUser = Callable[..., Awaitable[UserCredentials]]


def _serve(
    tmp_path_factory: pytest.TempPathFactory, name: str, ratelimits: RateLimitProfile
) -> Iterator[LocalSynapse]:
    server = LocalSynapse(
        tmp_path_factory.mktemp(name),
        ratelimits=ratelimits,
    )
    try:
        server.start_blocking()
        yield server
    finally:
        server.stop_blocking()


@pytest.fixture(scope="session")
def _synapse_relaxed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSynapse]:
    yield from _serve(tmp_path_factory, "synapse", "relaxed")


@pytest.fixture(scope="session")
def _synapse_default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSynapse]:
    yield from _serve(tmp_path_factory, "synapse-default-limits", "default")


@pytest.fixture
def synapse(_synapse_relaxed: LocalSynapse) -> LocalSynapse:
    """The session's Synapse with every rate limit opened wide, running."""
    _synapse_relaxed.start_blocking()
    return _synapse_relaxed


@pytest.fixture
def synapse_default_limits(_synapse_default: LocalSynapse) -> LocalSynapse:
    """A second session Synapse keeping Synapse's default rate limits, running."""
    _synapse_default.start_blocking()
    return _synapse_default


@pytest.fixture
def new_user(synapse: LocalSynapse) -> NewUser:
    """``await new_user("alice")`` → fresh ``UserCredentials(user_id, password)``
    on the ``synapse`` server (``admin=True`` for a server admin)."""
    return synapse.create_user

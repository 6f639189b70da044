"""A real Mastodon-API server (PyPI `mastodon-mock`) on 127.0.0.1, and Relais wired to it.

- `mastodon_server` (session, synchronous): one `mastodon_mock serve --in-memory`
  subprocess on a free port, stopped at the end of the session even after failures;
  if pytest itself is killed, the kernel stops it (prctl PR_SET_PDEATHSIG). Each test
  creates fresh accounts (`new_account`), so tests do not see each other's posts.
- Faults (429 storms, 500s, 422s, no streaming) are rules posted to the mock's
  `/api/v1/_mock/faults` control plane; `server.fault(...)` removes its rule on exit.
  They apply to every account: keep the asker's own posts outside a fault's window.
- `CuttableProxy` sits between Relais and the server to cut the stream mid-way.
- `start_relais(...)` runs a real `App` (Aide + a small DM conversation flow) with
  the Mastodon transport, and a recording "console" transport for organiser notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests
from aiohttp import web
from mastodon import Mastodon

from bot.app import App
from bot.config import parse_config
from bot.context import CommandContext, Services
from bot.conversation import ConversationState, Turn
from bot.feature import Feature
from bot.message import Message
from bot.router import Command, Router
from bot.transports.mastodon.transport import MastodonTransport, MastodonTuning
from commands.aide import AideFeature
from tests.helpers import RecordingTransport
from tests.helpers import wait_until as shared_wait_until

DOMAIN = "relais-test.example"
STARTUP_SECONDS = 30.0

# Runs in the child: die with the parent, give up at once if the parent is already gone.
_LAUNCHER = """\
import ctypes, os, signal, sys
if sys.platform == "linux":
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
sys.argv = ["mastodon_mock", *sys.argv[2:]]
from mastodon_mock.cli import main
main()
"""

# Heartbeats every half second: a cut stream is noticed quickly.
_SERVER_CONFIG = """\
[streaming]
heartbeat_seconds = 0.5
"""


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    token: str


class MockMastodon:
    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = _free_port()
        config = self.base_dir / "mastodon_mock.toml"
        config.write_text(_SERVER_CONFIG, encoding="utf-8")
        self._log = (self.base_dir / "server.log").open("ab")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _LAUNCHER,
                str(os.getpid()),
                "serve",
                "--in-memory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--domain",
                DOMAIN,
                "--config",
                str(config),
                "--log-level",
                "warning",
            ],
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self.stop()
                raise RuntimeError(f"mastodon-mock exited; see {self.base_dir / 'server.log'}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base_url}/health", timeout=1).ok:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("mastodon-mock did not answer in time")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def new_account(self, prefix: str) -> Account:
        username = f"{prefix}_{secrets.token_hex(3)}"
        response = requests.post(
            f"{self.base_url}/api/v1/_mock/dev_user", json={"username": username}, timeout=10
        )
        response.raise_for_status()
        data = response.json()
        return Account(str(data["id"]), data["username"], data["access_token"])

    def client(self, account: Account) -> Mastodon:
        return Mastodon(
            access_token=account.token,
            api_base_url=self.base_url,
            ratelimit_method="throw",
            version_check_mode="none",
            request_timeout=10,
        )

    @contextlib.contextmanager
    def fault(
        self,
        *,
        path: str | None = None,
        path_regex: str | None = None,
        methods: list[str] | None = None,
        effect: str = "status",
        status: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        count: int | None = None,
    ) -> Iterator[str]:
        """A fault rule for the duration of the block (or until `count` requests hit it)."""
        rule: dict[str, Any] = {
            "match": {"methods": methods, "path": path, "path_regex": path_regex},
            "effect": {"type": effect, "status": status, "body": body, "headers": headers or {}},
            "count": count,
        }
        if status is None:
            del rule["effect"]["status"]
        response = requests.post(f"{self.base_url}/api/v1/_mock/faults", json=rule, timeout=10)
        response.raise_for_status()
        rule_id = str(response.json()["id"])
        try:
            yield rule_id
        finally:
            requests.delete(f"{self.base_url}/api/v1/_mock/faults/{rule_id}", timeout=10)

    def remaining_faults(self) -> list[dict[str, Any]]:
        response = requests.get(f"{self.base_url}/api/v1/_mock/faults", timeout=10)
        response.raise_for_status()
        return list(response.json())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def mastodon_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockMastodon]:
    server = MockMastodon(tmp_path_factory.mktemp("mastodon-mock"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


# -- a TCP proxy that can cut the stream -------------------------------------------------------
class CuttableProxy:
    """Forwards 127.0.0.1:port to the server; `cut_streams()` drops streaming connections."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter, bool]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        first = await reader.read(65536)
        is_stream = b"/api/v1/streaming/" in first.split(b"\r\n", 1)[0]
        link = (writer, up_writer, is_stream)
        self._links.add(link)
        up_writer.write(first)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (ConnectionError, OSError):
            pass
        finally:
            self._links.discard(link)
            for w in (writer, up_writer):
                w.transport.abort()

    def cut_streams(self) -> int:
        cut = 0
        for client, upstream, is_stream in list(self._links):
            if is_stream:
                client.transport.abort()
                upstream.transport.abort()
                cut += 1
        return cut

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for client, upstream, _ in list(self._links):
            client.transport.abort()
            upstream.transport.abort()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
        if self._server is not None:
            await self._server.wait_closed()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.transport.abort()


@pytest.fixture
async def proxy(mastodon_server: MockMastodon) -> AsyncIterator[CuttableProxy]:
    forward = CuttableProxy(mastodon_server.port)
    await forward.start()
    yield forward
    await forward.close()


# -- a server that ignores Idempotency-Key and loses answers -----------------------------------
class ForgetfulServer:
    """An HTTP proxy in front of the real server that behaves like a Mastodon-API server
    without idempotency (Takahē): it drops the Idempotency-Key header, and for the next
    `lose` status posts it lets the server save the post but never answers the client
    (the connection is cut, as by a network fault after the server did its work)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.lose = 0
        self.posts_seen = 0
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "idempotency-key", "content-length")
        }
        body = await request.read()
        async with self._session.request(
            request.method, self.target + request.path_qs, headers=headers, data=body
        ) as upstream:
            payload = await upstream.read()
            is_post = request.method == "POST" and request.path == "/api/v1/statuses"
            if is_post:
                self.posts_seen += 1
                if self.lose > 0 and upstream.status == 200:
                    self.lose -= 1
                    assert request.transport is not None
                    request.transport.abort()  # saved upstream, never answered here
                    raise ConnectionResetError("answer lost")
            response = web.Response(status=upstream.status, body=payload)
            for name in ("Content-Type", "Link", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                if name in upstream.headers:
                    response.headers[name] = upstream.headers[name]
            return response

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()


@pytest.fixture
async def forgetful(mastodon_server: MockMastodon) -> AsyncIterator[ForgetfulServer]:
    server = ForgetfulServer(mastodon_server.base_url)
    await server.start()
    yield server
    await server.close()


# -- a tiny DM conversation (a testimony told over several messages) -------------------------
class StoryFlow:
    name = "recit"
    label = "le récit"
    controls = frozenset({"fin"})

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        if text.startswith("!fin"):
            return Turn([f"Merci : {len(state.data['parts'])} message(s) reçu(s)."])
        parts = [*state.data.get("parts", []), text]
        return Turn([f"Noté ({len(parts)}). Continuez, ou !fin."], "texte", {"parts": parts})

    def help_for(self, state: ConversationState) -> str:
        return "Écrivez votre récit, puis !fin."

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return "Récit annulé, rien n'est gardé."


class StoryFeature(Feature):
    name = "recit"

    def setup(self, services: Services, router: Router) -> None:
        services.conversations.register(StoryFlow())

        async def start(ctx: CommandContext) -> str:
            await ctx.services.conversations.start(ctx.message, "recit", "texte", {"parts": []})
            return "Racontez en un ou plusieurs messages, puis !fin."

        router.register(Command("recit", "raconter", start, direct_only=True))


# -- Relais against the server ------------------------------------------------------------------
FAST = MastodonTuning(
    request_timeout=10,
    connect_timeout=5,
    stream_idle_timeout=5,
    reconnect_base_seconds=0.2,
    reconnect_max_seconds=1.0,
    stable_after_seconds=30,
    failures_before_polling=3,
    streaming_retry_seconds=60,
    no_streaming_retry_seconds=60,
    setup_retry_seconds=0.5,
)


@dataclass
class Relais:
    app: App
    transport: MastodonTransport
    organisers: RecordingTransport
    bot: Account


StartRelais = Callable[..., contextlib.AbstractAsyncContextManager[Relais]]


@pytest.fixture
def start_relais(mastodon_server: MockMastodon, tmp_path: Path) -> StartRelais:
    @contextlib.asynccontextmanager
    async def start(
        *,
        base_url: str | None = None,
        visibility: str = "unlisted",
        poll_interval: float = 2.0,
        tuning: MastodonTuning = FAST,
        ready: bool = True,
    ) -> AsyncIterator[Relais]:
        bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
        config = parse_config(
            {
                "relais": {"data_dir": str(tmp_path / f"data-{bot.username}")},
                "mastodon": {
                    "api_base_url": base_url or mastodon_server.base_url,
                    "access_token": bot.token,
                    "announcement_visibility": visibility,
                },
                "outbox": {"base_delay_seconds": 0.05, "max_delay_seconds": 1},
                "groups": [
                    {
                        "name": "le-mans",
                        "organisers_room": "console:orga-le-mans",
                        "mastodon": {
                            "hashtags": ["LeMans", "Solidarite"],
                            "content_warning": "Manif",
                        },
                    }
                ],
            },
            environ={},
        )
        assert config.mastodon is not None
        config = replace(
            config, mastodon=replace(config.mastodon, poll_interval_seconds=poll_interval)
        )
        async with App(config, [AideFeature(), StoryFeature()]) as app:
            organisers = RecordingTransport("console")
            app.add_transport(organisers)
            transport = MastodonTransport(config, app.services, tuning=tuning)
            app.add_transport(transport)
            task = asyncio.create_task(transport.run(app.router.handle))
            try:
                if ready:
                    await asyncio.wait_for(transport.wait_ready(), 20)
                yield Relais(app, transport, organisers, bot)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        transport.close()

    return start


async def wait_until(
    check: Callable[[], Awaitable[Any]], *, within: float = 20.0, every: float = 0.1
) -> Any:
    """Poll `check` until it returns something truthy; fail the test after `within` s."""
    try:
        return await shared_wait_until(check, within=within, every=every)
    except TimeoutError as exc:
        pytest.fail(str(exc))

"""A real Synapse homeserver on 127.0.0.1, for the tests, the benchmark and `make demo`.

`LocalSynapse` owns one Synapse process and its data directory: it writes the
configuration (first start only generates secrets and the signing key), launches
`python -m synapse.app.homeserver` with the current interpreter, waits until the
client API answers, and stops it again. The same object can restart the server on
the same port with the same data, register users through the shared-secret admin
API, log them in, and exempt them from rate limits.

Design choices:
- The object keeps no event-loop-bound state (no long-lived aiohttp session, no
  asyncio subprocess): every HTTP call opens its own short session. One instance
  can therefore be started by a synchronous pytest fixture and used from tests that
  each run in their own event loop. Blocking twins (`start_blocking`,
  `stop_blocking`, `restart_blocking`) exist for such fixtures.
- On Linux, when started from the main thread, the child asks the kernel to send
  it SIGTERM if its parent dies (prctl PR_SET_PDEATHSIG), so even a killed test
  run or demo leaves no orphan Synapse behind.
- Start and stop are not safe to call concurrently from several tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Literal, Self

import yaml

from devserver.accounts import LocalSynapseError, SynapseAccounts, UserCredentials
from devserver.synapse_config import (
    ACCOUNT_LIMITS,
    RELAXED_LIMITS,
    free_port,
    log_config,
    overrides,
    reusable_port,
)

logger = logging.getLogger(__name__)

RateLimitProfile = Literal["relaxed", "default"]

__all__ = ["LocalSynapse", "LocalSynapseError", "RateLimitProfile", "UserCredentials"]

CONFIG_FILE = "homeserver.yaml"
LOG_FILE = "homeserver.log"
STDIO_FILE = "synapse-stdio.log"
PID_FILE = "harness.pid"
_LOG_CONFIG_FILE = "log.config"
_VERSIONS_PATH = "/_matrix/client/versions"

# Runs in the child before exec: die with the parent thread, and give up at once
# if the parent is already gone (argv[1] is the expected parent pid).
_LAUNCHER = """\
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
os.execv(sys.executable, [sys.executable, "-m", "synapse.app.homeserver", *sys.argv[2:]])
"""


class LocalSynapse(SynapseAccounts):
    """One local Synapse process and its data directory.

    `base_dir` holds everything: config, SQLite database, media, logs. Reusing a
    directory keeps users, rooms and keys (the demo does this). `port=None` reuses
    the port written in an existing config when it is free, else picks a free one;
    the port then stays fixed for restarts. `ratelimits="relaxed"` opens every
    limiter wide; `"default"` keeps Synapse's own defaults for what a bot does
    (messages 0.2/s, burst 10; joins 0.1/s, burst 10) for rate-limit tests, with only
    logins and registration opened (tests create many accounts from one address).
    """

    def __init__(
        self,
        base_dir: Path,
        *,
        server_name: str = "localhost",
        port: int | None = None,
        ratelimits: RateLimitProfile = "relaxed",
        startup_timeout: float = 60.0,
        stop_timeout: float = 15.0,
    ) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.server_name = server_name
        self.ratelimits: RateLimitProfile = ratelimits
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.last_startup_seconds: float | None = None
        self._port = port
        self._process: subprocess.Popen[bytes] | None = None
        self._stdio: IO[bytes] | None = None
        self._shared_secret: str | None = None
        self._admin_token: str | None = None
        self._began = 0.0

    # ----------------------------------------------------------------- paths
    @property
    def config_path(self) -> Path:
        return self.base_dir / CONFIG_FILE

    @property
    def log_path(self) -> Path:
        """Synapse's own log (WARNING and above)."""
        return self.base_dir / LOG_FILE

    @property
    def port(self) -> int:
        if self._port is None:
            raise LocalSynapseError("the port is chosen at the first start")
        return self._port

    @property
    def url(self) -> str:
        """Homeserver base URL, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running and self._process else None

    def user_id(self, localpart: str) -> str:
        return f"@{localpart.lower()}:{self.server_name}"

    # ------------------------------------------------------------- lifecycle
    def start_blocking(self) -> None:
        """Start Synapse and wait until its client API answers (no-op if running)."""
        if self.running:
            return
        self._prepare()
        deadline = self._spawn()
        try:
            while not self._answers():
                self._check_still_starting(deadline)
                time.sleep(0.1)
        except BaseException:
            self._abandon_start()
            raise
        self._record_ready()

    async def start(self) -> None:
        """`start_blocking` for async callers. The process is spawned from the calling
        thread (the kernel ties its life to that thread), the waiting is done off it."""
        if self.running:
            return
        await asyncio.to_thread(self._prepare)
        deadline = self._spawn()
        try:
            while not await asyncio.to_thread(self._answers):
                self._check_still_starting(deadline)
                await asyncio.sleep(0.1)
        except BaseException:
            self._abandon_start()
            raise
        self._record_ready()

    def stop_blocking(self) -> None:
        """SIGTERM, wait up to `stop_timeout`, then SIGKILL. No-op if not running."""
        process = self._process
        if process is None:
            return
        try:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=self.stop_timeout)
        finally:
            self._reap(process)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_blocking)

    def restart_blocking(self) -> None:
        """Stop, then start again on the same port with the same data."""
        self.stop_blocking()
        self.start_blocking()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def __enter__(self) -> Self:
        self.start_blocking()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_blocking()

    # -------------------------------------------------------------- internals
    def _prepare(self) -> None:
        """Generate the config once, then (re)write our overrides on every start."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self._refuse_if_running_elsewhere()
        if not self.config_path.exists():
            self._generate_config()
        config = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
        if not isinstance(config, dict):
            raise LocalSynapseError(f"{self.config_path} is not a mapping")
        if config.get("server_name") != self.server_name:
            raise LocalSynapseError(
                f"{self.base_dir} was made for server_name {config.get('server_name')!r}, "
                f"not {self.server_name!r}"
            )
        if self._port is None:
            self._port = reusable_port(config) or free_port()
        for key in [key for key in config if key.startswith("rc_")]:
            del config[key]
        config.update(overrides(self.server_name, self.port, self.base_dir, _LOG_CONFIG_FILE))
        if self.ratelimits == "relaxed":
            config.update(RELAXED_LIMITS)
        else:
            config.update(ACCOUNT_LIMITS)
        self._shared_secret = str(config["registration_shared_secret"])
        (self.base_dir / _LOG_CONFIG_FILE).write_text(
            yaml.safe_dump(log_config(self.log_path)), encoding="utf-8"
        )
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    def _generate_config(self) -> None:
        command = [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "--server-name",
            self.server_name,
            "--config-path",
            str(self.config_path),
            "--data-directory",
            str(self.base_dir),
            "--generate-config",
            "--report-stats=no",
        ]
        result = subprocess.run(
            command, cwd=self.base_dir, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise LocalSynapseError(
                f"synapse --generate-config failed ({result.returncode}):\n{result.stderr[-2000:]}"
            )

    def _spawn(self) -> float:
        """Launch the process; the deadline by which it must answer."""
        self._began = time.monotonic()
        config = str(self.config_path)
        in_main_thread = threading.current_thread() is threading.main_thread()
        if sys.platform == "linux" and in_main_thread:
            command = [sys.executable, "-c", _LAUNCHER, str(os.getpid()), "-c", config]
        else:
            command = [sys.executable, "-m", "synapse.app.homeserver", "-c", config]
        self._stdio = (self.base_dir / STDIO_FILE).open("ab")
        self._process = subprocess.Popen(
            command,
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._stdio,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        (self.base_dir / PID_FILE).write_text(str(self._process.pid), encoding="utf-8")
        return self._began + self.startup_timeout

    def _check_still_starting(self, deadline: float) -> None:
        process = self._process
        if process is None:
            raise LocalSynapseError("Synapse was stopped while starting")
        code = process.poll()
        if code is not None:
            self._reap(process)
            raise LocalSynapseError(f"Synapse exited with code {code}.\n{self._log_tail()}")
        if time.monotonic() > deadline:
            self._reap(process)
            raise LocalSynapseError(
                f"Synapse did not answer within {self.startup_timeout:.0f} s.\n{self._log_tail()}"
            )

    def _abandon_start(self) -> None:
        """A start that failed or was cancelled leaves no process behind."""
        if self._process is not None:
            self._reap(self._process)

    def _record_ready(self) -> None:
        self.last_startup_seconds = time.monotonic() - self._began
        logger.info(
            "Synapse ready on %s in %.1f s (pid %s)", self.url, self.last_startup_seconds, self.pid
        )

    def _reap(self, process: subprocess.Popen[bytes]) -> None:
        """Make sure `process` is gone, then forget it."""
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if self._process is process:
            self._process = None
            with contextlib.suppress(FileNotFoundError):
                (self.base_dir / PID_FILE).unlink()
        if self._stdio is not None:
            self._stdio.close()
            self._stdio = None

    def _refuse_if_running_elsewhere(self) -> None:
        """Two Synapses on one SQLite database would corrupt it."""
        try:
            pid = int((self.base_dir / PID_FILE).read_text(encoding="utf-8"))
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return
        if str(self.config_path).encode() in cmdline:
            raise LocalSynapseError(f"a Synapse (pid {pid}) already runs from {self.base_dir}")

    def _log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in (self.base_dir / STDIO_FILE, self.log_path):
            with contextlib.suppress(OSError):
                tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(tail))
        return "\n".join(parts) or "(no log)"

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + _VERSIONS_PATH, timeout=2.0) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _secret(self) -> str:
        if self._shared_secret is None:
            raise LocalSynapseError("start the server before using its admin API")
        return self._shared_secret

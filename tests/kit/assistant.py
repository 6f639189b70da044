"""Driving `relais init` the way a person does: read its questions, type the answers."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.kit.cli import ROOT

QUESTION_TIMEOUT = 60.0


class AssistantSession:
    """A running `relais init` with pipes for its terminal."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.screen = ""  # everything it printed so far
        self._seen = 0  # how much of `screen` earlier expectations consumed

    @classmethod
    async def start(
        cls, *args: str, cwd: Path, env: dict[str, str] | None = None
    ) -> AssistantSession:
        environ = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
        environ.pop("RELAIS_MATRIX_PASSWORD", None)
        environ.pop("RELAIS_MASTODON_ACCESS_TOKEN", None)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "init",
            *args,
            cwd=cwd,
            env={**environ, **(env or {})},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process)

    async def expect(self, text: str, timeout: float = QUESTION_TIMEOUT) -> str:
        """Wait until `text` appears after what was already read; what came before it."""
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while (found := self.screen.find(text, self._seen)) < 0:
                chunk = await self.process.stdout.read(4096)
                if not chunk:
                    raise AssertionError(f"assistant ended before {text!r}:\n{self.screen}")
                self.screen += chunk.decode("utf-8")
        before = self.screen[self._seen : found]
        self._seen = found + len(text)
        return before

    async def answer(self, question: str, reply: str) -> None:
        await self.expect(question)
        await self.expect("> ")
        assert self.process.stdin is not None
        self.process.stdin.write(reply.encode("utf-8") + b"\n")
        await self.process.stdin.drain()

    async def finish(self, timeout: float = QUESTION_TIMEOUT) -> int:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            rest = await self.process.stdout.read()
            self.screen += rest.decode("utf-8")
            return await self.process.wait()

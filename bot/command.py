"""What a command is: its declared words, arguments and limits, and the errors a handler
raises (the router reads these; features declare them with bot/declare.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot import texts
from bot.context import CommandContext
from bot.french import normalize
from bot.message import Reply, Role

DEFAULT_ARGUMENT_CHARS = 500

HandlerResult = Reply | str | Sequence[Reply | str] | None
Handler = Callable[[CommandContext], Awaitable[HandlerResult]]


class CommandError(Exception):
    """Raised by handlers: the French message is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CommandError):
    """Wrong arguments: the router adds the command's declared syntax."""


@dataclass(frozen=True)
class Arg:
    name: str  # French, shown in the syntax: "question", "CODE"
    required: bool = True
    rest: bool = False  # takes the rest of the line, spaces included


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one French line for !aide
    handler: Handler | None = None
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    role: Role = Role.MEMBER
    details: str = ""  # longer French help for !aide COMMANDE
    examples: tuple[str, ...] = ()
    subcommands: tuple[Command, ...] = ()
    direct_only: bool = False
    max_chars: int = DEFAULT_ARGUMENT_CHARS  # the arguments, all together

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def syntax(self) -> str:
        parts = []
        for arg in self.args:
            label = f"<{arg.name}>" if arg.required else f"[{arg.name}]"
            parts.append(label + ("…" if arg.rest and not arg.required else ""))
        return " ".join(parts)

    def examples_for(self, prefix: str) -> tuple[str, ...]:
        """The examples as a person types them (`{prefix}` is the configured prefix)."""
        return tuple(example.replace("{prefix}", prefix) for example in self.examples)

    def details_for(self, prefix: str) -> str:
        return self.details.replace("{prefix}", prefix)

    def usage(self, prefix: str = "!", parent: Command | None = None) -> str:
        head = f"{prefix}{parent.name} {self.name}" if parent else f"{prefix}{self.name}"
        syntax = self.syntax()
        return f"{head} {syntax}".strip()

    def find_subcommand(self, word: str) -> Command | None:
        wanted = normalize(word)
        for sub in self.subcommands:
            if wanted in (normalize(n) for n in sub.names()):
                return sub
        return None


class Declared(Protocol):
    def commands(self) -> list[Command]: ...


def parse_args(command: Command, raw: str) -> dict[str, str]:
    """Split `raw` per the declared arguments; raise UsageError naming what is wrong."""
    values: dict[str, str] = {}
    rest = raw.strip()
    for index, arg in enumerate(command.args):
        if not rest:
            if arg.required:
                raise UsageError(texts.MISSING_ARGUMENT.format(name=arg.name))
            continue
        if arg.rest or (index == len(command.args) - 1 and arg.rest):
            values[arg.name] = rest
            rest = ""
            break
        word, _, rest = rest.partition(" ")
        values[arg.name] = word
        rest = rest.strip()
    if rest:
        raise UsageError(texts.TOO_MANY_ARGUMENTS)
    return values

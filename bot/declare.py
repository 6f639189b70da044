"""Declaring a feature's commands next to their handlers (the maubot way, our own code).

    class AgendaCommands(CommandSet):
        @command("agenda", texts.LIST_SUMMARY, examples=("{prefix}agenda mois",))
        @argument("période", required=False)
        async def agenda(self, ctx: CommandContext) -> HandlerResult: ...

        @agenda.subcommand("ajouter", texts.ADD_SUMMARY, role=Role.ORGANISER)
        @argument("QUAND | TITRE | LIEU", rest=True)
        async def add(self, ctx: CommandContext) -> HandlerResult: ...

`command` and `subcommand` turn a method into a `CommandSpec`; `argument` adds, in
order, what the command takes. `CommandSet.commands()` builds the router's `Command`
values with the handlers bound to the instance, which holds what the handlers need
(the feature's service): no lookup by name, no global. Help text and examples may say
`{prefix}`: help shows them with the configured command prefix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.context import CommandContext
from bot.message import Role
from bot.router import DEFAULT_ARGUMENT_CHARS, Arg, Command, HandlerResult

Method = Callable[[Any, CommandContext], Awaitable[HandlerResult]]


@dataclass
class CommandSpec:
    """A declared command: its handler (unbound), its words, its arguments, its children."""

    method: Method | None
    name: str
    summary: str
    aliases: tuple[str, ...] = ()
    role: Role = Role.MEMBER
    details: str = ""
    examples: tuple[str, ...] = ()
    direct_only: bool = False
    max_chars: int = DEFAULT_ARGUMENT_CHARS
    args: list[Arg] = field(default_factory=list)
    children: list[CommandSpec] = field(default_factory=list)
    is_child: bool = False

    def subcommand(
        self, name: str, summary: str, **options: Any
    ) -> Callable[[Method | CommandSpec], CommandSpec]:
        """Declare a sub-command (`!agenda ajouter …`) of this command."""

        def wrap(target: Method | CommandSpec) -> CommandSpec:
            spec = _spec(target, name, summary, options)
            spec.is_child = True
            self.children.append(spec)
            return spec

        return wrap

    def build(self, owner: object) -> Command:
        handler = None
        if self.method is not None:
            method = self.method

            async def handler(ctx: CommandContext) -> HandlerResult:
                return await method(owner, ctx)

        return Command(
            name=self.name,
            summary=self.summary,
            handler=handler,
            args=tuple(self.args),
            aliases=self.aliases,
            role=self.role,
            details=self.details,
            examples=self.examples,
            subcommands=tuple(child.build(owner) for child in self.children),
            direct_only=self.direct_only,
            max_chars=self.max_chars,
        )


def _spec(target: Method | CommandSpec, name: str, summary: str, options: Any) -> CommandSpec:
    if isinstance(target, CommandSpec):  # @argument was applied first
        return replace(target, name=name, summary=summary, **options)
    return CommandSpec(target, name, summary, **options)


def command(name: str, summary: str, **options: Any) -> Callable[[Method | Any], CommandSpec]:
    """Declare a top-level command. Options: aliases, role, details, examples,
    direct_only, max_chars (see `bot.router.Command`)."""

    def wrap(target: Method | CommandSpec) -> CommandSpec:
        return _spec(target, name, summary, options)

    return wrap


def group(name: str, summary: str, **options: Any) -> CommandSpec:
    """A command that only groups sub-commands (`!droit recharger` needs `!droit`…):
    without a handler of its own, typing it alone lists its sub-commands."""
    return CommandSpec(None, name, summary, **options)


def argument(
    name: str, *, required: bool = True, rest: bool = False
) -> Callable[[Method | CommandSpec], CommandSpec]:
    """What the command takes, in the order written (`rest`: the rest of the line)."""

    def wrap(target: Method | CommandSpec) -> CommandSpec:
        spec = target if isinstance(target, CommandSpec) else CommandSpec(target, "", "")
        spec.args.insert(0, Arg(name, required=required, rest=rest))
        return spec

    return wrap


class CommandSet:
    """A feature's commands, declared as methods with `@command`."""

    def commands(self) -> list[Command]:
        specs: list[CommandSpec] = []
        for klass in reversed(type(self).__mro__):
            for value in vars(klass).values():
                if isinstance(value, CommandSpec) and not value.is_child and value not in specs:
                    specs.append(value)
        return [spec.build(self) for spec in specs]

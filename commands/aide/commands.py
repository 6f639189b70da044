"""`!aide` and `!ping`, declared next to their handlers."""

from __future__ import annotations

from bot.context import CommandContext
from bot.declare import CommandSet, argument, command
from bot.french import quoted
from bot.message import Role
from bot.router import Command, CommandError, Router
from commands.aide import texts


class AideCommands(CommandSet):
    def __init__(self, router: Router) -> None:
        self.router = router

    @command(
        "aide",
        texts.AIDE_SUMMARY,
        aliases=("help", "menu", "aides"),
        examples=("{prefix}aide droit",),
    )
    @argument("commande", required=False)
    async def aide(self, ctx: CommandContext) -> str:
        return help_text(self.router, ctx)

    @command("ping", texts.PING_SUMMARY, aliases=("test",))
    async def ping(self, ctx: CommandContext) -> str:
        return texts.PONG


def help_text(router: Router, ctx: CommandContext) -> str:
    prefix = ctx.prefix
    role = ctx.message.sender.role
    wanted = ctx.args.get("commande")
    if not wanted:
        visible = [c for c in router.commands() if c.role <= role]
        lines = [texts.HELP_TITLE, ""]
        lines += [f"- {prefix}{c.name} : {c.summary}" for c in visible]
        lines += ["", texts.HELP_DETAILS.format(prefix=prefix)]
        if role < Role.ORGANISER and any(c.role > role for c in router.commands()):
            lines.append(texts.HELP_MORE_FOR_ORGANISERS)
        return "\n".join(lines)
    command_found = router.find(wanted)
    if command_found is None:
        raise CommandError(
            texts.HELP_UNKNOWN.format(prefix=prefix, word=quoted(wanted.lstrip(prefix), 40))
        )
    return _details(command_found, prefix, role)


def _details(found: Command, prefix: str, role: Role) -> str:
    details = found.details_for(prefix)
    lines = [f"{prefix}{found.name} : {found.summary}"]
    if details:
        lines += ["", details]
    if found.handler is not None:
        lines += ["", texts.HELP_USAGE.format(usage=found.usage(prefix))]
    subs = [s for s in found.subcommands if s.role <= role]
    # Long details often list the variants already: do not say it all twice on a phone.
    if subs and not all(f"{found.name} {s.name}" in details for s in subs):
        lines += ["", texts.HELP_SUBCOMMANDS]
        lines += [f"- {s.usage(prefix, found)} : {s.summary}" for s in subs]
    examples = found.examples_for(prefix)
    if examples:
        lines += ["", texts.HELP_EXAMPLES]
        lines += [f"- {e}" for e in examples]
    if found.aliases:
        lines += ["", texts.HELP_ALIASES + ", ".join(prefix + a for a in found.aliases)]
    if found.role > role:
        lines += ["", texts.HELP_RESERVED]
    return "\n".join(lines)

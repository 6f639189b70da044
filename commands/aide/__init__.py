"""!aide and !ping: what you can do here, and whether the bot is alive."""

from __future__ import annotations

from bot.context import CommandContext, Services
from bot.feature import Feature
from bot.french import quoted
from bot.message import Role
from bot.router import Arg, Command, CommandError, Router
from commands.aide import texts


class AideFeature(Feature):
    name = "aide"

    def setup(self, services: Services, router: Router) -> None:
        async def aide(ctx: CommandContext) -> str:
            return help_text(router, ctx)

        async def ping(ctx: CommandContext) -> str:
            return texts.PONG

        router.register(
            Command(
                name="aide",
                aliases=("help", "menu", "aides"),
                summary=texts.AIDE_SUMMARY,
                handler=aide,
                args=(Arg("commande", required=False),),
                examples=("!aide droit",),
            )
        )
        router.register(
            Command(name="ping", summary=texts.PING_SUMMARY, handler=ping, aliases=("test",))
        )


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
    command = router.find(wanted)
    if command is None:
        raise CommandError(
            texts.HELP_UNKNOWN.format(prefix=prefix, word=quoted(wanted.lstrip(prefix), 40))
        )
    lines = [f"{prefix}{command.name} : {command.summary}"]
    if command.details:
        lines += ["", command.details]
    if command.handler is not None:
        lines += ["", texts.HELP_USAGE.format(usage=command.usage(prefix))]
    subs = [s for s in command.subcommands if s.role <= role]
    # Long details often list the variants already: do not say it all twice on a phone.
    if subs and not all(f"{command.name} {s.name}" in command.details for s in subs):
        lines += ["", texts.HELP_SUBCOMMANDS]
        lines += [f"- {s.usage(prefix, command)} : {s.summary}" for s in subs]
    if command.examples:
        lines += ["", texts.HELP_EXAMPLES]
        lines += [f"- {e}" for e in command.examples]
    if command.aliases:
        lines += ["", texts.HELP_ALIASES + ", ".join(prefix + a for a in command.aliases)]
    if command.role > role:
        lines += ["", texts.HELP_RESERVED]
    return "\n".join(lines)

"""Command registry, parsing, roles, flood limit, conversations and the error boundary.

Every incoming `Message` goes through `Router.handle`. Replies leave through the outbox.
"""

from __future__ import annotations

import difflib
import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from bot import texts
from bot.command import (
    DEFAULT_ARGUMENT_CHARS,
    Arg,
    Command,
    CommandError,
    Declared,
    HandlerResult,
    UsageError,
    parse_args,
)
from bot.config import FloodConfig
from bot.context import CommandContext, Services
from bot.conversation import ConversationState
from bot.flood import FloodLimiter, FloodVerdict
from bot.french import is_help_request, normalize
from bot.logs import log_failure
from bot.message import ALREADY_HANDLED, Message, Reply, Role, Sender
from bot.outbox import OutgoingDraft

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ARGUMENT_CHARS",
    "MAX_MESSAGE_CHARS",
    "Arg",
    "Command",
    "CommandError",
    "Declared",
    "HandlerResult",
    "Router",
    "UsageError",
    "parse_args",
]

# Every input is bounded (README, "Ce que le robot lit"): a longer message is refused with
# a kind word, a command's arguments have their own limit, and a "command name" longer
# than any real one is not looked up.
MAX_MESSAGE_CHARS = 10_000
MAX_COMMAND_WORD_CHARS = 32
# Free text inside a conversation (a testimony told in many messages) has its own,
# larger budget than commands: several times the command flood limit.
CONVERSATION_BUDGET_FACTOR = 6
CANCEL_WORDS = frozenset({"annuler", "stop", "arreter"})


class Router:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._commands: dict[str, Command] = {}
        self._by_name: dict[str, Command] = {}
        flood = services.config.flood
        self._flood = FloodLimiter(flood, time.monotonic)
        self._conversation_flood = FloodLimiter(
            FloodConfig(
                flood.capacity * CONVERSATION_BUDGET_FACTOR,
                flood.refill_per_minute * CONVERSATION_BUDGET_FACTOR,
            ),
            time.monotonic,
        )
        self.prefix = services.config.command_prefix

    # -- registry --------------------------------------------------------------------
    def register(self, command: Command) -> None:
        for name in command.names():
            key = normalize(name)
            if key in self._by_name:
                raise ValueError(f"command name {name!r} registered twice")
            self._by_name[key] = command
        self._commands[command.name] = command

    def register_all(self, declared: Declared) -> None:
        """Register every command a feature declared (see `bot.declare`)."""
        for command in declared.commands():
            self.register(command)

    def commands(self) -> list[Command]:
        return list(self._commands.values())

    def find(self, name: str) -> Command | None:
        return self._by_name.get(normalize(name).lstrip(self.prefix))

    def effective_role(self, message: Message) -> Role:
        organiser = self._services.config.organisers.includes(message.transport, message.sender.id)
        return Role.ORGANISER if organiser else message.sender.role

    # -- entry point -------------------------------------------------------------------
    async def handle(self, message: Message) -> int:
        """Route one message; return how many replies were recorded in the outbox
        (ALREADY_HANDLED for a message whose event was handled before).

        One transaction: the event id claimed, the conversation step, the replies recorded.
        A crash in the middle leaves nothing half-done, and the message is handled again
        after the restart; a message handled to the end is never handled twice.
        """
        async with self._services.store.transaction():
            if message.event_id and not await self._claim(message):
                return ALREADY_HANDLED
            return await self._handle(message)

    async def _claim(self, message: Message) -> bool:
        inserted = await self._services.store.execute(
            "INSERT INTO handled_events (event_id, handled_at) VALUES (?, ?)"
            " ON CONFLICT(event_id) DO NOTHING",
            (f"{message.transport}:{message.event_id}", time.time()),
        )
        return inserted > 0

    async def _handle(self, message: Message) -> int:
        role = self.effective_role(message)
        if role != message.sender.role:
            message = _with_role(message, role)
        text = message.text.strip()
        is_command = text.startswith(self.prefix) and len(text) > 1
        services = self._services
        state = await services.conversations.get(message) if (is_command or text) else None
        if not is_command and state is None and not message.is_direct:
            return 0  # plain chat in a room is none of our business
        if not text:
            return 0
        # Free text inside a conversation (a testimony told over many messages) has its
        # own, larger budget; commands and greetings share the ordinary one.
        limiter = self._flood if is_command or state is None else self._conversation_flood
        verdict = (
            limiter.check(f"{message.transport}:{message.sender.id}")
            if message.sender.flood_limited
            else FloodVerdict.ALLOW
        )
        if verdict is FloodVerdict.DROP:
            logger.info("flood: dropped a message on %s", message.transport)
            return 0
        if verdict is FloodVerdict.WARN:
            logger.info("flood: warned a sender on %s", message.transport)
            return await self.send(message, [texts.FLOOD_WARNING])
        if len(text) > MAX_MESSAGE_CHARS:
            logger.info("refused a message over %d characters", MAX_MESSAGE_CHARS)
            return await self.send(message, [texts.too_long_message(len(text), MAX_MESSAGE_CHARS)])
        started = time.monotonic()
        replies = await self._dispatch(message, text, is_command, state)
        count = await self.send(message, replies)
        logger.debug("handled a message in %.1f ms", (time.monotonic() - started) * 1000)
        return count

    async def _dispatch(
        self, message: Message, text: str, is_command: bool, state: ConversationState | None
    ) -> Sequence[Reply | str]:
        if is_command:
            # "! droit caf": phones often put a space after the exclamation mark.
            word, _, raw = text[len(self.prefix) :].lstrip().partition(" ")
            if len(word) > MAX_COMMAND_WORD_CHARS:
                return [texts.unknown_command(self.prefix, word, None)]
            word = normalize(word)
            if not word:
                return [texts.greeting(self.prefix, self._visible_commands(message.sender))]
            if state is not None:
                handled = await self._conversation_control(message, state, word, raw)
                if handled is not None:
                    return handled
            elif word in CANCEL_WORDS and word not in self._by_name:
                return [texts.NOTHING_TO_CANCEL]
            return await self._run_command(message, word, raw)
        if state is not None:
            return await self._conversation_input(message, state, text)
        return [texts.greeting(self.prefix, self._visible_commands(message.sender))]

    # -- commands ----------------------------------------------------------------------
    async def _run_command(self, message: Message, word: str, raw: str) -> Sequence[Reply | str]:
        command = self._by_name.get(word)
        if command is None:
            logger.info("unknown command on %s", message.transport)
            return [texts.unknown_command(self.prefix, word, self._suggest(word, message.sender))]
        parent: Command | None = None
        first, _, after = raw.strip().partition(" ")
        sub = command.find_subcommand(first) if first else None
        if sub is not None:
            parent, command, raw = command, sub, after
        name = f"{parent.name} {command.name}" if parent else command.name
        if command.role > message.sender.role:
            logger.info("command %s refused: role", name)
            return [texts.ORGANISERS_ONLY]
        if command.handler is None:
            return [texts.subcommand_menu(self.prefix, command)]
        if command.direct_only and not message.is_direct:
            return [texts.DIRECT_ONLY]
        if len(raw.strip()) > command.max_chars:
            logger.info("command %s: arguments too long", name)
            return [texts.too_long_arguments(len(raw.strip()), command.max_chars)]
        started = time.monotonic()
        try:
            args = parse_args(command, raw)
            ctx = CommandContext(self._services, message, command, args, raw.strip(), self.prefix)
            # A savepoint: a handler that fails leaves none of its writes behind.
            async with self._services.store.transaction():
                result = await command.handler(ctx)
        except UsageError as exc:
            logger.info("command %s: usage error", name)
            return [
                texts.usage_error(
                    exc.message,
                    command.usage(self.prefix, parent),
                    command.examples_for(self.prefix),
                )
            ]
        except CommandError as exc:
            logger.info("command %s: refused with a message", name)
            return [exc.message]
        except Exception as exc:
            _log_failure(f"command {name}", exc)
            return [texts.APOLOGY]
        logger.info("command %s ok in %.1f ms", name, (time.monotonic() - started) * 1000)
        replaced = await self._services.conversations.take_replaced(message)
        if replaced is not None:
            return [texts.conversation_left(replaced.label), *_as_list(result)]
        return _as_list(result)

    def _visible_commands(self, sender: Sender) -> list[Command]:
        return [c for c in self._commands.values() if c.role <= sender.role]

    def _suggest(self, word: str, sender: Sender) -> str | None:
        names = [n for c in self._visible_commands(sender) for n in c.names()]
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        return close[0] if close else None

    # -- conversations -----------------------------------------------------------------
    async def _conversation_control(
        self, message: Message, state: ConversationState, word: str, raw: str
    ) -> Sequence[Reply | str] | None:
        conversations = self._services.conversations
        flow = conversations.flow(state.flow)
        if flow is None:
            return None
        if word in CANCEL_WORDS:
            await conversations.end(message)
            try:
                return [await flow.on_cancel(self._services, state)]
            except Exception as exc:
                _log_failure(f"conversation {state.flow} cancel", exc)
                return [texts.CANCELLED]
        if word == "aide" and not raw.strip():
            return [flow.help_for(state) + "\n\n" + texts.CONVERSATION_FOOTER]
        if word in flow.controls:
            return await self._conversation_input(
                message, state, f"{self.prefix}{word} {raw}".strip()
            )
        return None

    async def _conversation_input(
        self, message: Message, state: ConversationState, text: str
    ) -> Sequence[Reply | str]:
        conversations = self._services.conversations
        flow = conversations.flow(state.flow)
        if flow is None:
            await conversations.end(message)
            return [texts.APOLOGY]
        if is_help_request(text):
            return [flow.help_for(state) + "\n\n" + texts.CONVERSATION_FOOTER]
        try:
            async with self._services.store.transaction():  # a savepoint, as for commands
                turn = await flow.on_input(self._services, message, state, text)
        except CommandError as exc:
            return [exc.message]
        except Exception as exc:
            _log_failure(f"conversation {state.flow} step {state.step}", exc)
            return [texts.APOLOGY_CONVERSATION]
        if turn.step is None:
            await conversations.end(message)
        else:
            new_state = ConversationState(
                state.flow, turn.step, state.data if turn.data is None else turn.data
            )
            await conversations.save(message, new_state, turn.expiry_minutes)
        logger.info("conversation %s: step %s -> %s", state.flow, state.step, turn.step)
        return list(turn.replies)

    # -- output --------------------------------------------------------------------------
    async def send(self, message: Message, replies: Sequence[Reply | str]) -> int:
        drafts = []
        for index, item in enumerate(replies):
            reply = Reply(item) if isinstance(item, str) else item
            if not reply.text.strip():
                continue
            channel = reply.channel or message.channel
            key = None
            if message.event_id and reply.channel is None:
                # Stable across a restart that handles the same event again.
                key = f"re-{message.transport}-{message.event_id}-{index}"
            drafts.append(
                OutgoingDraft(
                    channel=channel,
                    text=reply.text,
                    kind=reply.kind,
                    key=key,
                    in_reply_to=message.event_id if reply.channel is None else None,
                    reply_context=message.reply_context if reply.channel is None else None,
                )
            )
        if drafts:
            await self._services.outbox.enqueue_many(drafts)
        return len(drafts)


def _as_list(result: HandlerResult) -> list[Reply | str]:
    if result is None:
        return []
    if isinstance(result, Reply | str):
        return [result]
    return list(result)


def _with_role(message: Message, role: Role) -> Message:
    sender = replace(message.sender, role=role)
    return Message(
        sender=sender,
        channel=message.channel,
        text=message.text,
        received_at=message.received_at,
        event_id=message.event_id,
        reply_context=message.reply_context,
    )


def _log_failure(what: str, exc: BaseException) -> None:
    log_failure(logger, what, exc)

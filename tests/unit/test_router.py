"""Router: declared syntax, roles, unknown commands, flood limit, DMs vs rooms, error boundary."""

from __future__ import annotations

import logging

import pytest

from bot import texts
from bot.app import App
from bot.context import CommandContext
from bot.conversation import ConversationState, Turn
from bot.message import ALREADY_HANDLED, Message, Role
from bot.router import Arg, Command, CommandError
from tests.helpers import RecordingTransport, message


async def replies(app: App, text: str, **kwargs: object) -> list[str]:
    name = str(kwargs.get("transport", "test"))
    if name not in app.services.outbox._transports:
        app.add_transport(RecordingTransport(name))
    transport = app.services.outbox._transports[name]
    assert isinstance(transport, RecordingTransport)
    before = len(transport.sent)
    await app.router.handle(message(text, **kwargs))  # type: ignore[arg-type]
    assert await app.services.outbox.drain(5)
    return transport.texts()[before:]


@pytest.fixture
def echo_commands(app: App) -> App:
    async def dire(ctx: CommandContext) -> str:
        return f"écho : {ctx.args['texte']} / {ctx.args.get('suite', '-')}"

    async def secret(ctx: CommandContext) -> str:
        return "réservé ok"

    async def oups(ctx: CommandContext) -> str:
        raise CommandError("Ce numéro n'existe pas. Vérifiez-le.")

    async def plante(ctx: CommandContext) -> str:
        marker = "-".join(("SECRET", "USER", "TEXT"))
        raise RuntimeError(f"{marker} {ctx.message.text}")

    router = app.router
    router.register(
        Command(
            "dire",
            "répète",
            dire,
            args=(Arg("texte"), Arg("suite", required=False, rest=True)),
            examples=("!dire bonjour",),
        )
    )
    router.register(Command("secret", "réservé", secret, role=Role.ORGANISER))
    router.register(Command("oups", "erreur attendue", oups))
    router.register(Command("plante", "erreur inattendue", plante, args=(Arg("x", False, True),)))
    return app


async def test_ping_answers(app: App) -> None:
    assert await replies(app, "!ping") == ["Pong ! Je suis là et je fonctionne."]


async def test_arguments_are_parsed_per_declared_syntax(echo_commands: App) -> None:
    out = await replies(echo_commands, "!dire salut tout le monde")
    assert out == ["écho : salut / tout le monde"]


async def test_missing_argument_is_answered_from_declared_syntax(echo_commands: App) -> None:
    (out,) = await replies(echo_commands, "!dire")
    assert "Il manque : texte." in out
    assert "Utilisation : !dire <texte> [suite]" in out
    assert "Exemple : !dire bonjour" in out


async def test_too_many_arguments(app: App) -> None:
    (out,) = await replies(app, "!ping encore et encore")
    assert out.startswith("Il y a trop de mots")
    assert "Utilisation : !ping" in out


async def test_unknown_command_gets_a_hint_not_silence(app: App) -> None:
    (out,) = await replies(app, "!pnig")
    assert "!pnig" in out and "!aide" in out
    assert "Vouliez-vous dire !ping ?" in out


async def test_command_names_ignore_case_and_accents(app: App) -> None:
    assert await replies(app, "!AIDE ping") == await replies(app, "!aidé ping")


async def test_organiser_only_command_refuses_members_politely(echo_commands: App) -> None:
    (out,) = await replies(echo_commands, "!secret")
    assert "réservée aux organisatrices et organisateurs" in out
    assert await replies(echo_commands, "!secret", role=Role.ORGANISER) == ["réservé ok"]


async def test_organisers_from_config_get_the_role(echo_commands: App) -> None:
    out = await replies(echo_commands, "!secret", sender="@orga:example.org", transport="matrix")
    assert out == ["réservé ok"]
    # The same id on another transport is not an organiser.
    assert await replies(echo_commands, "!secret", sender="@orga:example.org") != ["réservé ok"]


async def test_help_lists_only_commands_of_your_role(echo_commands: App) -> None:
    (member,) = await replies(echo_commands, "!aide")
    (organiser,) = await replies(echo_commands, "!aide", role=Role.ORGANISER)
    assert "!secret" not in member and "réservées aux organisatrices" in member
    assert "!secret" in organiser


async def test_plain_room_messages_are_ignored(app: App) -> None:
    assert await replies(app, "bonjour tout le monde") == []


async def test_plain_direct_message_gets_greeting_with_menu(app: App) -> None:
    (out,) = await replies(app, "bonjour", direct=True)
    assert out.startswith("Bonjour !") and "!aide" in out and "!ping" in out


async def test_command_error_is_shown_to_the_person(echo_commands: App) -> None:
    assert await replies(echo_commands, "!oups") == ["Ce numéro n'existe pas. Vérifiez-le."]


async def test_unexpected_error_apologises_and_logs_without_text(
    echo_commands: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    (out,) = await replies(echo_commands, "!plante avec mes données perso")
    assert out.startswith("Désolé")
    assert "RuntimeError" in caplog.text and "command plante failed" in caplog.text
    assert "SECRET-USER-TEXT" not in caplog.text
    assert "données perso" not in caplog.text


async def test_flood_warns_once_then_stays_silent(app: App) -> None:
    capacity = app.config.flood.capacity
    outs = [await replies(app, "!ping", sender="@flood:example.org") for _ in range(capacity + 3)]
    assert all(o == ["Pong ! Je suis là et je fonctionne."] for o in outs[:capacity])
    assert "Doucement" in outs[capacity][0]
    assert outs[capacity + 1] == [] and outs[capacity + 2] == []
    # Another person is not affected.
    assert await replies(app, "!ping", sender="@other:example.org") != []


async def test_same_event_handled_twice_is_answered_once(app: App) -> None:
    transport = app.services.outbox._transports["test"]
    assert isinstance(transport, RecordingTransport)
    msg = message("!ping", event_id="$same")
    await app.router.handle(msg)
    await app.router.handle(msg)
    await app.services.outbox.drain(5)
    assert [t for t in transport.sent if t.in_reply_to == "$same"].__len__() == 1


async def test_conversation_free_text_has_its_own_larger_budget(app: App) -> None:
    """500 story lines in a row: far more than the command budget gets through, then a
    warning, then silence until the budget refills: never 500 replies."""

    class Story:
        name = "story"
        controls = frozenset()

        async def on_input(self, services, message: Message, state, text: str) -> Turn:  # type: ignore[no-untyped-def]
            return Turn(["noté"], "story")

        def help_for(self, state: ConversationState) -> str:
            return "aide"

        async def on_cancel(self, services, state) -> str:  # type: ignore[no-untyped-def]
            return "annulé"

    app.services.conversations.register(Story())  # type: ignore[arg-type]
    teller = message("début", sender="@story:example.org", direct=True)
    await app.services.conversations.start(teller, "story", "story")
    outs = [
        await replies(app, f"ligne {i}", sender="@story:example.org", direct=True)
        for i in range(500)
    ]
    noted = sum(out == ["noté"] for out in outs)
    warned = sum(bool(out) and "Doucement" in out[0] for out in outs)
    assert app.config.flood.capacity * 3 < noted < 100
    assert 1 <= warned <= 3
    assert sum(len(out) for out in outs) == noted + warned


async def test_a_space_after_the_prefix_is_accepted(app: App) -> None:
    assert await replies(app, "! ping") == await replies(app, "!ping")


async def test_a_crash_mid_handling_leaves_nothing_half_done(app: App) -> None:
    """The event claim, the handler's writes and the replies commit together: a crash in
    between (here an interrupt the error boundary does not catch) leaves none of them, so
    the same event is handled in full after the restart, and then never again."""
    crashes = [True]

    async def note(ctx: CommandContext) -> str:
        await ctx.services.store.set_state("noted", ctx.raw_args)
        if crashes[0]:
            crashes[0] = False
            raise KeyboardInterrupt  # the process dies here
        return "noté"

    app.router.register(Command("noter", "note", note, args=(Arg("x", rest=True),)))
    msg = message("!noter un", event_id="$crash-1")
    with pytest.raises(KeyboardInterrupt):
        await app.router.handle(msg)
    assert await app.services.store.get_state("noted") is None
    transport = app.services.outbox._transports["test"]
    assert isinstance(transport, RecordingTransport)
    assert await app.router.handle(msg) == 1  # handled again, in full
    assert await app.router.handle(msg) == ALREADY_HANDLED  # and only once
    assert await app.services.outbox.drain(5)
    assert transport.texts()[-1] == "noté"
    assert await app.services.store.get_state("noted") == "un"


async def test_annuler_with_nothing_going_on_says_so(app: App) -> None:
    assert await replies(app, "!annuler", direct=True) == [texts.NOTHING_TO_CANCEL]


async def test_a_command_that_replaces_a_conversation_says_it(app: App) -> None:
    """A pending agenda question left for another conversation is not dropped silently."""
    organiser = {"sender": "@orga:example.org", "role": Role.ORGANISER, "direct": True}
    asked = await replies(app, "!agenda ajouter samedi 15h | Réunion | Salle", **organiser)
    assert "C'est bon ?" in asked[-1]
    again = await replies(app, "!agenda ajouter dimanche 15h | Marche | Place", **organiser)
    assert again[0] == texts.conversation_left("la question sur l'agenda")
    # A command that does not start a conversation leaves the pending one alone.
    assert "laissé de côté" not in " ".join(await replies(app, "!ping", **organiser))
    assert "enregistré" in " ".join(await replies(app, "oui", **organiser))

"""`relais init` from the command line: flags become answers, the assistant asks the rest."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from bot.assistant import texts
from bot.assistant.flow import Assistant
from bot.assistant.prompter import Prompter, Stop
from bot.config import Config

EXIT_OK, EXIT_STOPPED = 0, 1
# The answers flags can give: the argparse destination for each question key.
FLAG_DESTINATIONS = {
    "homeserver": "serveur",
    "user": "compte",
    "group": "groupe",
    "rooms": "salons",
    "organisers_room": "salon_orga",
    "organisers": "organisateurs",
    "timezone": "fuseau",
    "mastodon_organisers": "organisateurs_mastodon",
}


def given_answers(args: argparse.Namespace) -> dict[str, str | None]:
    given: dict[str, str | None] = {
        key: getattr(args, destination) for key, destination in FLAG_DESTINATIONS.items()
    }
    mastodon = args.mastodon
    if mastodon is not None:
        wanted = mastodon.strip().lower() not in (texts.NO, *texts.NONE_WORDS)
        given["use_mastodon"] = texts.YES if wanted else texts.NO
        given["mastodon_url"] = mastodon if wanted else None
    return given


def run_assistant(args: argparse.Namespace, check: Callable[[Path], Config]) -> int:
    interactive = not args.sans_questions
    prompter = Prompter(given_answers(args), interactive=interactive)
    assistant = Assistant(args.dossier, prompter, check)
    try:
        return asyncio.run(assistant.run())
    except Stop as stop:
        print(stop, file=sys.stderr)
        return EXIT_STOPPED
    except KeyboardInterrupt:
        print("\n" + texts.INTERRUPTED, file=sys.stderr)
        return EXIT_STOPPED

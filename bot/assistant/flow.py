"""The questions, in order, and the two files written at the end."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from bot.assistant import answers, texts
from bot.assistant.config_text import (
    CONFIG_NAME,
    SECRETS_NAME,
    Answers,
    ChosenRoom,
    render,
)
from bot.assistant.mastodon_app import MastodonProblem, register, token_for
from bot.assistant.matrix_account import MatrixAccount, MatrixProblem, Room, homeserver_url
from bot.assistant.prompter import Prompter, Stop
from bot.config import Config
from bot.configcheck import ConfigError
from bot.secretsfile import write_secrets

LOGIN_TRIES = 3
PASSWORD_VARIABLE = "RELAIS_MATRIX_PASSWORD"
MASTODON_TOKEN_VARIABLE = "RELAIS_MASTODON_ACCESS_TOKEN"


class Assistant:
    def __init__(
        self,
        folder: Path,
        prompter: Prompter,
        check: Callable[[Path], Config],
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.ask = prompter
        self.say = prompter.say
        self._check = check
        self._environ = os.environ if environ is None else environ
        self.chosen = Answers()

    async def run(self) -> int:
        config_path, secrets_path = self.folder / CONFIG_NAME, self.folder / SECRETS_NAME
        for path in (config_path, secrets_path):
            if path.exists():
                raise Stop(texts.ALREADY_THERE.format(path=path))
        if self.ask.interactive:
            self.say(texts.WELCOME)
        account = await self._log_in()
        async with account:
            self._group()
            await self._rooms(account)
        self.chosen.organisers = self.ask.ask(
            "organisers", texts.ASK_ORGANISERS, answers.matrix_ids, example=texts.EXAMPLE_ORGANISERS
        )
        self.chosen.timezone = self.ask.ask(
            "timezone",
            texts.ASK_TIMEZONE,
            answers.timezone,
            example=texts.EXAMPLE_TIMEZONE,
            default="Europe/Paris",
        )
        await self._mastodon()
        return self._write(config_path, secrets_path)

    # -- Matrix ------------------------------------------------------------------------------
    async def _log_in(self) -> MatrixAccount:
        for attempt in range(LOGIN_TRIES):
            homeserver = self.ask.ask(
                "homeserver",
                texts.ASK_HOMESERVER,
                answers.filled,
                example=texts.EXAMPLE_HOMESERVER,
            )
            user = self.ask.ask("user", texts.ASK_USER, answers.filled, example=texts.EXAMPLE_USER)
            password = self._password()
            self.say(texts.CHECKING_LOGIN)
            account = MatrixAccount(homeserver_url(homeserver), user)
            try:
                await account.log_in(password)
            except MatrixProblem as problem:
                await account.close()
                if not self.ask.interactive or attempt == LOGIN_TRIES - 1:
                    raise Stop(f"{problem} Rien n'a été écrit.") from None
                self.say(str(problem))
                self.say(texts.ASK_AGAIN_LOGIN)
                continue
            self.chosen.homeserver = account.homeserver
            self.chosen.user_id = account.user_id
            self.chosen.password = password
            self.say(texts.LOGIN_OK.format(user_id=account.user_id))
            return account
        raise Stop(texts.TOO_MANY_TRIES)

    def _password(self) -> str:
        from_env = self._environ.get(PASSWORD_VARIABLE)
        if from_env:
            self.say(texts.PASSWORD_FROM_ENV)
            return from_env
        if not self.ask.interactive:
            raise Stop(texts.MISSING_PASSWORD)
        self.say("")
        self.say(texts.ASK_PASSWORD)
        try:
            if sys.stdin.isatty():
                return getpass.getpass(texts.PROMPT)
            return input(texts.PROMPT)  # piped: an assistant driven by a script
        except EOFError:
            raise Stop(texts.INTERRUPTED) from None

    def _group(self) -> None:
        name = self.ask.ask(
            "group", texts.ASK_GROUP, answers.group_name, example=texts.EXAMPLE_GROUP
        )
        self.chosen.group = name
        self.say(texts.GROUP_NAME_IS.format(name=name))

    async def _rooms(self, account: MatrixAccount) -> None:
        try:
            listing = await account.rooms()
        except MatrixProblem as problem:
            raise Stop(f"{problem} Rien n'a été écrit.") from None
        self._show(listing)
        for attempt in range(LOGIN_TRIES):
            picked = self.ask.ask(
                "rooms",
                texts.ASK_ROOMS,
                lambda answer: answers.room_choices(answer, listing),
                example=texts.EXAMPLE_ROOMS,
            )
            organisers_room = self.ask.ask(
                "organisers_room",
                texts.ASK_ORGANISERS_ROOM,
                lambda answer: answers.optional_room(answer, listing),
                default=texts.NONE_WORDS[0],
            )
            try:
                self.chosen.rooms = [await self._enter(account, room) for room in picked]
                if organisers_room is not None:
                    self.chosen.organisers_room = await self._enter(account, organisers_room)
                return
            except MatrixProblem as problem:
                if not self.ask.interactive or attempt == LOGIN_TRIES - 1:
                    raise Stop(f"{problem} Rien n'a été écrit.") from None
                self.say(str(problem))

    def _show(self, listing: Sequence[Room]) -> None:
        if not listing:
            self.say(texts.NO_ROOMS)
            return
        self.say(texts.ROOMS_LIST)
        for number, room in enumerate(listing, start=1):
            line = texts.ROOM_LINE.format(number=number, name=room.name)
            self.say(line + (texts.ROOM_INVITED if room.invited else ""))

    async def _enter(self, account: MatrixAccount, room: Room | str) -> ChosenRoom:
        if isinstance(room, Room) and not room.invited:
            return ChosenRoom(room.room_id, room.name)
        address = room.room_id if isinstance(room, Room) else room
        room_id = await account.join(address)
        name = room.name if isinstance(room, Room) else address
        self.say(texts.JOINED.format(name=name))
        return ChosenRoom(room_id, name)

    # -- Mastodon ------------------------------------------------------------------------------
    async def _mastodon(self) -> None:
        if not self.ask.confirm("use_mastodon", texts.ASK_USE_MASTODON, default=False):
            return
        url = self.ask.ask(
            "mastodon_url", texts.ASK_MASTODON_URL, answers.url, example=texts.EXAMPLE_MASTODON_URL
        )
        token = self._environ.get(MASTODON_TOKEN_VARIABLE)
        if token:
            self.say(texts.MASTODON_TOKEN_FROM_ENV)
        else:
            token = await self._mastodon_token(url)
        self.chosen.mastodon_url = url
        self.chosen.mastodon_token = token
        self.chosen.mastodon_organisers = self.ask.ask(
            "mastodon_organisers",
            texts.ASK_MASTODON_ORGANISERS,
            answers.mastodon_accts,
            example=texts.EXAMPLE_MASTODON_ORGANISERS,
            default=texts.NONE_WORDS[0],
        )

    async def _mastodon_token(self, url: str) -> str:
        self.say(texts.REGISTERING.format(url=url))
        try:
            registration = await asyncio.to_thread(register, url)
        except MastodonProblem as problem:
            raise Stop(f"{problem} Rien n'a été écrit.") from None
        self.say(texts.OPEN_LINK.format(link=registration.authorisation_link))
        for attempt in range(LOGIN_TRIES):
            code = self.ask.ask("mastodon_code", texts.ASK_MASTODON_CODE, answers.filled)
            try:
                token, acct = await asyncio.to_thread(token_for, registration, code)
            except MastodonProblem as problem:
                if not self.ask.interactive or attempt == LOGIN_TRIES - 1:
                    raise Stop(f"{problem} Rien n'a été écrit.") from None
                self.say(str(problem))
                continue
            self.say(texts.MASTODON_OK.format(acct=acct))
            return token
        raise Stop(texts.TOO_MANY_TRIES)

    # -- writing -------------------------------------------------------------------------------
    def _write(self, config_path: Path, secrets_path: Path) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        text = render(self.chosen, date.today().strftime("%d/%m/%Y"))
        descriptor = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        write_secrets(secrets_path, self.chosen.secrets())
        self.say("")
        self.say(texts.WROTE.format(config=config_path, secrets=secrets_path))
        try:
            config = self._check(config_path)
        except ConfigError as error:
            self.say(texts.CHECK_FAILED)
            for problem in error.problems:
                self.say(f"  - {problem}")
            return 1
        summary = f"{len(config.groups)} groupe(s), transports : " + ", ".join(
            name
            for name, section in (("matrix", config.matrix), ("mastodon", config.mastodon))
            if section
        )
        self.say(texts.CHECK_OK.format(summary=summary))
        self.say(texts.NEXT.format(config=config_path))
        return 0

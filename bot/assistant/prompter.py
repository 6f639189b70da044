"""One question at a time, with an example; answers may come from flags instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.assistant import texts

T = TypeVar("T")
MAX_TRIES = 5


@dataclass(frozen=True)
class Problem:
    text: str


class Stop(Exception):
    """The assistant ends without writing anything; the message says why and what to do."""


class Prompter:
    """Asks on a terminal, or takes the answers given as flags (`interactive=False`)."""

    def __init__(
        self,
        given: Mapping[str, str | None],
        *,
        interactive: bool,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
    ) -> None:
        self._given = given
        self.interactive = interactive
        self._read = read
        self.say = write

    def ask(
        # A check turns an answer into a value, or a Problem (French) to show and ask again.
        self,
        key: str,
        question: str,
        check: Callable[[str], T | Problem],
        *,
        example: str | None = None,
        default: str | None = None,
    ) -> T:
        flag = texts.FLAGS.get(key, key)
        given = self._given.get(key)
        if given is not None:
            value = check(given.strip())
            if isinstance(value, Problem):
                raise Stop(texts.BAD_FLAG.format(flag=flag, problem=value.text))
            return value
        if not self.interactive:
            if default is not None:
                value = check(default)
                if not isinstance(value, Problem):
                    return value
            raise Stop(texts.MISSING_FLAG.format(flag=flag, question=question))
        self.say("")
        self.say(question)
        if example:
            self.say(texts.EXAMPLE.format(example=example))
        for _ in range(MAX_TRIES):
            prompt = texts.PROMPT_DEFAULT.format(default=default) if default else texts.PROMPT
            try:
                answer = self._read(prompt).strip()
            except EOFError:
                raise Stop(texts.INTERRUPTED) from None
            if not answer and default is not None:
                answer = default
            value = check(answer)
            if not isinstance(value, Problem):
                return value
            self.say(value.text)
        raise Stop(texts.TOO_MANY_TRIES)

    def confirm(self, key: str, question: str, *, default: bool) -> bool:
        return self.ask(
            key, question, yes_no, default=texts.YES if default else texts.NO, example=None
        )


def yes_no(answer: str) -> bool | Problem:
    folded = answer.strip().lower()
    if folded in ("o", "oui", "y", "yes"):
        return True
    if folded in ("n", "non", "no"):
        return False
    return Problem(texts.YES_OR_NO)

"""Reading one answer: each function returns the value, or a Problem to show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.assistant import texts
from bot.assistant.matrix_account import Room
from bot.assistant.prompter import Problem
from bot.configcheck import mastodon_acct_problem, matrix_user_id_problem
from bot.french import strip_accents

# An alias (#name:server) or a room id (!opaque, with ":server" before room version 12).
ROOM_ADDRESS = re.compile(r"#[^\s:]+:[A-Za-z0-9.\-]+(:\d+)?|![^\s,;]+")


def filled(answer: str) -> str | Problem:
    return answer if answer else Problem(texts.NEED_ANSWER)


def group_name(answer: str) -> str | Problem:
    """« Collectif du Mans » → « collectif-du-mans » (the config's short name)."""
    slug = re.sub(r"[^a-z0-9]+", "-", strip_accents(answer).lower()).strip("-")[:40].strip("-")
    return slug if slug else Problem(texts.BAD_GROUP)


def _items(answer: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;\s]+", answer) if item.strip()]


def room_choices(answer: str, listing: Sequence[Room]) -> list[Room | str] | Problem:
    """Numbers from the listing or room addresses; at least one."""
    chosen: list[Room | str] = []
    for item in _items(answer):
        if item.isdigit() and 1 <= int(item) <= len(listing):
            chosen.append(listing[int(item) - 1])
        elif ROOM_ADDRESS.fullmatch(item):
            chosen.append(item)
        else:
            return Problem(texts.BAD_ROOM.format(answer=item[:80]))
    return chosen if chosen else Problem(texts.NEED_ONE_ROOM)


def optional_room(answer: str, listing: Sequence[Room]) -> Room | str | Problem | None:
    if answer.strip().lower() in texts.NONE_WORDS:
        return None
    chosen = room_choices(answer, listing)
    if isinstance(chosen, Problem):
        return chosen
    return chosen[0] if len(chosen) == 1 else Problem(texts.BAD_ROOM.format(answer=answer[:80]))


def matrix_ids(answer: str) -> list[str] | Problem:
    people = _items(answer)
    for person in people:
        if matrix_user_id_problem(person):
            return Problem(texts.BAD_MATRIX_ID.format(answer=person[:80]))
    return people if people else Problem(texts.NEED_ONE_ORGANISER)


def mastodon_accts(answer: str) -> list[str] | Problem:
    if answer.strip().lower() in texts.NONE_WORDS:
        return []
    accts = _items(answer)
    for acct in accts:
        if mastodon_acct_problem(acct):
            return Problem(texts.BAD_ACCT.format(answer=acct[:80]))
    return accts


def timezone(answer: str) -> str | Problem:
    try:
        ZoneInfo(answer)
    except (ZoneInfoNotFoundError, ValueError):
        return Problem(texts.BAD_TIMEZONE.format(answer=answer[:80]))
    return answer


def url(answer: str) -> str | Problem:
    address = answer.strip().rstrip("/")
    if not address or any(c.isspace() for c in address):
        return Problem(texts.EXAMPLE.format(example=texts.EXAMPLE_MASTODON_URL))
    return address if "://" in address else "https://" + address

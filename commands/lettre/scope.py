"""Who gets a letter: each group, and the whole Relais as one more "group".

The letter for the whole Relais is a group that exists only for the letter: its name is
its id's prefix ("relais-2026-W22"), its rooms are the configured ones (by default every
letter group's rooms), and its content is every letter group's events and calls. With
it, Mastodon gets that one letter: the groups share the bot's account, so their own
letters stay off it.
"""

from __future__ import annotations

from bot.config import Config, GroupConfig, GroupMastodonConfig
from commands.lettre.config import LetterConfig


def letter_groups(config: Config, settings: LetterConfig) -> list[GroupConfig]:
    """The configured groups whose events a letter gathers (all, or `letter.groups`)."""
    wanted = settings.groups
    return [g for g in config.groups if not wanted or g.name in wanted]


def whole_relais(config: Config, settings: LetterConfig) -> GroupConfig | None:
    if not settings.whole:
        return None
    whole = settings.relais
    rooms = whole.rooms or tuple(
        dict.fromkeys(room for group in letter_groups(config, settings) for room in group.rooms)
    )
    return GroupConfig(
        name=whole.name,
        rooms=rooms,
        organisers_room=whole.organisers_room,
        timezone=whole.timezone or config.timezone,
        mastodon=GroupMastodonConfig(enabled=whole.mastodon),
    )


def recipients(config: Config, settings: LetterConfig) -> list[GroupConfig]:
    """Each letter's "group", in order: the groups' letters, then the Relais'."""
    found = letter_groups(config, settings) if settings.per_group else []
    whole = whole_relais(config, settings)
    return found + ([whole] if whole is not None else [])

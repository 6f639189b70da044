"""The testimony conversation, one step per question, resumable after a restart.

Steps: theme → story (many messages, until !fin) → departement → administration →
mois → consent → (confirm, for publication). The draft lives in the engine's encrypted
conversation state until the consent; then it is sealed to the collective's keys and
the draft is deleted. Nothing here depends on the transport, except the Mastodon
warning in the introduction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.context import Services
from bot.conversation import ConversationState, Turn
from bot.french import normalize, parse_yes_no
from bot.message import Channel, Message
from commands.temoignage import service, texts
from commands.temoignage.answers import (
    is_end,
    is_skip,
    parse_consent,
    parse_departement,
    parse_month,
    parse_theme,
)
from commands.temoignage.config import TemoignagesConfig
from commands.temoignage.records import CONSENT_PUBLISH, CONSENT_READ

logger = logging.getLogger(__name__)

FLOW = "temoignage"
FIRST_STEP = "theme"
MIN_ROOM_LEFT = 20  # below this many characters left, the story is full


@dataclass(frozen=True)
class Input:
    services: Services
    message: Message
    data: dict[str, Any]
    text: str
    control: str | None  # "fin" or "passer" when typed as !fin / !passer


Step = Callable[[Input], Awaitable[Turn]]


CORRECT_WORDS = frozenset({"corriger", "correction", "modifier", "changer", "retoucher"})


class TestimonyFlow:
    name = FLOW
    label = "votre témoignage en cours"
    controls = frozenset({"fin", "passer"})

    def __init__(self, config: TemoignagesConfig, prefix: str) -> None:
        self.config = config
        self.prefix = prefix
        self._steps: dict[str, Step] = {
            "theme": self._theme,
            "story": self._story,
            "departement": self._departement,
            "administration": self._administration,
            "mois": self._mois,
            "consent": self._consent,
            "confirm": self._confirm,
            "correct": self._correct,
        }

    # -- texts ----------------------------------------------------------------------------
    @property
    def readers(self) -> str:
        return texts.join_names(self.config.readers)

    def intro(self, channel: Channel) -> str:
        parts = [
            texts.INTRO.format(
                lecteurs=self.readers,
                jours=self.config.retention_days,
                heures=self.config.draft_hours,
                p=self.prefix,
            )
        ]
        if not channel.capabilities.private_encrypted:
            parts.append(texts.UNENCRYPTED_WARNING.format(service=channel.capabilities.service))
        parts.append(texts.THEME_ASK.format(menu=texts.themes_menu()))
        return "\n\n".join(parts)

    def _consent_menu(self) -> str:
        return texts.consent_menu(self.readers)

    # -- protocol ---------------------------------------------------------------------------
    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        step = self._steps.get(state.step)
        if step is None:
            logger.warning("testimony draft at unknown step %s: restarted", state.step)
            return Turn(
                [texts.THEME_AGAIN.format(n=len(texts.THEMES), menu=texts.themes_menu())],
                FIRST_STEP,
                {},
                self.config.draft_minutes,
            )
        turn = await step(Input(services, message, dict(state.data), text, self._control(text)))
        if turn.step is not None and turn.expiry_minutes is None:
            turn = replace(turn, expiry_minutes=self.config.draft_minutes)
        return turn

    def help_for(self, state: ConversationState) -> str:
        p = self.prefix
        if state.step == "story":
            return texts.HELP_STORY.format(p=p)
        if state.step == "departement":
            return texts.HELP_OPTIONAL.format(question=texts.DEPARTEMENT_ASK)
        if state.step == "administration":
            return texts.HELP_OPTIONAL.format(question=texts.ADMINISTRATION_ASK)
        if state.step == "mois":
            return texts.HELP_OPTIONAL.format(question=texts.MOIS_ASK)
        if state.step == "consent":
            return texts.HELP_CONSENT.format(menu=self._consent_menu())
        if state.step == "confirm":
            return texts.HELP_CONFIRM
        return texts.HELP_THEME.format(menu=texts.themes_menu())

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        logger.info("testimony draft cancelled at step %s", state.step)
        return texts.CANCELLED

    def _control(self, text: str) -> str | None:
        if not text.startswith(self.prefix):
            return None
        words = normalize(text[len(self.prefix) :]).split()
        return words[0] if words and words[0] in self.controls else None

    # -- steps --------------------------------------------------------------------------------
    async def _theme(self, given: Input) -> Turn:
        theme = None if given.control else parse_theme(given.text)
        if theme is None:
            menu = texts.themes_menu()
            return Turn([texts.THEME_AGAIN.format(n=len(texts.THEMES), menu=menu)], "theme")
        data = {**given.data, "theme": theme, "parts": [], "length": 0}
        reply = texts.STORY_ASK.format(theme=texts.theme_label(theme), p=self.prefix)
        return Turn([reply], "story", data)

    async def _story(self, given: Input) -> Turn:
        p = self.prefix
        parts: list[str] = list(given.data.get("parts", []))
        if given.control == "fin" or (given.control is None and is_end(given.text)):
            if not parts:
                return Turn([texts.STORY_EMPTY.format(p=p)], "story")
            return Turn([texts.OPTIONAL_INTRO + texts.DEPARTEMENT_ASK], "departement")
        if given.control is not None:
            return Turn([texts.STORY_NOT_SKIPPABLE.format(p=p)], "story")
        part = given.text.strip()
        length = int(given.data.get("length", 0))
        room_left = self.config.max_length - length
        if len(part) > room_left:
            if room_left < MIN_ROOM_LEFT:
                return Turn([texts.STORY_FULL.format(max=self.config.max_length, p=p)], "story")
            return Turn([texts.STORY_TOO_LONG.format(reste=room_left, p=p)], "story")
        ack = texts.STORY_ACK if parts else texts.STORY_FIRST_ACK.format(p=p)
        data = {**given.data, "parts": [*parts, part], "length": length + len(part)}
        return Turn([ack], "story", data)

    async def _departement(self, given: Input) -> Turn:
        value = None
        if not (given.control or is_skip(given.text)):
            value = parse_departement(given.text)
            if value is None:
                return Turn([texts.DEPARTEMENT_AGAIN], "departement")
        data = {**given.data, "departement": value}
        return Turn([texts.ADMINISTRATION_ASK], "administration", data)

    async def _administration(self, given: Input) -> Turn:
        value = None
        if not (given.control or is_skip(given.text)):
            value = " ".join(given.text.split())
            if len(value) > self.config.max_answer_length:
                reply = texts.ADMINISTRATION_TOO_LONG.format(max=self.config.max_answer_length)
                return Turn([reply], "administration")
        data = {**given.data, "administration": value}
        return Turn([texts.MOIS_ASK], "mois", data)

    async def _mois(self, given: Input) -> Turn:
        value = None
        if not (given.control or is_skip(given.text)):
            today = service.local_today(given.services)
            month = parse_month(given.text, today)
            if month is None:
                return Turn([texts.MOIS_AGAIN], "mois")
            if month.is_after(today):
                return Turn([texts.MOIS_FUTURE], "mois")
            value = month.iso()
        data = {**given.data, "mois": value}
        return Turn([texts.CONSENT_ASK.format(menu=self._consent_menu())], "consent", data)

    async def _consent(self, given: Input) -> Turn:
        choice = None if given.control else parse_consent(given.text)
        if choice is None:
            return Turn([texts.CONSENT_AGAIN.format(menu=self._consent_menu())], "consent")
        if choice == 2:
            logger.info("testimony: the person chose to keep nothing")
            return Turn([texts.NOTHING_KEPT.format(p=self.prefix)])
        if choice == 0:
            return await self._finish(given, CONSENT_READ, None, "consent")
        return await self._preview(given, given.data)

    async def _preview(self, given: Input, data: dict[str, Any]) -> Turn:
        """The anonymised version (of the story, or of the person's corrected version)."""
        from commands.temoignage.scrub import LIMITS_FR  # see _scrubbed

        preview = texts.PREVIEW.format(texte=_scrubbed(_to_publish(data)), limites=LIMITS_FR)
        await service.send_private(given.services, given.message, preview, "apercu")
        return Turn([texts.CONFIRM_ASK], "confirm", data)

    async def _confirm(self, given: Input) -> Turn:
        if not given.control and normalize(given.text) in CORRECT_WORDS:
            return Turn([texts.CORRECT_ASK.format(max=self.config.max_length)], "correct")
        answer = None if given.control else parse_yes_no(given.text)
        if answer is None:
            return Turn([texts.CONFIRM_AGAIN], "confirm")
        if not answer:
            reply = texts.CONFIRM_NO.format(menu=self._consent_menu(), p=self.prefix)
            return Turn([reply], "consent")
        published = _scrubbed(_to_publish(given.data))
        return await self._finish(given, CONSENT_PUBLISH, published, "confirm")

    async def _correct(self, given: Input) -> Turn:
        """The person sends the version to publish, corrected by hand; the whole story is
        still kept for the readers. It is anonymised again and shown for a new yes or no."""
        text = given.text.strip()
        if given.control or not text:
            return Turn([texts.CORRECT_ASK.format(max=self.config.max_length)], "correct")
        if len(text) > self.config.max_length:
            return Turn([texts.CORRECT_TOO_LONG.format(max=self.config.max_length)], "correct")
        return await self._preview(given, {**given.data, "corrected": text})

    async def _finish(self, given: Input, consent: str, anonymised: str | None, step: str) -> Turn:
        if not self.config.enabled:
            reply = texts.NO_KEY_ANYMORE.format(heures=self.config.draft_hours, p=self.prefix)
            return Turn([reply], step)
        draft = service.Draft.from_data(given.data)
        stored = await service.store_testimony(
            given.services, self.config, draft, consent, anonymised
        )
        receipt = texts.RECEIPT.format(
            code=stored.code,
            p=self.prefix,
            fin=texts.day_fr(stored.deleted_on),
            accord=texts.CONSENT_LABELS[consent],
        )
        await service.send_private(given.services, given.message, receipt, "recu")
        await service.notify_organisers(given.services, draft.theme)
        return Turn([])


def _to_publish(data: dict[str, Any]) -> str:
    """What would be published: the corrected version if the person sent one, else the story."""
    corrected = data.get("corrected")
    return str(corrected) if corrected else service.Draft.from_data(data).story


def _scrubbed(text: str) -> str:
    """The scrubber compiles dozens of regular expressions (~60 ms): it loads with the
    first testimony previewed, not when the bot starts."""
    from commands.temoignage.scrub import scrub

    return scrub(text)

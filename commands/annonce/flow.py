"""The announcements' conversation: "oui"/"non" to a new one, to a change or a
cancellation, and for a recurring one "seulement celle-ci ou toutes" (1 or 2).

A change checks that the announcement did not change in between (its sequence number).
"""

from __future__ import annotations

from typing import Any

from bot.context import Services
from bot.conversation import ConversationState, Turn
from bot.french import parse_number, parse_yes_no
from bot.message import Message
from commands.annonce import model, texts
from commands.annonce.model import ACTIVE, Announcement
from commands.annonce.service import AnnonceService, Schedule

FLOW = "annonce"
STEP_CREATE, STEP_SCOPE, STEP_CONFIRM = "creation", "portee", "confirmation"
ONE, ALL = 1, 2


def item_to_data(item: Announcement) -> dict[str, Any]:
    return {
        "groups": list(item.groups),
        "here": model.here_to_json(item.here),
        "text": item.text,
        "start": model.utc_text(item.start),
        "tz": item.tz,
        "rrule": item.rrule,
    }


def item_from_data(data: dict[str, Any]) -> Announcement:
    return Announcement(
        id=0,
        groups=tuple(data["groups"]),
        text=str(data["text"]),
        start=model.parse_utc(data["start"]),
        tz=str(data["tz"]),
        rrule=data["rrule"],
        here=model.here_from_json(data["here"]),
    )


def schedule_to_data(schedule: Schedule) -> dict[str, Any]:
    return {"start": model.utc_text(schedule.start), "rrule": schedule.rrule, "tz": schedule.tz}


def schedule_from_data(data: dict[str, Any]) -> Schedule:
    return Schedule(model.parse_utc(data["start"]), data["rrule"], str(data["tz"]))


class AnnonceFlow:
    name = FLOW
    label = "l'annonce en préparation"
    controls: frozenset[str] = frozenset()

    def __init__(self, service: AnnonceService, prefix: str) -> None:
        self.service = service
        self.prefix = prefix

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        if state.step == STEP_SCOPE:
            answer = parse_yes_no(text)
            number = parse_number(text)
            if answer is False:
                return Turn([texts.KEPT], None)
            if number not in (ONE, ALL):
                return Turn([texts.SCOPE_HELP], STEP_SCOPE)
            return await self._apply(state.data, only=number == ONE)
        answer = parse_yes_no(text)
        if answer is None:
            return Turn([texts.CONFIRM_HELP], state.step)
        if not answer:
            refusal = texts.CREATE_CANCELLED if state.step == STEP_CREATE else texts.KEPT
            return Turn([refusal], None)
        if state.step == STEP_CREATE:
            return await self._create(state.data)
        return await self._apply(state.data, only=False)

    async def _create(self, data: dict[str, Any]) -> Turn:
        item = item_from_data(data)
        if item.rrule is None and item.start <= self.service.now():
            return Turn([texts.PAST], None)
        created = await self.service.create(item)
        return Turn([texts.CREATED.format(id=created.id, prefix=self.prefix)], None)

    async def _apply(self, data: dict[str, Any], *, only: bool) -> Turn:
        service = self.service
        item_id = int(data["id"])
        item = await service.get(item_id)
        changed = texts.CHANGED_MEANWHILE.format(id=item_id, prefix=self.prefix)
        if item is None or item.status != ACTIVE or item.sequence != int(data["sequence"]):
            return Turn([changed], None)
        occurrence = str(data["next"]) if only and data.get("next") else None
        if only and occurrence is None:
            return Turn([changed], None)
        action = data["action"]
        if action == "texte":
            await service.change_text(item, str(data["text"]), occurrence)
        elif action == "quand":
            schedule = schedule_from_data(data["schedule"])
            if occurrence is not None and schedule.rrule is not None:
                return Turn([texts.ONE_NEEDS_SINGLE], None)
            await service.move(item, schedule, occurrence)
        else:
            await service.cancel(item, occurrence)
            if occurrence is not None:
                return Turn([texts.CANCELLED_ONE.format(when=data["next_text"])], None)
            return Turn([texts.CANCELLED.format(id=item.id)], None)
        return Turn([texts.EDITED.format(id=item.id, prefix=self.prefix)], None)

    def help_for(self, state: ConversationState) -> str:
        return texts.SCOPE_HELP if state.step == STEP_SCOPE else texts.CONFIRM_HELP

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return texts.CREATE_CANCELLED if state.step == STEP_CREATE else texts.KEPT

"""The agenda's conversation: choose a group, then confirm an addition, a change or a
cancellation with "oui" / "non". Anything else gets a short reminder of what to answer.

Steps: "groupe" → "ajout"; "changement"; "annulation". A change or cancellation checks
that the event was not changed in between (its sequence number).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.context import Services
from bot.conversation import ConversationState, Turn
from bot.french import numbered, parse_choice, parse_yes_no
from bot.message import Message
from bot.router import CommandError
from commands.agenda import texts
from commands.agenda.adding import event_from_data, prepare_add
from commands.agenda.groups import find_group
from commands.agenda.model import Event, parse_utc
from commands.agenda.recurrence import occurrence_for_key
from commands.agenda.service import AgendaService, Times

logger = logging.getLogger(__name__)

FLOW = "agenda"
STEP_GROUP, STEP_ADD, STEP_CHANGE, STEP_CANCEL = "groupe", "ajout", "changement", "annulation"


def times_to_data(times: Times) -> dict[str, Any]:
    return {
        "start": times.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": None if times.end is None else times.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "all_day": times.all_day,
        "rrule": times.rrule,
    }


def times_from_data(data: dict[str, Any]) -> Times:
    end = data["end"]
    return Times(
        parse_utc(data["start"]),
        None if end is None else parse_utc(end),
        bool(data["all_day"]),
        data["rrule"],
    )


class AgendaFlow:
    name = FLOW
    label = "la question sur l'agenda"
    controls: frozenset[str] = frozenset()

    def __init__(self, service: AgendaService) -> None:
        self.service = service

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        service = self.service
        if state.step == STEP_GROUP:
            return self._choose_group(service, message, state, text)
        answer = parse_yes_no(text)
        if answer is None:
            return Turn([self.help_for(state)], state.step)
        if not answer:
            return Turn([_refusal(state.step)], None)
        if state.step == STEP_ADD:
            return await self._add(service, state.data)
        event = await service.get(int(state.data["id"]))
        if event is None or event.sequence != int(state.data["sequence"]) or event.cancelled:
            return Turn([texts.CHANGED_MEANWHILE], None)
        if state.step == STEP_CHANGE:
            return await self._change(service, event, state.data)
        return await self._cancel(service, event, state.data)

    def _choose_group(
        self, service: AgendaService, message: Message, state: ConversationState, text: str
    ) -> Turn:
        choices: list[str] = list(state.data["choices"])
        index = parse_choice(text, choices)
        if index is None:
            return Turn([f"{texts.CHOOSE_GROUP_HELP}\n{numbered(choices)}"], STEP_GROUP)
        group = find_group(service.config, choices[index])
        if group is None:
            return Turn([texts.CHANGED_MEANWHILE], None)
        try:
            question, data = prepare_add(service, message, group, list(state.data["parts"]))
        except CommandError as exc:
            return Turn([exc.message], None)
        return Turn([question], STEP_ADD, data)

    async def _add(self, service: AgendaService, data: dict[str, Any]) -> Turn:
        event = event_from_data(data["event"])
        if _over(event, service):
            return Turn([texts.PAST_NOW], None)
        created = await service.create(event)
        return Turn([texts.ADDED.format(id=created.id, prefix=service.prefix)], None)

    async def _change(self, service: AgendaService, event: Event, data: dict[str, Any]) -> Turn:
        if data["field"] == "quand":
            await service.move(event, times_from_data(data["times"]))
        else:
            await service.change_place(event, str(data["place"]))
        return Turn([texts.MOVED.format(prefix=service.prefix, id=event.id)], None)

    async def _cancel(self, service: AgendaService, event: Event, data: dict[str, Any]) -> Turn:
        key = data.get("date")
        if key is None:
            await service.cancel(event)
            return Turn([texts.CANCEL_DONE], None)
        occurrence = occurrence_for_key(event, str(key))
        if occurrence is None:
            return Turn([texts.CHANGED_MEANWHILE], None)
        await service.cancel_date(event, occurrence)
        return Turn([texts.CANCEL_DONE], None)

    def help_for(self, state: ConversationState) -> str:
        if state.step == STEP_GROUP:
            return f"{texts.CHOOSE_GROUP_HELP}\n{numbered(list(state.data['choices']))}"
        return texts.CONFIRM_HELP

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return _refusal(state.step)


def _refusal(step: str) -> str:
    if step == STEP_CANCEL:
        return texts.CANCEL_KEPT
    if step == STEP_CHANGE:
        return texts.MOVE_CANCELLED
    return texts.ADD_CANCELLED


def _over(event: Event, service: AgendaService) -> bool:
    """A single event whose start has passed while the organiser was thinking."""
    return event.rrule is None and event.start <= service.now() and not event.all_day

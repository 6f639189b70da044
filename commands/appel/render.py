"""What people read: the relayed copy, the preview, the approval request, status and list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates.describe import fmt_clock, fmt_day
from bot.message import Reach
from commands.appel import texts
from commands.appel.matching import Plan
from commands.appel.model import Call
from commands.appel.repo import GroupDecision, StoredCall

EXCERPT_CHARS = 70


def origin_label(call: Call) -> str:
    if call.origin_group:
        return f"{call.origin_group} ({call.origin_instance})"
    return call.origin_instance


def provenance(call: Call) -> str:
    if call.origin_group:
        line = texts.PROVENANCE.format(group=call.origin_group, instance=call.origin_instance)
    else:
        line = texts.PROVENANCE_NO_GROUP.format(instance=call.origin_instance)
    if call.link:
        line += " " + texts.ORIGINAL.format(link=call.link)
    return line


def copy_text(call: Call) -> str:
    """The call as posted in a group's rooms (and on Mastodon)."""
    return f"{call.text}\n\n{provenance(call)}"


def event_body(call: Call, retract: bool) -> str:
    if retract:
        return texts.EVENT_BODY_RETRACT.format(uid=call.uid, origin=origin_label(call))
    return texts.EVENT_BODY.format(origin=origin_label(call), text=call.text)


def when_text(moment: datetime, tz: ZoneInfo) -> str:
    """A deadline: "samedi 30 mai 2026" when it is the end of that day, else with the hour."""
    local = moment.astimezone(tz)
    if local.time() == time(0, 0):
        return fmt_day((local - timedelta(days=1)).date())
    return f"{fmt_day(local.date())} à {fmt_clock(local)}"


def short_date(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%d/%m} à {fmt_clock(local)}"


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[: EXCERPT_CHARS - 1].rstrip() + "…"


def headline(text: str, limit: int = 90) -> str:
    """The first line of a call, short: how a digest names it."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    return first[: limit - 1].rstrip() + "…"


def preview(call: Call, plan: Plan, tz: ZoneInfo) -> str:
    lines = [texts.PREVIEW_HEAD, "", copy_text(call), ""]
    lines.append(
        texts.PREVIEW_TAGS.format(tags=", ".join(call.tags)) if call.tags else texts.PREVIEW_NO_TAGS
    )
    lines.append(texts.PREVIEW_EXPIRY.format(date=when_text(call.expiry, tz)))
    lines.append(texts.PREVIEW_WHERE)
    if plan.direct:
        names = ", ".join(f"{name} ({rooms} salon(s))" for name, rooms in plan.direct)
        lines.append(texts.PREVIEW_DIRECT.format(groups=names))
    if plan.validation:
        lines.append(texts.PREVIEW_VALIDATION.format(groups=", ".join(plan.validation)))
    if plan.mastodon:
        lines.append(texts.PREVIEW_MASTODON)
    if plan.peers:
        lines.append(texts.PREVIEW_PEERS.format(count=plan.peers))
    lines += ["", texts.PREVIEW_QUESTION]
    return "\n".join(lines)


def request(stored: StoredCall, group: str, several: bool, tz: ZoneInfo, p: str) -> str:
    call = stored.call
    suffix = f" {group}" if several else ""
    return "\n".join(
        [
            texts.REQUEST_HEAD.format(group=group, id=stored.id),
            texts.REQUEST_FROM.format(origin=origin_label(call)),
            "",
            copy_text(call),
            "",
            texts.REQUEST_EXPIRY.format(date=when_text(call.expiry, tz)),
            texts.REQUEST_ACTIONS.format(p=p, id=stored.id, suffix=suffix),
        ]
    )


@dataclass(frozen=True)
class TargetState:
    """One channel a call was handed to, and where its delivery stands (a French label)."""

    group: str | None
    kind: str  # "copy" or "peer"
    reach: Reach
    label: str


_DECISIONS = {
    "waiting": texts.STATE_WAITING,
    "refused": texts.STATE_REFUSED,
    "withdrawn": texts.STATE_WITHDRAWN,
}
DECISION_LABELS = {
    **_DECISIONS,
    "direct": texts.DECISION_DIRECT,
    "accepted": texts.DECISION_ACCEPTED,
    "refused": texts.DECISION_REFUSED,
}


def _rooms_line(labels: Sequence[str]) -> str:
    counts = Counter(labels)
    return ", ".join(
        texts.ROOMS_COUNT.format(state=label, count=count) for label, count in counts.items()
    )


def status(
    stored: StoredCall,
    decisions: Sequence[GroupDecision],
    targets: Sequence[TargetState],
    tz: ZoneInfo,
) -> str:
    call = stored.call
    if stored.sent:
        head = texts.STATUS_HEAD_SENT.format(
            id=stored.id, date=short_date(stored.recorded, tz), group=call.origin_group or "-"
        )
    else:
        head = texts.STATUS_HEAD_RECEIVED.format(
            id=stored.id, date=short_date(stored.recorded, tz), origin=origin_label(call)
        )
    lines = [head, f"« {excerpt(call.text)} »"]
    if stored.retracted:
        retracted = stored.retracted_at or stored.recorded
        lines.append(texts.STATUS_RETRACTED.format(date=short_date(retracted, tz)))
    else:
        lines.append(texts.STATUS_EXPIRY.format(date=when_text(call.expiry, tz)))
    body: list[str] = []
    for decision in decisions:
        room_labels = [
            t.label
            for t in targets
            if t.kind == "copy" and t.group == decision.group and t.reach is Reach.ROOM
        ]
        if decision.state in _DECISIONS and not room_labels:
            body.append(f"- {decision.group} : {_DECISIONS[decision.state]}")
        elif room_labels:
            body.append(f"- {decision.group} : {_rooms_line(room_labels)}")
    mastodon = [t.label for t in targets if t.reach is Reach.FOLLOWERS and t.kind == "copy"]
    if mastodon:
        body.append(f"- {texts.LABEL_MASTODON} : {', '.join(mastodon)}")
    peers = [t.label for t in targets if t.kind == "peer"]
    if peers:
        body.append(f"- {texts.LABEL_PEERS} : {_rooms_line(peers)}")
    lines += body or [texts.STATUS_NOTHING]
    return "\n".join(lines)


def listing(calls: Sequence[StoredCall], days: int, tz: ZoneInfo, p: str) -> str:
    if not calls:
        return texts.LIST_EMPTY.format(days=days)
    lines = [texts.LIST_HEAD.format(days=days)]
    for stored in calls:
        how = (
            texts.LIST_SENT
            if stored.sent
            else texts.LIST_RECEIVED.format(origin=origin_label(stored.call))
        )
        if stored.retracted:
            how += f", {texts.LIST_RETRACTED}"
        when = short_date(stored.recorded, tz)
        lines.append(f"- n° {stored.id}, {how}, le {when} : « {excerpt(stored.call.text)} »")
    lines.append(texts.LIST_FOOTER.format(p=p))
    return "\n".join(lines)

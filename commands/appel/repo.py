"""The calls' rows in SQLite: recording, decisions, targets, retraction, listing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.message import Channel
from bot.store import Store
from commands.appel.model import Call, content_hash, parse_utc, utc_text


@dataclass(frozen=True)
class StoredCall:
    id: int
    direction: str  # "sent" or "received"
    status: str  # "active" or "retracted"
    call: Call
    arrived_in: str | None
    recorded: datetime
    retracted_at: datetime | None = None

    @property
    def retracted(self) -> bool:
        return self.status == "retracted"

    @property
    def sent(self) -> bool:
        return self.direction == "sent"


@dataclass(frozen=True)
class GroupDecision:
    group: str
    state: str
    request_key: str | None
    request_remote_id: str | None
    queued: bool


@dataclass(frozen=True)
class Target:
    target: str
    kind: str  # "copy" or "peer"
    channel: Channel
    outbox_key: str
    queued: bool
    remote_id: str | None
    retracted: bool


@dataclass(frozen=True)
class NewTarget:
    target: str
    kind: str
    channel: Channel
    outbox_key: str


def _call(row: sqlite3.Row) -> StoredCall:
    return StoredCall(
        id=int(row["id"]),
        direction=str(row["direction"]),
        status=str(row["status"]),
        call=Call(
            uid=str(row["uid"]),
            origin_instance=str(row["origin_instance"]),
            origin_group=str(row["origin_group"]),
            text=str(row["text"]),
            tags=tuple(json.loads(row["tags"])),
            created=parse_utc(row["created_utc"]),
            expiry=parse_utc(row["expiry_utc"]),
            hops=tuple(json.loads(row["hops"])),
            link=row["link"],
        ),
        arrived_in=row["arrived_in"],
        recorded=parse_utc(row["recorded_utc"]),
        retracted_at=parse_utc(row["retracted_utc"]) if row["retracted_utc"] else None,
    )


class CallRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- recording -----------------------------------------------------------------------
    async def record(
        self,
        call: Call,
        *,
        direction: str,
        now: datetime,
        arrived_in: str | None = None,
        groups: Sequence[tuple[str, str, str | None]] = (),
        retracted: bool = False,
    ) -> int | None:
        """Record a call and its groups' first decisions; None when its uid is known."""
        async with self.store.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO appel_calls (uid, direction, origin_instance, origin_group, text,"
                " tags, link, created_utc, expiry_utc, hops, content_hash, status, arrived_in,"
                " recorded_utc, retracted_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(uid) DO NOTHING",
                (
                    call.uid,
                    direction,
                    call.origin_instance,
                    call.origin_group,
                    call.text,
                    json.dumps(list(call.tags), ensure_ascii=False),
                    call.link,
                    utc_text(call.created),
                    utc_text(call.expiry),
                    json.dumps(list(call.hops), ensure_ascii=False),
                    content_hash(call.text) if call.text else "",
                    "retracted" if retracted else "active",
                    arrived_in,
                    utc_text(now),
                    utc_text(now) if retracted else None,
                ),
            )
            inserted = cursor.rowcount > 0
            call_id = cursor.lastrowid
            await cursor.close()
            if not inserted or call_id is None:
                return None
            for group, state, request_key in groups:
                await db.execute(
                    "INSERT INTO appel_groups (call_id, group_name, state, request_key,"
                    " decided_utc) VALUES (?, ?, ?, ?, ?)",
                    (call_id, group, state, request_key, utc_text(now)),
                )
        return int(call_id)

    # -- reading ---------------------------------------------------------------------------
    async def by_id(self, call_id: int) -> StoredCall | None:
        row = await self.store.fetchone("SELECT * FROM appel_calls WHERE id = ?", (call_id,))
        return None if row is None else _call(row)

    async def by_uid(self, uid: str) -> StoredCall | None:
        row = await self.store.fetchone("SELECT * FROM appel_calls WHERE uid = ?", (uid,))
        return None if row is None else _call(row)

    async def duplicate(self, text: str, since: datetime) -> StoredCall | None:
        row = await self.store.fetchone(
            "SELECT * FROM appel_calls WHERE content_hash = ? AND recorded_utc >= ?"
            " AND status = 'active' ORDER BY id LIMIT 1",
            (content_hash(text), utc_text(since)),
        )
        return None if row is None else _call(row)

    async def recent(self, since: datetime, limit: int) -> list[StoredCall]:
        rows = await self.store.fetchall(
            "SELECT * FROM appel_calls WHERE recorded_utc >= ? AND text != ''"
            " ORDER BY id DESC LIMIT ?",
            (utc_text(since), limit),
        )
        return [_call(r) for r in rows]

    async def valid_for(self, groups: Sequence[str] | None, at: datetime) -> list[StoredCall]:
        """Active calls still valid at `at` that these groups (None: any) launched or
        published (posted at once, or accepted by their organisers)."""
        published = (
            "EXISTS (SELECT 1 FROM appel_groups g WHERE g.call_id = c.id"
            " AND g.state IN ('direct', 'accepted')"
        )
        params: list[str] = [utc_text(at)]
        if groups is None:
            where = f"c.direction = 'sent' OR {published})"
        else:
            names = json.dumps(list(groups), ensure_ascii=False)
            where = (
                "(c.direction = 'sent' AND c.origin_group IN (SELECT value FROM json_each(?)))"
                f" OR {published} AND g.group_name IN (SELECT value FROM json_each(?)))"
            )
            params += [names, names]
        rows = await self.store.fetchall(
            "SELECT c.* FROM appel_calls c WHERE c.status = 'active' AND c.text != ''"
            f" AND c.expiry_utc > ? AND ({where}) ORDER BY c.expiry_utc, c.id",
            params,
        )
        return [_call(r) for r in rows]

    async def groups(self, call_id: int) -> list[GroupDecision]:
        rows = await self.store.fetchall(
            "SELECT * FROM appel_groups WHERE call_id = ? ORDER BY rowid", (call_id,)
        )
        return [
            GroupDecision(
                str(r["group_name"]),
                str(r["state"]),
                r["request_key"],
                r["request_remote_id"],
                bool(r["queued"]),
            )
            for r in rows
        ]

    async def targets(self, call_id: int) -> list[Target]:
        rows = await self.store.fetchall(
            "SELECT * FROM appel_targets WHERE call_id = ? ORDER BY rowid", (call_id,)
        )
        return [
            Target(
                str(r["target"]),
                str(r["kind"]),
                Channel(str(r["transport"]), str(r["channel_id"]), group=r["group_name"]),
                str(r["outbox_key"]),
                bool(r["queued"]),
                r["remote_id"],
                bool(r["retracted"]),
            )
            for r in rows
        ]

    async def unqueued_calls(self) -> list[int]:
        """Calls whose targets or requests were recorded but maybe not handed to the outbox."""
        rows = await self.store.fetchall(
            "SELECT DISTINCT c.id FROM appel_calls c WHERE c.status = 'active' AND ("
            " EXISTS (SELECT 1 FROM appel_targets t WHERE t.call_id = c.id AND t.queued = 0)"
            " OR EXISTS (SELECT 1 FROM appel_groups g WHERE g.call_id = c.id"
            " AND g.state = 'waiting' AND g.queued = 0)) ORDER BY c.id"
        )
        return [int(r["id"]) for r in rows]

    # -- changing ----------------------------------------------------------------------------
    async def decide(
        self, call_id: int, group: str, state: str, now: datetime, *, was: tuple[str, ...]
    ) -> bool:
        """Change a group's state only from one of the expected states (no double decision)."""
        marks = ", ".join("?" for _ in was)
        changed = await self.store.execute(
            f"UPDATE appel_groups SET state = ?, decided_utc = ? WHERE call_id = ?"
            f" AND group_name = ? AND state IN ({marks})",
            (state, utc_text(now), call_id, group, *was),
        )
        return changed > 0

    async def add_group(self, call_id: int, group: str, state: str, now: datetime) -> None:
        await self.store.execute(
            "INSERT INTO appel_groups (call_id, group_name, state, decided_utc)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (call_id, group, state, utc_text(now)),
        )

    async def request_queued(self, call_id: int, group: str) -> None:
        await self.store.execute(
            "UPDATE appel_groups SET queued = 1 WHERE call_id = ? AND group_name = ?",
            (call_id, group),
        )

    async def add_targets(self, call_id: int, targets: list[NewTarget]) -> None:
        async with self.store.transaction() as db:
            for t in targets:
                await db.execute(
                    "INSERT INTO appel_targets (call_id, target, kind, transport, channel_id,"
                    " group_name, outbox_key) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (
                        call_id,
                        t.target,
                        t.kind,
                        t.channel.transport,
                        t.channel.id,
                        t.channel.group,
                        t.outbox_key,
                    ),
                )

    async def targets_queued(self, call_id: int) -> None:
        await self.store.execute(
            "UPDATE appel_targets SET queued = 1 WHERE call_id = ? AND queued = 0", (call_id,)
        )

    async def delivered(self, outbox_key: str, remote_id: str | None) -> int | None:
        """Remember what to retract later; the call's local id, if the key is one of ours."""
        row = await self.store.fetchone(
            "SELECT call_id FROM appel_targets WHERE outbox_key = ?", (outbox_key,)
        )
        if row is not None:
            await self.store.execute(
                "UPDATE appel_targets SET remote_id = ? WHERE outbox_key = ?",
                (remote_id, outbox_key),
            )
            return int(row["call_id"])
        row = await self.store.fetchone(
            "SELECT call_id FROM appel_groups WHERE request_key = ?", (outbox_key,)
        )
        if row is None:
            return None
        await self.store.execute(
            "UPDATE appel_groups SET request_remote_id = ? WHERE request_key = ?",
            (remote_id, outbox_key),
        )
        return int(row["call_id"])

    async def retract(self, call_id: int, now: datetime) -> bool:
        changed = await self.store.execute(
            "UPDATE appel_calls SET status = 'retracted', retracted_utc = ?"
            " WHERE id = ? AND status = 'active'",
            (utc_text(now), call_id),
        )
        if changed:
            await self.store.execute(
                "UPDATE appel_groups SET state = 'withdrawn', decided_utc = ?"
                " WHERE call_id = ? AND state = 'waiting'",
                (utc_text(now), call_id),
            )
        return changed > 0

    async def target_retracted(self, call_id: int, target: str) -> bool:
        changed = await self.store.execute(
            "UPDATE appel_targets SET retracted = 1 WHERE call_id = ? AND target = ?"
            " AND retracted = 0",
            (call_id, target),
        )
        return changed > 0

    async def purge(self, before: datetime) -> int:
        """Forget calls recorded before `before` whose expiry has passed too."""
        cutoff = utc_text(before)
        return await self.store.execute(
            "DELETE FROM appel_calls WHERE recorded_utc < ? AND expiry_utc < ?", (cutoff, cutoff)
        )

"""The weekly letter on time, once per group and week, on every channel.

For each group the letter of an ISO week has a stable id ("le-mans-2026-W22") and one row
once something is decided about it. The preview goes to the organisers' room at its
instant (outbox key "lettre-ID-apercu"). At the send instant, in ONE transaction: the
letter is composed, its rendered texts recorded (status 'sent', only if nothing was
decided before: a skip or an earlier send wins), its copies enter the outbox with keys
"lettre-ID-TARGET", and the editorial is cleared. A crash before the commit leaves
nothing: the restart sends it then; after it, the outbox delivers what is left, each key
once. The e-mail transport keeps its own journal around SMTP (see
bot/transports/email/journal.py), so a crash between the server's answer and the
database does not send the e-mail twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.announce import group_targets, organisers_channel
from bot.config import Config, GroupConfig
from bot.dates.describe import fmt_clock, fmt_day
from bot.digest import Digest, DigestQuery
from bot.message import Channel, Reach, ReplyKind
from bot.outbox import Outbox, OutgoingDraft
from bot.scheduler import Scheduler
from bot.store import Store
from commands.lettre import model, render, texts
from commands.lettre.compose import Letter, compose
from commands.lettre.config import LetterConfig
from commands.lettre.model import Week
from commands.lettre.repo import PREVIEWED, SENT, SKIPPED, LetterRepo, Stored
from commands.lettre.scope import letter_groups, recipients, whole_relais

logger = logging.getLogger(__name__)

JOB_ID = "lettre:tick"
REARM_JOB_ID = "lettre:rearm"
REARM_SECONDS = 600
RETRY_SECONDS = 60


@dataclass
class TickReport:
    previewed: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)


class LetterEngine:
    def __init__(
        self,
        config: Config,
        settings: LetterConfig,
        store: Store,
        outbox: Outbox,
        digest: Digest,
        *,
        now: Callable[[], datetime],
        base_url: Callable[[], str | None],
    ) -> None:
        self.config = config
        self.settings = settings
        self.store = store
        self.outbox = outbox
        self.digest = digest
        self.now = now
        self.base_url = base_url
        self.repo = LetterRepo(store)
        self.whole = whole_relais(config, settings)
        self._groups = recipients(config, settings)
        self._scheduler: Scheduler | None = None

    # -- groups and weeks -----------------------------------------------------------------
    def groups(self) -> list[GroupConfig]:
        """Every letter's group; the whole Relais' letter is the last one."""
        return list(self._groups)

    def is_whole(self, group: GroupConfig) -> bool:
        return self.whole is not None and group.name == self.whole.name

    def find(self, name: str) -> GroupConfig | None:
        return next((g for g in self.groups() if g.name == name), None)

    @staticmethod
    def zone(group: GroupConfig) -> ZoneInfo:
        return ZoneInfo(group.timezone)

    async def upcoming_week(self, group: GroupConfig, now: datetime) -> Week:
        """The week of the next letter to go out: this week's until it is sent or skipped."""
        week = Week.of(now.astimezone(self.zone(group)))
        stored = await self.repo.get(model.letter_id(group.name, week))
        late = now > self.send_at(group, week) + timedelta(hours=self.settings.late_grace_hours)
        if late or (stored is not None and stored.status in (SENT, SKIPPED)):
            return week.next()
        return week

    def settings_for(self, group: GroupConfig) -> LetterConfig:
        return self.settings.for_group(group.name)

    def send_at(self, group: GroupConfig, week: Week) -> datetime:
        return model.send_at(week, self.settings_for(group), self.zone(group))

    def preview_at(self, group: GroupConfig, week: Week) -> datetime:
        return model.preview_at(week, self.settings_for(group), self.zone(group))

    # -- composing ------------------------------------------------------------------------
    def page_url(self, week: Week) -> str | None:
        base = self.base_url() if self.settings.any_wants("web") else None
        return None if base is None else f"{base.rstrip('/')}/lettre/{week.slug}"

    async def compose(self, group: GroupConfig, week: Week, now: datetime) -> Letter:
        zone = self.zone(group)
        start, end = model.window(week, self.settings_for(group), zone)
        start = min(start, now)
        whole = self.is_whole(group)
        members = tuple(g.name for g in letter_groups(self.config, self.settings))
        items = await self.digest.collect(
            DigestQuery(members if whole else (group.name,), start, end)
        )
        return compose(
            letter_id=model.letter_id(group.name, week),
            group=self.settings.relais.label if whole else group.name,
            several=whole,
            title=self.settings.title,
            week_slug=week.slug,
            issued=self.send_at(group, week),
            zone=zone,
            items=items,
            editorial=await self.repo.editorial(group.name),
            page_url=self.page_url(week),
        )

    def targets(self, group: GroupConfig) -> list[Channel]:
        own = self.settings_for(group)
        found = []
        # One account for every group: with a Relais letter there, it is the one posted.
        whole_posts = self.whole is not None and self.whole.mastodon.enabled
        mastodon = self.is_whole(group) or not whole_posts
        for target in group_targets(self.config, group, mastodon=mastodon):
            kind = "mastodon" if target.reach is Reach.FOLLOWERS else "rooms"
            if own.wants(kind):
                found.append(target)
        address = self.settings.email_to.get(group.name)
        if address and own.wants("email") and self.config.email is not None:
            found.append(Channel("email", address, is_direct=False, group=group.name))
        return found

    def _draft(self, letter: Letter, stored: Stored, target: Channel) -> OutgoingDraft:
        key = f"lettre-{letter.id}-{target.key}"
        if target.transport == "email":
            context = {
                "subject": stored.subject,
                "html": render.html_page(stored.subject, stored.html),
                "date": letter.issued.isoformat(),
                "list_unsubscribe": list(self.settings.list_unsubscribe),
            }
            return OutgoingDraft(
                target, stored.plain, kind=ReplyKind.ANNOUNCEMENT, key=key, reply_context=context
            )
        return OutgoingDraft(target, stored.markdown, kind=ReplyKind.ANNOUNCEMENT, key=key)

    # -- deciding -------------------------------------------------------------------------
    async def send(self, group: GroupConfig, week: Week, now: datetime) -> bool:
        """Send this week's letter now, unless it was sent or skipped; True when sent."""
        letter = await self.compose(group, week, now)
        stored = Stored(
            letter.id,
            group.name,
            week.slug,
            SENT,
            letter.issued,
            render.subject(letter),
            render.markdown(letter),
            render.plain(letter),
            render.html_body(letter),
        )
        async with self.store.transaction():
            if not await self.repo.record_sent(stored, now):
                return False
            drafts = [self._draft(letter, stored, t) for t in self.targets(group)]
            await self.outbox.enqueue_many(drafts)
            await self.repo.clear_editorial(group.name)
        logger.info("letter %s: sent to %d channel(s)", letter.id, len(drafts))
        return True

    async def preview(self, group: GroupConfig, week: Week, now: datetime) -> bool:
        where = organisers_channel(group)
        letter = await self.compose(group, week, now)
        async with self.store.transaction():
            if not await self.repo.mark(
                letter.id, group.name, week.slug, PREVIEWED, now, issued=letter.issued
            ):
                return False
            if where is None:
                logger.warning("letter %s: no organisers' room for its preview", letter.id)
            else:
                text = preview_text(letter, self.config.command_prefix)
                key = f"lettre-{letter.id}-apercu"
                await self.outbox.enqueue(
                    OutgoingDraft(where, text, kind=ReplyKind.ANNOUNCEMENT, key=key)
                )
        return True

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Do what is due at `now` for every group (after a restart too)."""
        moment = (now or self.now()).astimezone(UTC)
        report = TickReport()
        for group in self.groups():
            this = Week.of(moment.astimezone(self.zone(group)))
            for week in (this, this.next()):
                letter_id = model.letter_id(group.name, week)
                stored = await self.repo.get(letter_id)
                if stored is not None and stored.status in (SENT, SKIPPED):
                    continue
                send = self.send_at(group, week)
                preview = self.preview_at(group, week)
                if send <= moment <= send + timedelta(hours=self.settings.late_grace_hours):
                    done = await self.send(group, week, moment)
                    (report.sent if done else []).append(letter_id)
                elif stored is None and preview <= moment < send:
                    done = await self.preview(group, week, moment)
                    (report.previewed if done else []).append(letter_id)
        await self.arm()
        return report

    def next_instant(self, after: datetime) -> datetime | None:
        found: list[datetime] = []
        for group in self.groups():
            zone = self.zone(group)
            this = Week.of(after.astimezone(zone))
            for week in (this, this.next()):
                for instant in (self.preview_at(group, week), self.send_at(group, week)):
                    if instant > after:
                        found.append(instant)
        return min(found, default=None)

    # -- scheduler wiring -----------------------------------------------------------------
    async def start(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        await self._fire()  # what fell due while the bot was stopped
        scheduler.every(REARM_JOB_ID, REARM_SECONDS, self.arm)

    async def arm(self) -> None:
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running:
            return
        now = self.now()
        following = self.next_instant(now)
        if following is None:
            scheduler.remove(JOB_ID)
            return
        delay = max(0.0, (following - now).total_seconds())
        scheduler.at(JOB_ID, datetime.now(UTC) + timedelta(seconds=delay), self._fire)

    async def _fire(self) -> None:
        try:
            await self.tick()
        except Exception:
            logger.exception("letter run failed; retrying in %d s", RETRY_SECONDS)
            if self._scheduler is not None and self._scheduler.running:
                when = datetime.now(UTC) + timedelta(seconds=RETRY_SECONDS)
                self._scheduler.at(JOB_ID, when, self._fire)


def preview_text(letter: Letter, prefix: str) -> str:
    when = f"{fmt_day(letter.issued.date())} à {fmt_clock(letter.issued)}"
    who = letter.group if letter.several else texts.PREVIEW_WHO_GROUP.format(group=letter.group)
    head = texts.PREVIEW_HEAD.format(when=when, who=who, prefix=prefix)
    return f"{head}\n\n{render.markdown(letter)}"

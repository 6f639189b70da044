"""The `agenda:` configuration section (every key is commented in config.example.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.configcheck import ConfigReader
from bot.french import normalize
from commands.agenda.model import KINDS, Event
from commands.agenda.offsets import Offset, OffsetError, parse_offset

DEFAULT_OFFSETS: dict[str, tuple[str, ...]] = {
    "default": ("J-1 18:00", "2h"),
    "manifestation": ("J-7", "J-1 18:00", "2h"),
    "rassemblement": ("J-7", "J-1 18:00", "2h"),
}


@dataclass(frozen=True)
class FeedConfig:
    """An ICS feed imported into a group (Mobilizon, Gancio, Demosphere…)."""

    group: str
    url: str
    interval_minutes: int = 60

    @property
    def name(self) -> str:
        return urlsplit(self.url).hostname or self.url


@dataclass(frozen=True)
class HttpConfig:
    enabled: bool = False
    bind: str = "127.0.0.1"
    port: int = 8089
    page_days: int = 60


def _default_reminders() -> dict[str, tuple[Offset, ...]]:
    return {k: tuple(parse_offset(s) for s in v) for k, v in DEFAULT_OFFSETS.items()}


@dataclass(frozen=True)
class AgendaConfig:
    reminders: Mapping[str, tuple[Offset, ...]] = field(default_factory=_default_reminders)
    late_grace_minutes: int = 60
    horizon_days: int = 366
    feeds: tuple[FeedConfig, ...] = ()
    http: HttpConfig = HttpConfig()
    public_url: str | None = None

    def offsets_for(self, kind: str) -> tuple[Offset, ...]:
        if kind in self.reminders:
            return self.reminders[kind]
        return self.reminders.get("default", ())

    def offsets_of(self, event: Event) -> tuple[Offset, ...]:
        """The event's own offsets, or its type's defaults."""
        if event.offsets is None:
            return self.offsets_for(event.kind)
        found = []
        for spec in event.offsets:
            try:
                found.append(parse_offset(spec))
            except OffsetError:
                continue  # written by this code, so only an older format could fail
        return tuple(found)

    def feed_url(self, group: str | None) -> str | None:
        base = self.public_url
        if base is None and self.http.enabled:
            base = f"http://{self.http.bind}:{self.http.port}"
        if base is None:
            return None
        return f"{base}/{group}/agenda.ics" if group else f"{base}/agenda.ics"

    def page_url(self, group: str | None) -> str | None:
        ics = self.feed_url(group)
        return None if ics is None else ics.removesuffix(".ics")


def _offsets(reader: ConfigReader, key: str) -> tuple[Offset, ...]:
    offsets: list[Offset] = []
    for index, text in enumerate(reader.str_list(key)):
        try:
            offsets.append(parse_offset(text))
        except OffsetError as exc:
            reader.problem(f"{key}[{index}]", str(exc))
    return tuple(offsets)


def _reminders(reader: ConfigReader) -> dict[str, tuple[Offset, ...]]:
    reminders = _default_reminders()
    section = reader.section("reminders")
    for key in list(section.data):
        kind = normalize(str(key))
        if kind != "default" and kind not in KINDS:
            section.raw(str(key))
            section.problem(
                str(key), "type inconnu ; types possibles : default, " + ", ".join(KINDS)
            )
            continue
        reminders[kind] = _offsets(section, str(key))
    section.reject_unknown()
    return reminders


def _feeds(reader: ConfigReader) -> tuple[FeedConfig, ...]:
    feeds: list[FeedConfig] = []
    for item in reader.sections("feeds"):
        feeds.append(
            FeedConfig(
                group=item.text("group"),
                url=item.url("url"),
                interval_minutes=item.integer(
                    "interval_minutes", 60, minimum=5, maximum=7 * 24 * 60
                ),
            )
        )
        item.reject_unknown()
    return tuple(feeds)


def _http(reader: ConfigReader) -> HttpConfig:
    section = reader.section("http")
    config = HttpConfig(
        enabled=section.flag("enabled", False),
        bind=section.text("bind", "127.0.0.1"),
        port=section.integer("port", 8089, minimum=0, maximum=65535),
        page_days=section.integer("page_days", 60, minimum=1, maximum=366),
    )
    section.reject_unknown()
    return config


def parse_agenda_config(reader: ConfigReader) -> AgendaConfig:
    public_url = reader.url("public_url", None)
    config = AgendaConfig(
        reminders=_reminders(reader),
        late_grace_minutes=reader.integer("late_grace_minutes", 60, minimum=0, maximum=24 * 60),
        horizon_days=reader.integer("horizon_days", 366, minimum=30, maximum=5 * 366),
        feeds=_feeds(reader),
        http=_http(reader),
        public_url=public_url,
    )
    reader.reject_unknown()
    return config

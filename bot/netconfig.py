"""The engine's network services in the configuration: the web server (`web:`) and the
SMTP client that sends e-mail (`email:`). Both sections are optional."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from bot.configcheck import ConfigReader

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
_ADDRESS = re.compile(r"[^@\s<>\"]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}|[^@\s<>\"]+@localhost")


@dataclass(frozen=True)
class WebConfig:
    bind: str = "127.0.0.1"
    port: int = 8089
    public_url: str | None = None


@dataclass(frozen=True)
class EmailConfig:
    host: str
    from_address: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    from_name: str | None = None
    ca_file: Path | None = None
    timeout_seconds: float = 30.0

    @property
    def domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "relais.invalid"


def email_address_problem(value: str) -> str | None:
    if _ADDRESS.fullmatch(value):
        return None
    return "doit être une adresse e-mail, par exemple lettre@exemple.org"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_web(reader: ConfigReader) -> WebConfig | None:
    if not reader.has("web"):
        reader.raw("web")
        return None
    section = reader.section("web")
    config = WebConfig(
        bind=section.text("bind", "127.0.0.1"),
        port=section.integer("port", 8089, minimum=0, maximum=65535),
        public_url=section.url("public_url", None),
    )
    section.reject_unknown()
    return config


def parse_email(reader: ConfigReader, base_dir: Path | None) -> EmailConfig | None:
    if not reader.has("email"):
        reader.raw("email")
        return None
    section = reader.section("email")
    host = section.text("host")
    security = section.text("security", "starttls", choices=SECURITY)
    if security == "none" and isinstance(host, str) and host and not _loopback(host):
        section.problem(
            "security",
            "« none » (sans chiffrement) seulement vers un serveur de cette machine "
            "(127.0.0.1) ; sinon starttls ou tls",
        )
    from_address = section.text("from_address")
    if isinstance(from_address, str) and from_address:
        problem = email_address_problem(from_address)
        if problem:
            section.problem("from_address", problem)
    username = section.text("username", None)
    password = section.text("password", None, secret=True)
    if username and not password:
        section.problem("password", "manquant, à renseigner (ou RELAIS_EMAIL_PASSWORD)")
    config = EmailConfig(
        host=host,
        from_address=from_address,
        port=section.integer("port", DEFAULT_PORTS.get(security, 587), minimum=1, maximum=65535),
        security=security,
        username=username,
        password=password,
        from_name=section.text("from_name", None),
        ca_file=section.path("ca_file", None, base=base_dir),
        timeout_seconds=section.number("timeout_seconds", 30.0, minimum=1, maximum=600),
    )
    section.reject_unknown()
    return config

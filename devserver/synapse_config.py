"""The configuration a LocalSynapse writes: loopback listener, SQLite, relaxed limits."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

_FAST = {"per_second": 1000, "burst_count": 10000}
# Every client-side limiter Synapse 1.16x knows, opened wide. Keys Synapse does not
# know are ignored by it, so the list may safely be a superset.
RELAXED_LIMITS: dict[str, Any] = {
    "rc_message": _FAST,
    "rc_registration": _FAST,
    "rc_registration_token_validity": _FAST,
    "rc_login": {"address": _FAST, "account": _FAST, "failed_attempts": _FAST},
    "rc_admin_redaction": _FAST,
    "rc_joins": {"local": _FAST, "remote": _FAST},
    "rc_joins_per_room": _FAST,
    "rc_3pid_validation": _FAST,
    "rc_invites": {"per_room": _FAST, "per_user": _FAST, "per_issuer": _FAST},
    "rc_third_party_invite": _FAST,
    "rc_key_requests": _FAST,
    "rc_media_create": _FAST,
    "rc_presence": {"per_user": _FAST},
    "rc_delayed_event_mgmt": _FAST,
    "rc_room_creation": _FAST,
    "rc_reports": _FAST,
    "rc_user_directory": _FAST,
    "rc_profile": _FAST,
}

# The "default" profile keeps Synapse's own limits for what a bot does (messages, joins,
# invites…), but not for logging in and registering: tests create many accounts from
# one address, and Synapse 1.16x allows one login per address every few minutes.
ACCOUNT_LIMITS: dict[str, Any] = {
    "rc_registration": _FAST,
    "rc_login": {"address": _FAST, "account": _FAST, "failed_attempts": _FAST},
}


def overrides(server_name: str, port: int, base_dir: Path, log_config_file: str) -> dict[str, Any]:
    """What we set on top of the generated homeserver.yaml, on every start."""
    return {
        "server_name": server_name,
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {
            "name": "sqlite3",
            "args": {"database": str(base_dir / "homeserver.db")},
        },
        "log_config": str(base_dir / log_config_file),
        "media_store_path": str(base_dir / "media_store"),
        "report_stats": False,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "presence": {"enabled": False},
        "bcrypt_rounds": 4,
        "url_preview_enabled": False,
        "enable_metrics": False,
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reusable_port(config: dict[str, Any]) -> int | None:
    """The port of a config we wrote before, if nothing listens on it now."""
    listeners = config.get("listeners") or []
    if not listeners or listeners[0].get("bind_addresses") != ["127.0.0.1"]:
        return None
    port = int(listeners[0]["port"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return None
    return port


def log_config(path: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "formatters": {
            "precise": {"format": "%(asctime)s - %(name)s - %(levelname)s - %(message)s"}
        },
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "precise",
                "filename": str(path),
                "encoding": "utf8",
            }
        },
        "root": {"level": "WARNING", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }

"""A secrets file beside the configuration: `NAME=value` lines, readable by its owner only.

The same format as systemd's EnvironmentFile, so one file serves `relais run` started by
hand (`relais.secrets_file` in the configuration) and the systemd unit. Variables already
in the environment win over the file.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)")


class SecretsFileError(Exception):
    """A French, one-line reason the file cannot be used."""


def read_secrets(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecretsFileError(f"fichier introuvable : {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretsFileError(f"illisible ({exc.__class__.__name__}) : {path}") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _LINE.fullmatch(line)
        if found is None:
            raise SecretsFileError(f"ligne {number} : attendu NOM=valeur ({path})")
        values[found.group(1)] = _unquote(found.group(2).strip())
    return values


def readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False


def write_secrets(path: Path, values: Mapping[str, str]) -> None:
    """Create the file with mode 0600 (never replaces an existing one)."""
    lines = ["# Secrets de Relais : ne partagez pas ce fichier.\n"]
    lines += [f"{name}={_quote(value)}\n" for name, value in values.items()]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.writelines(lines)


def _quote(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("a secret cannot span lines")
    if re.fullmatch(r"[A-Za-z0-9_.,:/@+=-]*", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner)
    return value

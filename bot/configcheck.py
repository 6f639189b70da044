"""A small reader that validates YAML data into typed values and collects every problem.

Each problem names its dotted key path and what is expected, in French, e.g.
``matrix.homeserver: doit être une URL http(s)``. Problems are collected, not raised,
so that one run reports them all.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "<requis>"


REQUIRED: Any = _Missing()

_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


class ConfigError(Exception):
    """Raised once validation is over, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"La configuration contient {len(problems)} erreur(s) :\n{lines}")


@dataclass(frozen=True)
class Renamed:
    """A key that changed name. `parent` is the dotted path of the mapping that holds it
    ("" for the top level; "*" stands for any key there, e.g. a group's name)."""

    parent: str
    old: str
    new: str


def apply_renames(data: Any, renames: Sequence[Renamed]) -> tuple[Any, list[str], list[str]]:
    """Old key names moved to their new names: (data, notices, problems).

    A file written for an older Relais keeps working; each old name gets a notice naming
    the new one. Both names at once is a problem (which value to keep is the person's call).
    """
    if not isinstance(data, Mapping):
        return data, [], []
    data = copy.deepcopy(dict(data))
    notices: list[str] = []
    problems: list[str] = []
    for rename in sorted(renames, key=lambda r: len(r.parent.split(".")) if r.parent else 0):
        for path, mapping in _mappings_at(data, rename.parent.split(".") if rename.parent else []):
            if rename.old not in mapping:
                continue
            where = f"{path}." if path else ""
            if rename.new in mapping:
                problems.append(
                    f"{where}{rename.old}: ancien nom de « {where}{rename.new} », qui est aussi "
                    "là : gardez seulement le nouveau"
                )
                continue
            mapping[rename.new] = mapping.pop(rename.old)
            notices.append(
                f"« {where}{rename.old} » s'appelle maintenant « {where}{rename.new} » "
                "(l'ancien nom marche encore ; renommez-le quand vous pourrez)"
            )
    return data, notices, problems


def _mappings_at(
    data: Any, parts: list[str], path: str = ""
) -> Iterable[tuple[str, dict[str, Any]]]:
    if not isinstance(data, dict):
        return
    if not parts:
        yield path, data
        return
    head, rest = parts[0], parts[1:]
    keys = list(data) if head == "*" else [head]
    for key in keys:
        if key in data:
            yield from _mappings_at(data[key], rest, f"{path}.{key}" if path else str(key))


def env_name(path: str) -> str:
    """Environment variable that may carry a secret instead of the file."""
    return "RELAIS_" + re.sub(r"[^A-Z0-9]+", "_", path.upper())


class ConfigReader:
    """Reads one mapping of the configuration, remembering where it sits."""

    def __init__(
        self,
        data: Any,
        path: str = "",
        problems: list[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.location = path
        self.problems: list[str] = [] if problems is None else problems
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            self.problem("", "doit être une section (des paires « clé: valeur »)")
            data = {}
        self.data: Mapping[str, Any] = data
        self._seen: set[str] = set()

    # -- bookkeeping -----------------------------------------------------------------
    def key_path(self, key: str) -> str:
        if not key:
            return self.location or "(racine)"
        return f"{self.location}.{key}" if self.location else key

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.key_path(key)}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> Any:
        self._seen.add(key)
        return self.data.get(key)

    def reject_unknown(self) -> None:
        """Report keys nobody read: usually a typo."""
        for key in self.data:
            if key not in self._seen:
                self.problem(str(key), "clé inconnue (faute de frappe ?)")

    # -- sections --------------------------------------------------------------------
    def section(self, key: str) -> ConfigReader:
        return ConfigReader(self.raw(key), self.key_path(key), self.problems, self.environ)

    def sections(self, key: str) -> list[ConfigReader]:
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "doit être une liste de sections (lignes commençant par « - »)")
            return []
        return [
            ConfigReader(item, f"{self.key_path(key)}[{i}]", self.problems, self.environ)
            for i, item in enumerate(value)
        ]

    # -- scalars ---------------------------------------------------------------------
    def _get(self, key: str, default: Any, secret: bool) -> Any:
        self._seen.add(key)
        if secret:
            from_env = self.environ.get(env_name(self.key_path(key)))
            if from_env:
                return from_env
        value = self.data.get(key)
        if value is None:
            if default is REQUIRED:
                hint = (
                    f" (ou la variable d'environnement {env_name(self.key_path(key))})"
                    if secret
                    else ""
                )
                self.problem(key, f"manquant, à renseigner{hint}")
            return default
        return value

    def text(
        self,
        key: str,
        default: Any = REQUIRED,
        *,
        secret: bool = False,
        choices: Iterable[str] | None = None,
        pattern: str | None = None,
        expected: str = "",
    ) -> Any:
        value = self._get(key, default, secret)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, "doit être un texte")
            return default if default is not REQUIRED else ""
        value = str(value).strip()
        if choices is not None:
            allowed = list(choices)
            if value not in allowed:
                self.problem(key, "doit valoir " + " ou ".join(f"« {c} »" for c in allowed))
        if pattern is not None and not re.fullmatch(pattern, value):
            self.problem(key, expected or "format invalide")
        return value

    def url(self, key: str, default: Any = REQUIRED) -> Any:
        value = self._get(key, default, False)
        if value is default:
            return value
        if not isinstance(value, str) or not _URL.match(value.strip()):
            self.problem(key, "doit être une URL http(s), par exemple https://exemple.org")
            return default if default is not REQUIRED else ""
        return value.strip().rstrip("/")

    def integer(
        self,
        key: str,
        default: Any = REQUIRED,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        value = self._get(key, default, False)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, "doit être un nombre entier")
            return default if default is not REQUIRED else 0
        return self._bounded(key, value, minimum, maximum, default)

    def number(
        self,
        key: str,
        default: Any = REQUIRED,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> Any:
        value = self._get(key, default, False)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, "doit être un nombre")
            return default if default is not REQUIRED else 0.0
        return self._bounded(key, float(value), minimum, maximum, default)

    def _bounded(self, key: str, value: Any, minimum: Any, maximum: Any, default: Any) -> Any:
        if minimum is not None and value < minimum:
            self.problem(key, f"doit être au moins {minimum}")
            return default if default is not REQUIRED else minimum
        if maximum is not None and value > maximum:
            self.problem(key, f"doit être au plus {maximum}")
            return default if default is not REQUIRED else maximum
        return value

    def flag(self, key: str, default: Any = REQUIRED) -> Any:
        value = self._get(key, default, False)
        if value is default:
            return value
        if not isinstance(value, bool):
            self.problem(key, "doit valoir true ou false")
            return default if default is not REQUIRED else False
        return value

    def str_list(
        self,
        key: str,
        default: Iterable[str] = (),
        *,
        item: Callable[[str], str | None] | None = None,
    ) -> tuple[str, ...]:
        """A list of texts; `item` returns an error message for a bad element, or None."""
        value = self._get(key, None, False)
        if value is None:
            return tuple(default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, "doit être une liste")
            return tuple(default)
        out: list[str] = []
        for i, element in enumerate(value):
            if not isinstance(element, str | int) or isinstance(element, bool):
                self.problem(f"{key}[{i}]", "doit être un texte")
                continue
            text = str(element).strip()
            message = item(text) if item else None
            if message:
                self.problem(f"{key}[{i}]", message)
                continue
            out.append(text)
        return tuple(out)

    def timezone(self, key: str, default: str = "Europe/Paris") -> str:
        value = self.text(key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(key, "fuseau horaire inconnu (exemple : Europe/Paris)")
            return default
        return str(value)

    def path(self, key: str, default: Any = REQUIRED, *, base: Path | None = None) -> Any:
        value = self.text(key, default)
        if value is default or value is None:
            return value
        path = Path(str(value)).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        return path


def matrix_user_id_problem(value: str) -> str | None:
    if re.fullmatch(r"@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(:\d+)?", value):
        return None
    return "doit être un identifiant Matrix complet, par exemple @alice:exemple.org"


def mastodon_acct_problem(value: str) -> str | None:
    if re.fullmatch(r"@?[A-Za-z0-9_]+(@[A-Za-z0-9.\-]+)?", value):
        return None
    return "doit être un compte Mastodon, par exemple alice@mastodon.example"

"""The rights knowledge base as frozen values: topics, organisations, letter templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TypeVar

# Allowed themes, in the order of the `!droit` menu.
THEMES: tuple[str, ...] = (
    "sante",
    "social",
    "emploi",
    "etrangers",
    "administration",
    "recours",
    "donnees",
    "travail",
    "surveillance",
    "police",
    "ecole",
    "agriculture",
    "numerique",
    "associations",
)


@dataclass(frozen=True)
class Problem:
    """One content problem: the file, the field path (1-based list indexes) and what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SourceRef:
    """Where a claim comes from: an official URL, or a seed file and line(s)."""

    titre: str
    url: str | None = None
    seed: str | None = None
    lignes: str | None = None


@dataclass(frozen=True)
class Contact:
    nom: str
    source: str  # an URL or "seed:<file>:<line(s)>"
    telephone: str | None = None
    horaires: str | None = None
    adresse: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class LegalBasis:
    texte: str
    objet: str
    article: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    titre: str
    resume: str
    que_faire: tuple[str, ...]
    contacts: tuple[Contact, ...]
    base_legale: tuple[LegalBasis, ...]
    sources: tuple[SourceRef, ...]
    mots_cles: tuple[str, ...]
    themes: tuple[str, ...]
    verifie_le: date  # last checked against its sources


@dataclass(frozen=True)
class OrgContact:
    url: str | None = None
    telephone: str | None = None
    adresse: str | None = None


@dataclass(frozen=True)
class Organisation:
    id: str
    nom: str
    fait: str
    themes: tuple[str, ...]
    departements: tuple[str, ...]  # empty: national
    contact: OrgContact
    source: str


@dataclass(frozen=True)
class Template:
    id: str
    titre: str
    usage: str
    base_legale: str
    source: str
    body: str


_Item = TypeVar("_Item", Topic, Organisation, Template)


def _by_id(items: tuple[_Item, ...]) -> Mapping[str, _Item]:
    return MappingProxyType({item.id: item for item in items})


@dataclass(frozen=True)
class Content:
    """Everything `!droit`, `!orga` and `!modele` serve, sorted by id."""

    topics: tuple[Topic, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    templates: tuple[Template, ...] = ()
    _topics: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    _templates: Mapping[str, Template] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_topics", _by_id(self.topics))
        object.__setattr__(self, "_templates", _by_id(self.templates))

    def topic(self, topic_id: str) -> Topic | None:
        return self._topics.get(topic_id)

    def template(self, template_id: str) -> Template | None:
        return self._templates.get(template_id)

    def topics_in(self, theme: str) -> list[Topic]:
        return [t for t in self.topics if theme in t.themes]

    def themes_in_use(self) -> list[str]:
        used = {theme for topic in self.topics for theme in topic.themes}
        return [theme for theme in THEMES if theme in used]

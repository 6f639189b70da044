"""The content schema (notes/droit_content_spec.md) applied to parsed YAML: values or problems."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from commands.droit import texts
from commands.droit.documents import seed_label
from commands.droit.fields import SEED_FILE, SEED_REF, SLUG, Fields, seed_lines
from commands.droit.model import (
    THEMES,
    Contact,
    Content,
    LegalBasis,
    Organisation,
    OrgContact,
    Problem,
    SourceRef,
    Template,
    Topic,
)

TITLE_MAX = 80
RESUME_MAX = 600
STEP_MAX = 300
STEPS = (2, 7)
KEYWORDS = (10, 40)
ORG_TEXT_MAX = 400
# The summary is what a person reads first: short sentences, no article numbers.
RESUME_SENTENCE_WORDS = 25
STALE_MONTHS = 12  # `relais droit --verifier` warns about topics checked longer ago

TOPIC_KEYS = (
    "id",
    "titre",
    "resume",
    "que_faire",
    "contacts",
    "base_legale",
    "sources",
    "mots_cles",
    "themes",
    "verifie_le",
)
CONTACT_KEYS = ("nom", "telephone", "horaires", "adresse", "url", "source")
LEGAL_KEYS = ("texte", "article", "objet", "url")
SOURCE_KEYS = ("url", "seed", "lignes", "titre")
ORG_KEYS = ("id", "nom", "fait", "themes", "departements", "contact", "source")
ORG_CONTACT_KEYS = ("url", "telephone", "adresse")
TEMPLATE_KEYS = ("id", "titre", "usage", "base_legale", "source")
DEPARTMENT = re.compile(r"^(?:\d{2,3}|2A|2B)$")
# "!droit caf", "!modele acces-rgpd" written inside a text: the target must exist.
_COMMAND_REF = re.compile(r"!(droits?|mod[eè]les?)\s+([a-z0-9]+(?:-[a-z0-9]+)*)")
_DROIT_WORDS = frozenset({"sources", "source", "recharger"})
# "art. 15", "article L. 311-3-1", "L. 1111-7", "R. 343-1": these belong in base_legale.
_ARTICLE_REF = re.compile(r"\b(?:art\.|articles?)\s+[LRD]?\.?\s?\d|\b[LRD]\.\s?\d+-\d")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def topic_from(data: Any, file: str, problems: list[Problem]) -> Topic | None:
    """A Topic when `data` (one parsed YAML file) is valid; otherwise None, problems appended."""
    before = len(problems)
    top = Fields(data, file=file, path="", problems=problems, allowed=TOPIC_KEYS)
    if not top.ok:
        return None
    expected_id = Path(file).stem
    topic_id = top.text("id", shown=False)
    if topic_id is not None and topic_id != expected_id:
        top.problem("id", texts.V_ID_NOT_FILE.format(expected=expected_id))
    elif topic_id is not None and not SLUG.match(topic_id):
        top.problem("id", texts.V_BAD_SLUG)
    titre = top.text("titre", max_len=TITLE_MAX)
    resume = top.text("resume", max_len=RESUME_MAX)
    if resume is not None:
        _check_resume(top, resume)
    steps = top.text_list("que_faire", min_items=STEPS[0], max_items=STEPS[1], max_len=STEP_MAX)
    contacts = tuple(_contacts(top))
    legal = tuple(_legal(top))
    sources = tuple(_sources(top))
    keywords = top.text_list("mots_cles", min_items=KEYWORDS[0], max_items=KEYWORDS[1], shown=False)
    themes = top.choices("themes", THEMES)
    checked = top.date("verifie_le")
    if len(problems) > before or not (topic_id and titre and resume and checked):
        return None
    return Topic(
        id=topic_id,
        titre=titre,
        resume=resume,
        que_faire=steps,
        contacts=contacts,
        base_legale=legal,
        sources=sources,
        mots_cles=keywords,
        themes=themes,
        verifie_le=checked,
    )


def _check_resume(top: Fields, resume: str) -> None:
    """Short sentences, and no article numbers in the lines a person reads first."""
    for number, sentence in enumerate(_SENTENCE.split(resume), start=1):
        count = sum(any(c.isalnum() for c in word) for word in sentence.split())
        if count > RESUME_SENTENCE_WORDS:
            top.problem(
                "resume",
                texts.V_LONG_SENTENCE.format(number=number, words=count, max=RESUME_SENTENCE_WORDS),
            )
    if _ARTICLE_REF.search(resume):
        top.problem("resume", texts.V_ARTICLE_IN_RESUME)


def _contacts(top: Fields) -> Iterable[Contact]:
    for item in top.mappings("contacts", CONTACT_KEYS):
        nom = item.text("nom")
        source = item.reference("source")
        phone = item.text("telephone", required=False)
        hours = item.text("horaires", required=False)
        address = item.text("adresse", required=False)
        url = item.url("url")
        if nom and source:
            yield Contact(nom, source, phone, hours, address, url)


def _legal(top: Fields) -> Iterable[LegalBasis]:
    for item in top.mappings("base_legale", LEGAL_KEYS):
        texte = item.text("texte")
        objet = item.text("objet")
        article = item.text("article", required=False)
        url = item.url("url")
        if texte and objet:
            yield LegalBasis(texte, objet, article, url)


def _sources(top: Fields) -> Iterable[SourceRef]:
    for item in top.mappings("sources", SOURCE_KEYS, min_items=1):
        titre = item.text("titre")
        has_url, has_seed = item.has("url"), item.has("seed") or item.has("lignes")
        if has_url == has_seed:
            item.problem("", texts.V_SOURCE_KIND)
            continue
        if has_url:
            url = item.url("url", required=True)
            if titre and url:
                yield SourceRef(titre, url=url)
            continue
        seed = item.text("seed", shown=False)
        lines = item.text("lignes", shown=False)
        if seed is not None and not SEED_FILE.match(seed):
            item.problem("seed", texts.V_BAD_SEED_FILE)
        elif seed is not None and seed_label(seed) is None:
            item.problem("seed", texts.V_SEED_UNNAMED.format(seed=seed))
        elif lines is not None and seed_lines(lines) is None:
            item.problem("lignes", texts.V_BAD_LINES)
        elif titre and seed and lines:
            yield SourceRef(titre, seed=seed, lignes=lines)


def organisations_from(data: Any, file: str, problems: list[Problem]) -> tuple[Organisation, ...]:
    top = Fields(data, file=file, path="", problems=problems, allowed=("organisations",))
    found: list[Organisation] = []
    seen: set[str] = set()
    for item in top.mappings("organisations", ORG_KEYS, min_items=1):
        org_id = item.text("id", shown=False)
        if org_id is not None and not SLUG.match(org_id):
            item.problem("id", texts.V_BAD_SLUG)
        elif org_id is not None and org_id in seen:
            item.problem("id", texts.V_DUPLICATE.format(value=org_id))
        nom = item.text("nom", max_len=TITLE_MAX + 20)
        fait = item.text("fait", max_len=ORG_TEXT_MAX)
        themes = item.choices("themes", THEMES)
        departements = item.text_list("departements", shown=False)
        for index, dept in enumerate(departements, start=1):
            if not DEPARTMENT.match(dept):
                item.problem(f"departements[{index}]", texts.V_BAD_DEPARTMENT)
        contact = item.section("contact", ORG_CONTACT_KEYS)
        org_contact = OrgContact(
            url=contact.url("url"),
            telephone=contact.text("telephone", required=False),
            adresse=contact.text("adresse", required=False),
        )
        source = item.reference("source")
        if org_id and nom and fait and source:
            seen.add(org_id)
            found.append(Organisation(org_id, nom, fait, themes, departements, org_contact, source))
    return tuple(found)


def template_from(front: Any, body: str, file: str, problems: list[Problem]) -> Template | None:
    before = len(problems)
    top = Fields(front, file=file, path="", problems=problems, allowed=TEMPLATE_KEYS)
    if not top.ok:
        return None
    expected_id = Path(file).stem
    template_id = top.text("id", shown=False)
    if template_id is not None and template_id != expected_id:
        top.problem("id", texts.V_ID_NOT_FILE.format(expected=expected_id))
    titre = top.text("titre", max_len=TITLE_MAX + 20)
    usage = top.text("usage", max_len=RESUME_MAX)
    legal = top.text("base_legale", max_len=RESUME_MAX)
    source = top.reference("source")
    body = body.strip()
    if not body:
        problems.append(Problem(file, "texte", texts.V_EMPTY))
    elif "·" in body:
        problems.append(Problem(file, "texte", texts.V_INCLUSIVE))
    if len(problems) > before or not (template_id and titre and usage and legal and source):
        return None
    return Template(template_id, titre, usage, legal, source, body)


def cross_problems(content: Content) -> list[Problem]:
    """`!droit x` and `!modele x` written in a text must name something that exists."""
    problems: list[Problem] = []
    for topic in content.topics:
        fields: list[tuple[str, str]] = [("resume", topic.resume)]
        fields += [(f"que_faire[{i}]", step) for i, step in enumerate(topic.que_faire, 1)]
        for field_name, value in fields:
            for kind, target in _COMMAND_REF.findall(value):
                if kind.startswith("droit"):
                    missing = target not in _DROIT_WORDS and content.topic(target) is None
                else:
                    missing = content.template(target) is None
                if missing:
                    problems.append(
                        Problem(
                            f"{topic.id}.yaml",
                            field_name,
                            texts.V_BROKEN_LINK.format(command=f"!{kind} {target}"),
                        )
                    )
    return problems


def seed_problems(content: Content, seeds: Mapping[str, int]) -> list[Problem]:
    """Seed references must name a known seed file and lines inside it.

    `seeds` maps a seed file name to its number of lines. Only used where the seeds are
    at hand (tests, CI): the bot itself does not ship them.
    """
    problems: list[Problem] = []

    def check(file: str, field_name: str, seed: str, lines: str) -> None:
        span = seed_lines(lines)
        if seed not in seeds:
            problems.append(Problem(file, field_name, texts.V_SEED_UNKNOWN.format(seed=seed)))
        elif span is not None and span[1] > seeds[seed]:
            problems.append(
                Problem(
                    file,
                    field_name,
                    texts.V_SEED_OUT_OF_RANGE.format(lines=lines, count=seeds[seed]),
                )
            )

    def check_ref(file: str, field_name: str, ref: str) -> None:
        match = SEED_REF.match(ref)
        if match is not None:
            check(file, field_name, match["file"], match["lines"])

    for topic in content.topics:
        file = f"{topic.id}.yaml"
        for index, source in enumerate(topic.sources, start=1):
            if source.seed and source.lignes:
                check(file, f"sources[{index}]", source.seed, source.lignes)
        for index, contact in enumerate(topic.contacts, start=1):
            check_ref(file, f"contacts[{index}].source", contact.source)
    for index, org in enumerate(content.organisations, start=1):
        check_ref("organisations.yaml", f"organisations[{index}].source", org.source)
    for template in content.templates:
        check_ref(f"{template.id}.md", "source", template.source)
    return problems


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def stale_topics(content: Content, today: date, months: int = STALE_MONTHS) -> list[Problem]:
    """Topics not checked against their sources for more than `months` months.

    Warnings, not errors: the topic stays in service, but someone should re-read it."""
    return [
        Problem(
            f"{topic.id}.yaml",
            "verifie_le",
            texts.V_STALE.format(date=topic.verifie_le.strftime("%d/%m/%Y"), months=months),
        )
        for topic in content.topics
        if today > add_months(topic.verifie_le, months)
    ]

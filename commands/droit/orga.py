"""`!orga [thème|département|nom]`: organisations that help, from content/organisations.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.french import normalize, quoted
from commands.droit import texts
from commands.droit.answers import find_theme
from commands.droit.model import THEMES, Content, Organisation
from commands.droit.validate import DEPARTMENT

if TYPE_CHECKING:
    pass

_ALL = frozenset({"tout", "toutes", "tous", "liste"})


def organisation_text(org: Organisation) -> str:
    lines = [f"**{org.nom}**", org.fait]
    contact = org.contact
    if contact.telephone:
        lines.append(texts.ORGA_PHONE.format(phone=contact.telephone))
    if contact.adresse:
        lines.append(texts.ORGA_ADDRESS.format(address=contact.adresse))
    if contact.url and contact.url.startswith("mailto:"):
        lines.append(texts.ORGA_MAIL.format(mail=contact.url.removeprefix("mailto:")))
    elif contact.url:
        lines.append(texts.ORGA_SITE.format(url=contact.url))
    if org.departements:
        lines.append(texts.ORGA_LOCAL.format(depts=", ".join(org.departements)))
    return "\n".join(lines)


def _listing(title: str, orgs: Sequence[Organisation], footer: str = "") -> str:
    parts = [f"**{title}**", *(organisation_text(o) for o in orgs)]
    if footer:
        parts.append(footer)
    return "\n\n".join(parts)


def orga_menu(content: Content, prefix: str) -> str:
    lines = [f"**{texts.ORGA_MENU_TITLE}**", ""]
    for theme in THEMES:
        count = sum(theme in o.themes for o in content.organisations)
        if count:
            label = texts.THEME_LABELS.get(theme, theme)
            lines.append(
                texts.ORGA_MENU_LINE.format(label=label, prefix=prefix, theme=theme, count=count)
            )
    lines += ["", texts.ORGA_MENU_FOOTER.format(prefix=prefix)]
    return "\n".join(lines)


def find_organisations(content: Content, query: str, prefix: str) -> str:
    """The reply to `!orga <query>`."""
    wanted = query.strip()
    if not content.organisations:
        return texts.EMPTY_CONTENT
    if not wanted:
        return orga_menu(content, prefix)
    if normalize(wanted) in _ALL:
        return _listing(texts.ORGA_MENU_TITLE, content.organisations)
    dept = wanted.upper().removeprefix("0") if len(wanted) == 3 else wanted.upper()
    if DEPARTMENT.match(dept):
        local = [o for o in content.organisations if dept in o.departements]
        if not local:
            return texts.ORGA_DEPT_NONE.format(dept=dept, prefix=prefix)
        title = texts.ORGA_DEPT_TITLE.format(dept=dept)
        return _listing(title, local, texts.ORGA_DEPT_NATIONAL.format(prefix=prefix))
    theme = find_theme(wanted)
    if theme is not None:
        in_theme = [o for o in content.organisations if theme in o.themes]
        if in_theme:
            label = texts.THEME_LABELS.get(theme, theme)
            return _listing(texts.ORGA_THEME_TITLE.format(label=label), in_theme)
    named = _by_name(content.organisations, wanted)
    if named:
        return "\n\n".join(organisation_text(o) for o in named)
    themes = ", ".join(t for t in THEMES if any(t in o.themes for o in content.organisations))
    return texts.ORGA_NOT_FOUND.format(query=quoted(wanted), themes=themes, prefix=prefix)


def _by_name(orgs: Sequence[Organisation], query: str) -> list[Organisation]:
    wanted = normalize(query)
    slug = "-".join(wanted.split())
    exact = [o for o in orgs if o.id == slug]
    if exact:
        return exact
    words = wanted.split()
    return [
        o
        for o in orgs
        if words and all(w in normalize(f"{o.id} {o.nom}").replace("-", " ") for w in words)
    ]

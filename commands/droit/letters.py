"""`!modele [nom]`: letter templates from content/modeles/, ready to copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.french import normalize, quoted
from commands.droit import texts
from commands.droit.model import Content, Template

if TYPE_CHECKING:
    pass


def template_list(templates: Sequence[Template], prefix: str, title: str) -> str:
    lines = [title, ""]
    lines += [
        texts.MODELE_LIST_LINE.format(number=i, titre=t.titre, prefix=prefix, id=t.id)
        for i, t in enumerate(templates, start=1)
    ]
    lines += ["", texts.MODELE_LIST_FOOTER.format(prefix=prefix, id=templates[0].id)]
    return "\n".join(lines)


def find_templates(content: Content, query: str) -> list[Template]:
    """By id, by list number, or every template whose id, title or use has all the words."""
    wanted = normalize(query)
    exact = content.template("-".join(wanted.split()))
    if exact is not None:
        return [exact]
    if wanted.isdigit() and 1 <= int(wanted) <= len(content.templates):
        return [content.templates[int(wanted) - 1]]
    words = wanted.replace("-", " ").split()
    return [
        t
        for t in content.templates
        if words
        and all(w in normalize(f"{t.id} {t.titre} {t.usage}").replace("-", " ") for w in words)
    ]


def template_replies(content: Content, query: str, prefix: str) -> list[str]:
    """The reply to `!modele <query>`: an introduction, then the letter alone (easy to copy)."""
    if not content.templates:
        return [texts.MODELE_NONE]
    if not query.strip():
        return [template_list(content.templates, prefix, f"**{texts.MODELE_LIST_TITLE}**")]
    found = find_templates(content, query)
    if len(found) == 1:
        template = found[0]
        intro = texts.MODELE_INTRO.format(
            titre=template.titre, usage=template.usage, base=template.base_legale
        )
        return [intro, template.body]
    if found:
        return [template_list(found, prefix, texts.MODELE_SEVERAL.format(query=quoted(query)))]
    title = texts.MODELE_NOT_FOUND.format(query=quoted(query))
    return [template_list(content.templates, prefix, title)]

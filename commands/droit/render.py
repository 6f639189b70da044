"""Topics as chat text: light Markdown for Matrix, and plain text within a character budget.

Plain text is for places that count characters (Mastodon: 500). It keeps the title, the
summary and as many steps as fit, and always ends with the `!droit <id>` pointer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from commands.droit import texts
from commands.droit.documents import seed_label
from commands.droit.model import Contact, Content, SourceRef, Topic

_COMMANDS = re.compile(r"!(droits?|orgas?|mod[eè]les?)\b")
_ARTICLE = re.compile(r"^(?:\d|[LRD]\.? ?\d)")
_SENTENCE_END = re.compile(r"[.!?…][»)\"]?(?=\s)")  # a closing bracket alone is no end
ELLIPSIS = "…"
MIN_CUT = 40  # below this many characters, a cut summary is not worth showing
PARAGRAPH = "\n\n"
LINE = "\n"


def with_prefix(text: str, prefix: str) -> str:
    """Content writes "!droit caf"; a collective may use another command prefix."""
    return text if prefix == "!" else _COMMANDS.sub(lambda m: prefix + m[1], text)


def _contact_line(contact: Contact) -> str:
    details = []
    if contact.telephone:
        phone = texts.PHONE.format(phone=contact.telephone)
        details.append(f"{phone} ({contact.horaires})" if contact.horaires else phone)
    if contact.adresse:
        details.append(contact.adresse)
    if contact.url:
        details.append(contact.url)
    return f"{contact.nom} : {' ; '.join(details)}" if details else contact.nom


def topic_markdown(topic: Topic, prefix: str = "!", see_also: Sequence[Topic] = ()) -> str:
    lines = [f"**{topic.titre}**", "", topic.resume, "", f"**{texts.STEPS_HEADING}**"]
    lines += [f"{i}. {step}" for i, step in enumerate(topic.que_faire, start=1)]
    if topic.contacts:
        lines += ["", f"**{texts.CONTACTS_HEADING}**"]
        lines += [f"- {_contact_line(c)}" for c in topic.contacts]
    lines += ["", checked(topic)]
    if see_also:
        commands = ", ".join(f"{prefix}droit {other.id}" for other in see_also)
        lines.append(texts.SEE_ALSO.format(commands=commands))
    lines.append(texts.MORE.format(prefix=prefix, id=topic.id))
    return with_prefix("\n".join(lines), prefix)


def topic_plain(topic: Topic, prefix: str = "!", budget: int | None = None) -> str:
    """The topic without Markdown; with a budget, cut to fit and point to the full topic."""
    blocks = [(topic.titre, ""), (topic.resume, PARAGRAPH)]
    for i, step in enumerate(topic.que_faire, start=1):
        blocks.append((f"{i}. {step}", PARAGRAPH if i == 1 else LINE))
    if topic.contacts:
        contacts = " ; ".join(_contact_line(c) for c in topic.contacts)
        blocks.append((f"{texts.CONTACTS_HEADING} : {contacts}", PARAGRAPH))
    blocks = [(with_prefix(text, prefix), sep) for text, sep in blocks]
    if budget is None:
        more = texts.MORE.format(prefix=prefix, id=topic.id)
        return join([*blocks, (checked(topic), PARAGRAPH), (more, LINE)])
    return fit(
        blocks,
        budget,
        complete=texts.MORE_SHORT.format(prefix=prefix, id=topic.id),
        truncated=texts.CONTINUED.format(prefix=prefix, id=topic.id),
    )


def join(blocks: Sequence[tuple[str, str]]) -> str:
    """Blocks with the separator each one wants before it."""
    return "".join((sep if i else "") + text for i, (text, sep) in enumerate(blocks))


def fit(blocks: Sequence[tuple[str, str]], budget: int, *, complete: str, truncated: str) -> str:
    """Blocks in order while they fit, the first one that does not cut at a sentence, then
    the footer: `complete` when everything fit, `truncated` otherwise."""
    whole = join([*blocks, (complete, PARAGRAPH)])
    if len(whole) <= budget:
        return whole
    room = budget - len(truncated) - len(PARAGRAPH)
    kept: list[tuple[str, str]] = []
    used = 0
    for text, sep in blocks:
        extra = len(sep) if kept else 0
        if used + extra + len(text) <= room:
            kept.append((text, sep))
            used += extra + len(text)
            continue
        space = room - used - extra
        if space >= MIN_CUT or not kept:
            cut = cut_text(text, max(space, 0))
            if cut:
                kept.append((cut, sep))
        break
    return join([*kept, (truncated, PARAGRAPH)])[:budget]


def cut_text(text: str, limit: int) -> str:
    """At most `limit` characters: whole sentences when that keeps half, else whole words."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ""
    window = text[: limit - len(ELLIPSIS) + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2 and ends[-1] <= limit:
        return text[: ends[-1]]
    space = window.rfind(" ")
    head = window[:space] if space > 0 else window[: limit - len(ELLIPSIS)]
    return head.rstrip(" ,;:") + ELLIPSIS


def sources_markdown(topic: Topic, prefix: str = "!") -> str:
    lines = [f"**{texts.SOURCES_TITLE.format(titre=topic.titre)}**"]
    if topic.base_legale:
        lines += ["", f"**{texts.LEGAL_HEADING}**"]
        for legal in topic.base_legale:
            name = f"{legal.texte}, {_article(legal.article)}" if legal.article else legal.texte
            link = f" ({legal.url})" if legal.url else ""
            lines.append(f"- {name} : {legal.objet}{link}")
    lines += ["", f"**{texts.SOURCES_HEADING}**"]
    lines += [f"- {source_line(source)}" for source in topic.sources]
    lines += ["", checked(topic), texts.BACK_TO_TOPIC.format(prefix=prefix, id=topic.id)]
    return with_prefix("\n".join(lines), prefix)


def checked(topic: Topic) -> str:
    return texts.CHECKED.format(date=topic.verifie_le.strftime("%d/%m/%Y"))


def source_line(source: SourceRef) -> str:
    """A source as a person can find it: its title and link, or the founding document's
    own name and date. Seed file and lines stay in the content, for the validator."""
    if source.url:
        return f"{source.titre} ({source.url})"
    document = seed_label(source.seed or "") or texts.UNNAMED_DOCUMENT
    return f"{source.titre} ({document})"


def _article(article: str) -> str:
    """Article numbers read as such: "15" → "art. 15"; "n° 452798" stays."""
    return f"art. {article}" if _ARTICLE.match(article) else article


def suggestions(topics: Sequence[Topic], prefix: str = "!", *, numbered: bool = True) -> str:
    """The closest topics when unsure; numbered for a reply, or with their command."""
    lines = [texts.UNSURE_TITLE, ""]
    for i, topic in enumerate(topics, start=1):
        lines.append(f"{i}. {topic.titre} : {prefix}droit {topic.id}")
    footer = texts.UNSURE_FOOTER if numbered else texts.UNSURE_FOOTER_PLAIN
    lines += ["", footer.format(prefix=prefix)]
    return "\n".join(lines)


def not_found(prefix: str = "!") -> str:
    return texts.NOT_FOUND.format(prefix=prefix)


def theme_menu(content: Content, prefix: str = "!") -> tuple[str, list[str]]:
    """The numbered menu of themes, and the themes in menu order."""
    themes = content.themes_in_use()
    lines = [f"**{texts.MENU_TITLE}**", ""]
    for i, theme in enumerate(themes, start=1):
        count = len(content.topics_in(theme))
        label = texts.THEME_LABELS.get(theme, theme)
        lines.append(f"{i}. {label} – {texts.topic_count(count)}")
    lines += ["", texts.MENU_FOOTER.format(prefix=prefix)]
    return "\n".join(lines), themes


def theme_topics(theme: str, topics: Sequence[Topic]) -> str:
    label = texts.THEME_LABELS.get(theme, theme)
    lines = [f"**{texts.THEME_TITLE.format(label=label)}**", ""]
    lines += [f"{i}. {topic.titre}" for i, topic in enumerate(topics, start=1)]
    lines += ["", texts.THEME_FOOTER]
    return "\n".join(lines)

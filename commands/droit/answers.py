"""What `!droit …` answers, independent of the chat: menu, themes, topics, questions.

An `Answer` may offer numbered choices (themes or topics); the command then starts a short
conversation so that the person can reply with a number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.french import normalize, parse_choice, parse_number
from bot.message import Channel
from commands.droit import render, texts
from commands.droit.base import KnowledgeBase
from commands.droit.model import THEMES
from commands.droit.search import Level

logger = logging.getLogger(__name__)

SOURCES_WORDS = frozenset({"sources", "source", "src"})
# A sure answer also names the next topics scoring at least this share of the best.
SEE_ALSO_RATIO = 0.75
# One Mastodon post (500 by default) minus room for the "@person@instance " mention.
# Where posts are short: what a topic may take, leaving room for "@person " before it.
SHORT_POST_BUDGET = 440
MENTION_ROOM = 60


@dataclass(frozen=True)
class Answer:
    text: str
    themes: tuple[str, ...] = ()  # offered as a numbered menu of themes
    topics: tuple[str, ...] = ()  # offered as a numbered list of topics
    topic_id: str | None = None  # the one topic this answer shows, when it shows one

    @property
    def offers_choice(self) -> bool:
        return bool(self.themes or self.topics)


def menu(base: KnowledgeBase, prefix: str) -> Answer:
    if not base.content.topics:
        return Answer(texts.EMPTY_CONTENT)
    text, themes = render.theme_menu(base.content, prefix)
    return Answer(text, themes=tuple(themes))


def theme(base: KnowledgeBase, key: str, prefix: str) -> Answer:
    topics = sorted(base.content.topics_in(key), key=lambda t: normalize(t.titre))
    if len(topics) == 1:
        return Answer(render.topic_markdown(topics[0], prefix), topic_id=topics[0].id)
    return Answer(render.theme_topics(key, topics), topics=tuple(t.id for t in topics))


def topic(base: KnowledgeBase, topic_id: str, prefix: str) -> Answer:
    found = base.topic(topic_id)
    if found is None:
        return ask(base, topic_id, prefix)
    return Answer(render.topic_markdown(found, prefix), topic_id=found.id)


def find_theme(text: str) -> str | None:
    """A theme named by its key or its menu label, accents and plural ignored."""
    wanted = normalize(text).strip(" .!?")
    for key in THEMES:
        label = normalize(texts.THEME_LABELS.get(key, key))
        if wanted in (key, key.rstrip("s"), label):
            return key
    return None


def as_topic_id(text: str) -> str:
    return "-".join(normalize(text).split())


def ask(base: KnowledgeBase, text: str, prefix: str) -> Answer:
    """`!droit <text>`: a topic id, "<id> sources", a theme, or a question."""
    words = text.split()
    if not words:
        return menu(base, prefix)
    if normalize(words[-1]) in SOURCES_WORDS:
        return sources(base, " ".join(words[:-1]), prefix)
    direct = base.topic(as_topic_id(text))
    if direct is not None:
        return Answer(render.topic_markdown(direct, prefix), topic_id=direct.id)
    key = find_theme(text)
    if key is not None and base.content.topics_in(key):
        return theme(base, key, prefix)
    result = base.search(text)
    logger.info("droit: question answered with level %s", result.level.value)
    topics = [t for hit in result.hits if (t := base.topic(hit.topic_id)) is not None]
    if result.level is Level.SURE and topics:
        best = result.hits[0].score
        see_also = [
            t
            for t, hit in zip(topics[1:], result.hits[1:], strict=False)
            if hit.score >= SEE_ALSO_RATIO * best
        ]
        return Answer(render.topic_markdown(topics[0], prefix, see_also), topic_id=topics[0].id)
    closest = [t for hit in result.closest if (t := base.topic(hit.topic_id)) is not None]
    if closest:
        return Answer(render.suggestions(closest, prefix), topics=tuple(t.id for t in closest))
    return Answer(render.not_found(prefix))


def sources(base: KnowledgeBase, target: str, prefix: str) -> Answer:
    if not target.strip():
        return Answer(texts.SOURCES_WHICH.format(prefix=prefix))
    found = base.topic(as_topic_id(target))
    if found is None:
        result = base.search(target)
        best = result.best
        if result.level is Level.SURE and best is not None:
            found = base.topic(best.topic_id)
    if found is None:
        return Answer(texts.UNKNOWN_TOPIC_SOURCES.format(id=target.strip(), prefix=prefix))
    return Answer(render.sources_markdown(found, prefix))


def choose(
    base: KnowledgeBase,
    *,
    themes: tuple[str, ...],
    topics: tuple[str, ...],
    text: str,
    prefix: str,
) -> Answer | None:
    """A reply to a numbered list: the chosen item, or None when it is not a choice."""
    if themes:
        labels = [texts.THEME_LABELS.get(t, t) for t in themes]
        index = parse_choice(text, labels)
        if index is None:
            index = _choice_by_name(text, themes)
        return None if index is None else theme(base, themes[index], prefix)
    content = base.content
    titles = [t.titre for t in (content.topic(i) for i in topics) if t is not None]
    index = parse_choice(text, titles) if len(titles) == len(topics) else None
    if index is None:
        index = _choice_by_name(text, topics)
    return None if index is None else topic(base, topics[index], prefix)


def _choice_by_name(text: str, names: tuple[str, ...]) -> int | None:
    wanted = as_topic_id(text)
    return names.index(wanted) if wanted in names else None


def is_number(text: str) -> bool:
    return parse_number(text) is not None


def for_channel(base: KnowledgeBase, answer: Answer, channel: Channel, prefix: str) -> str:
    """Where posts are short (Mastodon), a topic is one post: plain text within the budget,
    pointing to the rest."""
    limit = channel.capabilities.post_limit
    if limit is not None and answer.topic_id is not None:
        found = base.topic(answer.topic_id)
        if found is not None:
            return render.topic_plain(found, prefix, min(SHORT_POST_BUDGET, limit - MENTION_ROOM))
    return answer.text


def plain_answer(
    base: KnowledgeBase, question: str, *, prefix: str = "!", budget: int | None = None
) -> str:
    """The answer to a question as plain text, within `budget` characters when given
    (Mastodon, the command line). Same ranking as `!droit`; no conversation."""
    result = base.search(question)
    topics = [t for hit in result.hits if (t := base.topic(hit.topic_id)) is not None]
    if result.level is Level.SURE and topics:
        return render.topic_plain(topics[0], prefix, budget)
    text = (
        render.suggestions(topics, prefix, numbered=False) if topics else render.not_found(prefix)
    )
    return text if budget is None else render.cut_text(text, budget)

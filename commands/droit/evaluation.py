"""Quality of the search on a labelled question set: top-1, top-3, out-of-scope false answers.

The numbers follow the `relais droit --json` contract: a question "gets an answer" when the
result list is not empty; top-1 is the first result, top-3 any of the (at most 3) results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from commands.droit.search import Level, SearchResult


@dataclass(frozen=True)
class Question:
    text: str
    expected: str | None  # topic id, or None when no topic covers it
    dev: bool  # in the development half (every other question of each group)


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str | None
    got: tuple[str, ...]


@dataclass
class Metrics:
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    sure_correct: int = 0
    out_of_scope: int = 0
    false_answers: int = 0  # out-of-scope questions that got any result
    false_sure: int = 0  # out-of-scope questions answered with confidence
    misses: list[Miss] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_scope if self.in_scope else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.in_scope if self.in_scope else 0.0

    @property
    def false_answer_rate(self) -> float:
        return self.false_answers / self.out_of_scope if self.out_of_scope else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "questions": self.in_scope + self.out_of_scope,
            "in_scope": self.in_scope,
            "top1": round(self.top1_rate, 4),
            "top3": round(self.top3_rate, 4),
            "sure_and_correct": round(self.sure_correct / self.in_scope, 4)
            if self.in_scope
            else 0.0,
            "out_of_scope": self.out_of_scope,
            "out_of_scope_false_answer_rate": round(self.false_answer_rate, 4),
            "out_of_scope_sure_answer_rate": round(self.false_sure / self.out_of_scope, 4)
            if self.out_of_scope
            else 0.0,
        }


def load_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions: list[Question] = []
    position: dict[str | None, int] = {}
    for item in data["questions"]:
        expected = item.get("attendu")
        rank = position.get(expected, 0)
        position[expected] = rank + 1
        questions.append(Question(str(item["q"]), expected, dev=rank % 2 == 0))
    return questions


def evaluate(questions: Sequence[Question], ask: Callable[[str], SearchResult]) -> Metrics:
    metrics = Metrics()
    for question in questions:
        result = ask(question.text)
        got = tuple(hit.topic_id for hit in result.hits)
        if question.expected is None:
            metrics.out_of_scope += 1
            if got:
                metrics.false_answers += 1
                metrics.misses.append(Miss(question.text, None, got))
            if result.level is Level.SURE:
                metrics.false_sure += 1
            continue
        metrics.in_scope += 1
        first = got[:1] == (question.expected,)
        metrics.top1 += first
        metrics.top3 += question.expected in got
        metrics.sure_correct += first and result.level is Level.SURE
        if not first:
            metrics.misses.append(Miss(question.text, question.expected, got))
    return metrics

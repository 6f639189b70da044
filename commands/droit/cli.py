"""`relais droit`: ask the knowledge base from a terminal or a script. Content only, no database.

- `relais droit "la caf m'a coupé mes allocs"`: the answer, as plain text
- `relais droit --json "question"`: {"results": [{"id": …, "score": …}]}
- `relais droit --json --batch < questions.txt`: one JSON object per line, in order
- `relais droit --verifier [--seeds DIR] [--aujourdhui AAAA-MM-JJ]`: validate the content
  files; topics not checked for more than 12 months are listed as warnings (exit code 0)
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.bootstrap import CONTENT_DIR
from commands.droit import texts

if TYPE_CHECKING:
    from commands.droit.base import KnowledgeBase

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("droit", help=texts.CLI_HELP, description=texts.CLI_HELP)
    parser.add_argument("question", nargs="*", help=texts.CLI_QUESTION_HELP)
    parser.add_argument("--json", action="store_true", help=texts.CLI_JSON_HELP)
    parser.add_argument("--batch", action="store_true", help=texts.CLI_BATCH_HELP)
    parser.add_argument("--budget", type=int, metavar="N", help=texts.CLI_BUDGET_HELP)
    parser.add_argument("--content-dir", type=Path, metavar="DOSSIER", help=texts.CLI_CONTENT_HELP)
    parser.add_argument(
        "--verifier", "--check", dest="check", action="store_true", help=texts.CLI_CHECK_HELP
    )
    parser.add_argument("--seeds", type=Path, metavar="DOSSIER", help=texts.CLI_SEEDS_HELP)
    parser.add_argument(
        "--aujourdhui", type=date.fromisoformat, metavar="AAAA-MM-JJ", help=texts.CLI_TODAY_HELP
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    content_dir: Path = args.content_dir or CONTENT_DIR
    stdout, stderr = sys.stdout, sys.stderr
    if args.check:
        return check(content_dir, args.seeds, stdout, today=args.aujourdhui)
    question = " ".join(args.question).strip()
    if args.batch and not args.json:
        print(texts.CLI_BATCH_NEEDS_JSON, file=stderr)
        return EXIT_USAGE
    if not args.batch and not question:
        print(texts.CLI_NEED_QUESTION, file=stderr)
        return EXIT_USAGE

    from commands.droit.base import KnowledgeBase

    base = KnowledgeBase.open(content_dir)
    if args.batch:
        stdin = sys.stdin
        if isinstance(stdin, io.TextIOWrapper):
            stdin.reconfigure(errors="replace")
        for line in stdin:
            stdout.write(json.dumps(results(base, line.strip()), ensure_ascii=False) + "\n")
            stdout.flush()
        return EXIT_OK
    if args.json:
        stdout.write(json.dumps(results(base, question), ensure_ascii=False) + "\n")
        return EXIT_OK
    from commands.droit.answers import plain_answer

    stdout.write(plain_answer(base, question, budget=args.budget) + "\n")
    return EXIT_OK


def results(base: KnowledgeBase, question: str) -> dict[str, list[dict[str, Any]]]:
    """The JSON contract: best first, at most 3, empty when nothing is confident."""
    if not question:
        return {"results": []}
    found = base.search(question)
    return {"results": [{"id": hit.topic_id, "score": hit.score} for hit in found.hits]}


def check(
    content_dir: Path, seeds_dir: Path | None, out: TextIO, *, today: date | None = None
) -> int:
    """Problems make the check fail; topics due for a new check are warnings only."""
    from commands.droit.loader import read_content
    from commands.droit.validate import seed_problems, stale_topics

    report = read_content(content_dir)
    problems = list(report.problems)
    if seeds_dir is not None:
        seeds = {
            path.name: len(path.read_text(encoding="utf-8").splitlines())
            for path in sorted(seeds_dir.glob("*.txt"))
        }
        problems += seed_problems(report.content, seeds)
    content = report.content
    stale = stale_topics(content, today or date.today())
    if stale:
        print(texts.CLI_CHECK_STALE.format(count=len(stale)), file=out)
        for warning in stale:
            print(f"- {warning}", file=out)
    if problems:
        print(texts.CLI_CHECK_PROBLEMS.format(count=len(problems)), file=out)
        for problem in problems:
            print(f"- {problem}", file=out)
        return EXIT_PROBLEMS
    print(
        texts.CLI_CHECK_OK.format(
            topics=len(content.topics),
            organisations=len(content.organisations),
            templates=len(content.templates),
        ),
        file=out,
    )
    return EXIT_OK

"""What the wheel carries: every package of the code, and the rights content."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

from bot.bootstrap import CONTENT_DIR
from commands.droit.loader import read_content

ROOT = Path(__file__).resolve().parents[2]


def test_the_listed_packages_are_all_the_packages() -> None:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]
    found = find_packages(str(ROOT), include=["bot*", "commands*", "devserver*"])
    assert sorted(listed) == sorted([*found, "relais_content"])


def test_the_content_is_found_through_its_package() -> None:
    report = read_content(CONTENT_DIR)
    assert not report.problems
    assert len(report.content.topics) >= 20 and report.content.organisations

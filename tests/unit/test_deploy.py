"""The systemd unit in deploy/: valid for systemd, hardened, and what the README promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "relais.service"
MAX_EXPOSURE = 2.0  # systemd-analyze security: 0 is fully locked down, 10 is nothing at all

needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)


def local_copy(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at this checkout's relais (verify checks it exists)."""
    relais = Path(sys.executable).with_name("relais")
    text = UNIT.read_text(encoding="utf-8").replace("/opt/relais/bin/relais", str(relais))
    text = text.replace("EnvironmentFile=/etc", "EnvironmentFile=-/etc")  # absent here
    copy = tmp_path / "relais.service"
    copy.write_text(text, encoding="utf-8")
    return copy


@needs_systemd
def test_systemd_accepts_the_unit_without_a_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", str(local_copy(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and result.stdout.strip() == ""


@needs_systemd
def test_the_unit_is_hardened(tmp_path: Path) -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(local_copy(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Overall exposure level for relais\.service: ([\d.]+)", result.stdout)
    assert found is not None, result.stdout + result.stderr
    assert float(found.group(1)) <= MAX_EXPOSURE


def test_the_unit_runs_as_the_readme_says() -> None:
    directives = dict(
        line.split("=", 1)
        for line in UNIT.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert directives["DynamicUser"] == "yes"
    assert directives["StateDirectory"] == "relais"
    assert directives["ProtectSystem"] == "strict"
    assert directives["NoNewPrivileges"] == "yes"
    assert directives["Restart"] == "on-failure"
    assert directives["KillSignal"] == "SIGTERM"
    assert directives["EnvironmentFile"] == "/etc/relais/secrets.env"
    assert directives["ExecStart"].endswith("relais run --config /etc/relais/config.yaml")

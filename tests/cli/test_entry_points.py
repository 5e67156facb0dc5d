"""A few smoke tests of the real executable (`python -m app`) as a subprocess, one per way a run ends (exit 0, 1
and 2); everything else runs in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_runner import rapport

TIMEOUT = 120


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )


def test_new_and_info_through_the_real_executable(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    created = run("new", path, "--json")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["project"] == str(path)
    info = rapport("info", path, "--json").json()  # what the executable wrote is a project (read in-process)
    assert info["documents"] == 0 and info["codes"] == 0


def test_user_error_is_exit_1_and_one_line(tmp_path: Path) -> None:
    result = run("info", tmp_path / "missing.rapport")
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_wrong_usage_is_exit_2() -> None:
    result = run("info")
    assert result.returncode == 2
    assert "usage" in result.stderr

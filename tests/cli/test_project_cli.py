"""`rapport new` and `rapport info` in-process through the CLI entry function: JSON on stdout, exit codes 0/1/2, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import rapport


def test_new_then_info(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    created = rapport("new", str(path), "--json")
    assert created.returncode == 0, created.stderr
    data = json.loads(created.stdout)
    assert data["project"] == str(path)
    assert data["schema"]

    shown = rapport("info", str(path), "--json")
    assert shown.returncode == 0, shown.stderr
    counts = json.loads(shown.stdout)
    assert set(counts) == {
        "schema",
        "dyads",
        "participants",
        "sessions",
        "documents",
        "turns",
        "codes",
        "codings",
        "coders",
        "memos",
    }
    assert counts["schema"] == data["schema"]
    assert counts["documents"] == 0
    assert shown.stderr == ""


def test_info_text_is_readable(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    rapport("new", str(path))
    shown = rapport("info", str(path))
    assert shown.returncode == 0
    assert "documents" in shown.stdout and "codings" in shown.stdout


def test_user_error_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello", encoding="utf-8")
    result = rapport("info", str(bogus), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a Rapport project" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    path.write_bytes(b"keep me")
    result = rapport("new", str(path))
    assert result.returncode == 1
    assert path.read_bytes() == b"keep me"


def test_wrong_usage_is_exit_2() -> None:
    assert rapport("info").returncode == 2
    unknown = rapport("no-such-command", "x")
    assert unknown.returncode == 2
    assert "neither a command nor a project" in unknown.stderr


def test_help_lists_the_commands() -> None:
    result = rapport("--help")
    assert result.returncode == 0
    for name in ("new", "info"):
        assert name in result.stdout

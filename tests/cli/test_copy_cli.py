"""`rapport copy SOURCE TARGET`: counts on stdout, progress on stderr, one-line refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import protection
from tests.cli_runner import rapport
from tests.copy_study import table_contents

PASSPHRASE = "copy passphrase 23"


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("RAPPORT_PASSPHRASE", raising=False)
    yield
    protection.forget_passphrases()


@pytest.fixture
def demo(demo_copy: Path) -> Path:
    return demo_copy


def test_copy_to_a_new_file_prints_counts_and_progress(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.rapport"
    before = table_contents(demo)
    run = rapport("copy", demo, target, "--json")
    data = run.json()
    assert data["codings"] == rapport("info", demo, "--json").json()["codings"] > 0
    assert data["rows"] == sum(data["tables"].values())
    assert "copying 100%" in run.stderr and "Traceback" not in run.stderr
    assert table_contents(target) == before
    assert rapport("audit", target, "--verify").returncode == 0
    assert rapport("audit", demo, "--json").json()[-1]["detail"] == {
        "what": "project copy",
        "to": str(target),
    }


def test_copy_refuses_an_existing_target_in_one_line(demo: Path, tmp_path: Path) -> None:
    run = rapport("copy", demo, demo)
    assert run.returncode == 1 and run.stderr.count("\n") == 1
    other = tmp_path / "other.rapport"
    other.write_text("notes", encoding="utf-8")
    run = rapport("copy", demo, other, "--quiet")
    assert run.returncode == 1 and "already exists" in run.stderr and run.stderr.count("\n") == 1
    assert other.read_text(encoding="utf-8") == "notes"


def test_an_encrypted_project_copies_with_its_passphrase_into_an_encrypted_file(
    demo: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("RAPPORT_PASSPHRASE", PASSPHRASE)
    assert rapport("encrypt", demo).returncode == 0
    monkeypatch.delenv("RAPPORT_PASSPHRASE")
    target = tmp_path / "copy.rapport"
    run = rapport("copy", demo, target, "--quiet")
    assert run.returncode == 1 and "passphrase" in run.stderr and not target.exists()
    monkeypatch.setenv("RAPPORT_PASSPHRASE", PASSPHRASE)
    assert rapport("copy", demo, target, "--quiet").returncode == 0
    assert protection.is_encrypted(target)
    assert rapport("info", target, "--json").json() == rapport("info", demo, "--json").json()


def test_copy_to_a_server_database_then_refuse_a_second_copy_there(
    demo: Path, tmp_path: Path, pg_url: str
) -> None:
    before = table_contents(demo)
    run = rapport("copy", demo, pg_url, "--json", "--quiet")
    assert run.json()["target"] == pg_url
    assert table_contents(pg_url) == before
    run = rapport("copy", demo, pg_url)
    assert run.returncode == 1 and "not empty" in run.stderr and run.stderr.count("\n") == 1


def test_a_server_that_does_not_answer_is_one_line_without_the_password(demo: Path, pg_cluster) -> None:
    unused = f"postgresql://ana:hunter22@127.0.0.1:{pg_cluster.port + 1}/nowhere?connect_timeout=2"
    run = rapport("copy", demo, unused, "--quiet")
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "hunter22" not in run.stderr


def test_a_source_that_is_no_project_is_refused_in_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.rapport"
    notes.write_text("not a project", encoding="utf-8")
    run = rapport("copy", notes, tmp_path / "copy.rapport")
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "not a Rapport project" in run.stderr
    assert not (tmp_path / "copy.rapport").exists()


def test_a_file_whose_rows_break_the_schema_is_refused_and_nothing_is_written(
    demo: Path, tmp_path: Path
) -> None:
    import sqlite3

    with sqlite3.connect(demo) as connection:  # a damaged file: a coding of a code that does not exist
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("UPDATE codings SET code_id = 99999 WHERE id = (SELECT min(id) FROM codings)")
    connection.close()
    run = rapport("copy", demo, tmp_path / "copy.rapport", "--quiet")
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "nothing was written" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == []

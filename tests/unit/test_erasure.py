"""Erasing one participant: nothing of theirs is left, references hold, backups that still hold it are named."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import NotFound
from app.services import audit, backups, study
from app.services.erasure import ERASED, erase_participant, purge_backups
from app.services.project import create_project, open_project
from tests.cli_runner import rapport
from tests.unit.protected_study import fill, readable_in, secret_words, unique_sentences


def two_participants(tmp_path: Path) -> tuple[Path, list[str], list[str]]:
    path = tmp_path / "study.rapport"
    mine, theirs = unique_sentences(), unique_sentences()
    with create_project(path) as project:
        fill(project, tmp_path / "a", mine, participant="P01")
        fill(project, tmp_path / "b", theirs, participant="P02")
    return path, mine, theirs


def dump(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return "\n".join(con.iterdump())


def test_dry_run_changes_nothing_and_says_what_would_go(tmp_path: Path) -> None:
    path, _, _ = two_participants(tmp_path)
    before = dump(path)
    with open_project(path) as project:
        report = erase_participant(project, "P01", dry_run=True)
    assert report.dry_run and report.participant == "P01"
    assert len(report.documents) == 2 and report.codings >= 1 and report.memos >= 1
    assert dump(path) == before


def test_erasure_leaves_no_row_of_the_participant(tmp_path: Path) -> None:
    path, mine, theirs = two_participants(tmp_path)
    with open_project(path) as project:
        backups.make_backup(project, reason="before")
        report = erase_participant(project, "P01")
        assert report.backups and all(Path(b).exists() for b in report.backups)
        assert audit.entries(project)[-1].action == "erase"
        assert audit.verify(project).ok
        names = [p.name for p in study.list_participants(project)]
    assert "P01" not in names and "P02" in names
    with contextlib.closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM documents WHERE name LIKE 'P01%'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM documents WHERE name LIKE 'P02%'").fetchone()[0] == 2
    # not a word of P01's left in the file (free pages were vacuumed), P02's still there
    assert readable_in([path], secret_words(mine)) == []
    assert readable_in([path], secret_words(theirs))
    # the backup taken before still holds it: that is why it is listed, and purged on request
    assert readable_in([Path(b) for b in report.backups], secret_words(mine))
    assert purge_backups(report.backups) == report.backups
    assert not any(Path(b).exists() for b in report.backups)


def test_turns_in_shared_transcripts_are_blanked(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    with create_project(path) as project:
        fill(project, tmp_path / "a", unique_sentences(), participant="P01")
        # a session transcript of the same dyad, owned by nobody: the client's turns are P01's words
        from app.services.importing import DocumentMeta, import_text

        shared = import_text(
            project,
            name="D-P01 session",
            text="Client: my brother Octavian lives abroad.\nTherapist: How is that for you?\n",
            meta=DocumentMeta(dyad="D-P01", session=1, kind="session"),
        )
        report = erase_participant(project, "P01")
        assert report.turns == {"D-P01 session": 1}
    with contextlib.closing(sqlite3.connect(path)) as con:
        text = con.execute("SELECT text FROM documents WHERE id=?", (shared.id,)).fetchone()[0]
    assert "Octavian" not in text and text.startswith(ERASED + "\n") and "How is that for you?" in text
    assert b"Octavian" not in path.read_bytes()


def test_unknown_participant(tmp_path: Path) -> None:
    path, _, _ = two_participants(tmp_path)
    with open_project(path) as project, pytest.raises(NotFound):
        erase_participant(project, "P99")


def test_cli_dry_run_then_erase_with_purge(tmp_path: Path) -> None:
    path, _, _ = two_participants(tmp_path)
    with open_project(path) as project:
        backups.make_backup(project, reason="before")
    preview = rapport("erase-participant", path, "P01", "--dry-run", "--json").json()
    assert preview["dry_run"] and len(preview["documents"]) == 2 and preview["backups"]
    done = rapport("erase-participant", path, "P01", "--purge-backups", "--json").json()
    assert not done["dry_run"] and done["purged"] and done["backups"] == []
    missing = rapport("erase-participant", path, "P01")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1

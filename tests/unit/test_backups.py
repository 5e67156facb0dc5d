"""Rolling backups: consistent copies while open, pruning by age, found by path, restored safely."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.domain.errors import NotARapportProject, ProjectInUse
from app.services import backups
from app.services.project import Project, create_project, info, open_project
from tests.study import StudyBuilder


def add_dyad(project: Project, name: str) -> None:
    """A new dyad (with its client): a change a backup either holds or not."""
    StudyBuilder(project).participant(f"{name} client", "client", name)


def test_a_backup_holds_the_committed_state_of_an_open_project(project: Project) -> None:
    add_dyad(project, "D01")
    path = backups.make_backup(project, "open")
    add_dyad(project, "D02")
    with contextlib.closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT name FROM dyads").fetchall() == [("D01",)]
    assert [b.path for b in backups.list_backups(project)] == [path]
    assert backups.list_backups(project)[0].reason == "open"


def test_two_backups_in_the_same_second_both_stay(project: Project) -> None:
    when = datetime(2026, 11, 1, 9, 30, 0)
    first = backups.make_backup(project, "auto", now=when)
    second = backups.make_backup(project, "auto", now=when)
    assert first != second
    assert {b.path for b in backups.list_backups(project)} == {first, second}


def test_old_backups_are_pruned_but_the_newest_few_stay(project: Project) -> None:
    now = datetime(2026, 11, 29, 12, 0, 0)
    made = [backups.make_backup(project, "auto", now=now - timedelta(days=d)) for d in (30, 20, 10, 9)]
    # all four are older than KEEP_DAYS, but the newest KEEP_AT_LEAST (3) must survive
    kept = {b.path for b in backups.list_backups(project)}
    assert kept == set(made[1:])
    recent = backups.make_backup(project, "auto", now=now)
    kept = {b.path for b in backups.list_backups(project)}
    assert recent in kept and made[1] not in kept


def test_backup_due_only_after_work_and_not_too_often() -> None:
    now = datetime(2026, 11, 29, 12, 0, 0)
    assert not backups.backup_due(None, changed_since=False, now=now)
    assert backups.backup_due(None, changed_since=True, now=now)
    assert not backups.backup_due(now - timedelta(minutes=3), changed_since=True, now=now)
    assert backups.backup_due(now - backups.BACKUP_EVERY, changed_since=True, now=now)


def test_backups_of_a_damaged_project_are_found_by_path_and_restored(project_path: Path) -> None:
    with create_project(project_path) as project:
        add_dyad(project, "D01")
        made = backups.make_backup(project, "open")
    project_path.write_bytes(b"garbage" * 100)  # the file is overwritten
    for suffix in ("-wal", "-shm"):
        Path(str(project_path) + suffix).unlink(missing_ok=True)
    with pytest.raises(NotARapportProject):
        open_project(project_path)

    found = backups.backups_for_path(project_path)
    assert [b.path for b in found] == [made]
    saved = backups.restore_backup(found[0].path, project_path)
    assert saved is not None and saved.read_bytes() == b"garbage" * 100  # nothing is thrown away
    with open_project(project_path) as restored:
        assert info(restored).dyads == 1


def test_restore_refuses_while_the_project_is_open(project: Project, project_path: Path) -> None:
    made = backups.make_backup(project, "open")
    with pytest.raises(ProjectInUse):
        backups.restore_backup(made, project_path)


def test_restore_refuses_a_backup_that_is_not_a_project(tmp_path: Path, project_path: Path) -> None:
    create_project(project_path).close()
    bogus = tmp_path / "bogus.rapport"
    bogus.write_text("not a database", encoding="utf-8")
    before = project_path.read_bytes()
    with pytest.raises(NotARapportProject):
        backups.restore_backup(bogus, project_path)
    assert project_path.read_bytes() == before

"""Backups in the window: one on open, periodic after work, restore from the File menu and for a damaged file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from app.services import backups, codebook
from app.services.project import open_project
from tests.gui.test_shell_main_window import closed_study, window

__all__ = ["closed_study", "window"]


def test_opening_makes_a_backup_and_work_makes_another(window, closed_study: Path) -> None:
    assert window.open_path(closed_study)
    project = window.context.project
    found = backups.list_backups(project)
    assert [b.reason for b in found] == ["open"]
    keeper = window.backup_keeper
    assert not keeper.changed_since  # opening is not work
    assert not keeper.tick(datetime.now() + backups.BACKUP_EVERY * 2)
    codebook.add_code(project, "Hope")
    assert keeper.changed_since
    assert not keeper.tick(datetime.now())  # too soon
    assert keeper.tick(datetime.now() + backups.BACKUP_EVERY + timedelta(seconds=1))
    assert sorted(b.reason for b in backups.list_backups(project)) == ["auto", "open"]


def test_restore_from_backup_in_the_file_menu(window, closed_study: Path) -> None:
    assert window.open_path(closed_study)
    before = {c.name for c in codebook.list_codes(window.context.project)}
    codebook.add_code(window.context.project, "Added after the backup")
    window.choose_backup = lambda path, found, problem="": found[-1].path  # the oldest: the one on open
    assert window.actions.restore_backup.isEnabled()
    assert window.restore_from_backup()
    assert {c.name for c in codebook.list_codes(window.context.project)} == before
    kept = list(closed_study.parent.glob(f"{closed_study.stem}.backup-*{closed_study.suffix}"))
    assert len(kept) == 1  # the replaced file was set aside, not lost


def test_a_damaged_project_offers_its_backups(window, closed_study: Path) -> None:
    with open_project(closed_study) as project:
        backups.make_backup(project, "manual")
    for suffix in ("-wal", "-shm"):
        Path(str(closed_study) + suffix).unlink(missing_ok=True)
    closed_study.write_bytes(b"\x00" * 4096)
    offered: list[str] = []

    def choose(path, found, problem=""):
        offered.append(problem)
        return found[0].path

    window.choose_backup = choose
    assert window.open_path(closed_study)
    assert "not a Rapport project" in offered[0]
    assert window.context.project is not None and window.context.project.path == closed_study.resolve()

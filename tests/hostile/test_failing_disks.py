"""Full and read-only disks: every command exits 1 with one line naming the cause, the project unchanged.

A healthy project on a full or read-only disk must never be called damaged: a user sent to restore a backup
would overwrite good work with older work.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import (
    DiskFull,
    ProjectDamaged,
    ProjectInUse,
    ProjectMissing,
    ReadOnlyLocation,
    StorageUnavailable,
)
from app.services.project import explain_failure, open_project
from tests.cli_runner import rapport
from tests.hostile.conftest import SmallDisk, snapshot

TRANSCRIPT = "Therapist: How was the week?\nClient: Long. I slept badly.\n"


def _one_line_failure(result, *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "damaged" not in lines[0]


@pytest.fixture
def study_on_disk(small_disk: SmallDisk, tmp_path: Path) -> Path:
    project = small_disk.path / "study.rapport"
    assert rapport("new", project).returncode == 0
    source = tmp_path / "s1.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    assert rapport("import", project, source).returncode == 0
    assert rapport("add-code", project, "Sleep").returncode == 0
    return project


def test_every_command_on_a_full_disk_says_the_disk_is_full(
    study_on_disk: Path, small_disk: SmallDisk, tmp_path: Path
) -> None:
    second = tmp_path / "s2.txt"
    second.write_text(TRANSCRIPT * 200, encoding="utf-8")
    small_disk.fill()
    before = snapshot(study_on_disk)
    for args in (
        ("new", small_disk.path / "another.rapport"),
        ("import", study_on_disk, second),
        ("add-code", study_on_disk, "Worry"),
        ("code", study_on_disk, "--document", "s1", "--code", "Sleep", "--start", "0", "--end", "9"),
    ):
        _one_line_failure(rapport(*args), "full")
        assert snapshot(study_on_disk) == before
    assert not list(small_disk.path.glob("another.rapport*"))
    # reading still works on a full disk
    info = rapport("info", study_on_disk, "--json")
    assert info.returncode == 0, info.stderr
    assert info.json()["documents"] == 1 and info.json()["codes"] == 1


def test_a_read_only_disk_is_read_only_not_damaged(study_on_disk: Path, small_disk: SmallDisk) -> None:
    small_disk.make_read_only()
    before = snapshot(study_on_disk)
    info = rapport("info", study_on_disk, "--json")
    assert info.returncode == 0, info.stderr
    assert info.json()["documents"] == 1
    assert rapport("text", study_on_disk, "s1").stdout == TRANSCRIPT
    _one_line_failure(rapport("add-code", study_on_disk, "Worry"), "read-only")
    assert snapshot(study_on_disk) == before
    with pytest.raises(ReadOnlyLocation):
        open_project(study_on_disk)
    with open_project(study_on_disk, read_only=True) as project:
        assert project.read_only


def test_missing_and_truly_damaged_files_are_told_apart(tmp_path: Path) -> None:
    missing = tmp_path / "gone.rapport"
    assert isinstance(
        explain_failure(sqlite3.OperationalError("unable to open database file"), missing), ProjectMissing
    )
    project = tmp_path / "study.rapport"
    assert rapport("new", project).returncode == 0
    data = bytearray(project.read_bytes())
    data[4096:8192] = b"\xa5" * 4096  # wreck the second page (a table's b-tree)
    project.write_bytes(bytes(data))
    result = rapport("info", project)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert isinstance(
        explain_failure(sqlite3.DatabaseError("database disk image is malformed"), project), ProjectDamaged
    )


def test_disk_full_errors_of_the_operating_system_are_explained(tmp_path: Path) -> None:
    error = OSError(28, "No space left on device")
    assert isinstance(explain_failure(error, tmp_path / "x.rapport"), DiskFull)
    assert explain_failure(ValueError("a bug"), tmp_path / "x.rapport") is None


def test_a_busy_database_is_called_locked(tmp_path: Path) -> None:
    explained = explain_failure(sqlite3.OperationalError("database is locked"), tmp_path / "x.rapport")
    assert isinstance(explained, ProjectInUse) and "locked" in str(explained)


def test_the_window_opens_a_project_on_a_read_only_disk_read_only(
    study_on_disk: Path, small_disk: SmallDisk
) -> None:
    from app.ui.dialogs.open_project_errors import open_with_questions

    small_disk.make_read_only()
    project = open_with_questions(None, study_on_disk)
    assert project is not None
    try:
        assert project.read_only
    finally:
        project.close()


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database or disk is full"), DiskFull),
        (OSError(28, "No space left on device"), DiskFull),
        (sqlite3.OperationalError("attempt to write a readonly database"), ReadOnlyLocation),
        (OSError(30, "Read-only file system"), ReadOnlyLocation),
        (sqlite3.OperationalError("database is locked"), ProjectInUse),
        (sqlite3.OperationalError("disk I/O error"), StorageUnavailable),
        (OSError(5, "Input/output error"), StorageUnavailable),
    ],
)
def test_each_failure_of_a_healthy_project_is_named_and_never_called_damaged(
    project_path: Path, error: Exception, kind: type
) -> None:
    assert rapport("new", project_path).returncode == 0
    explained = explain_failure(error, project_path)
    assert type(explained) is kind
    assert "damaged" not in str(explained)


@pytest.mark.parametrize("error", [ValueError("a bug"), OSError(2, "No such file"), KeyError("x")])
def test_other_errors_are_not_dressed_up_as_storage_failures(project_path: Path, error: Exception) -> None:
    assert rapport("new", project_path).returncode == 0
    assert explain_failure(error, project_path) is None


def test_a_project_on_a_read_only_disk_says_why_it_is_read_only(study_on_disk: Path, small_disk: SmallDisk) -> None:
    small_disk.make_read_only()
    with open_project(study_on_disk, read_only=True) as project:
        assert project.read_only_reason == "it is on a read-only disk or folder"

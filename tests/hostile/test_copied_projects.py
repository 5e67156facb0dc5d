"""Plain copies of a project file share its id; their backups must not mix, and a damaged original must still
find its own backups."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.services import backups
from app.services.project import create_project, open_project
from app.storage.models import Dyad


def test_a_copy_and_its_original_keep_separate_backups(tmp_path: Path) -> None:
    original = tmp_path / "study.rapport"
    with create_project(original) as project, project.write() as session:
        session.add(Dyad(name="D01"))
    copy = tmp_path / "copy" / "study.rapport"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)

    with open_project(original) as project:
        kept = backups.make_backup(project, "open")
    with open_project(copy) as project:
        assert project.project_id  # same id as the original: a plain copy
        copy_backup = backups.make_backup(project, "open")
        assert [b.path for b in backups.list_backups(project)] == [copy_backup]

    original.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # the original is damaged now
    assert [b.path for b in backups.backups_for_path(original)] == [kept]
    assert [b.path for b in backups.backups_for_path(copy)] == [copy_backup]


def test_backups_an_older_rapport_kept_by_id_alone_are_still_listed(tmp_path) -> None:
    import json

    from app.services import backups
    from app.services.project import create_project

    path = tmp_path / "study.rapport"
    with create_project(path) as project:
        legacy = backups.backups_root() / project.project_id  # the folder name before backups were keyed by path
        legacy.mkdir(parents=True)
        (legacy / "source.json").write_text(json.dumps({"path": str(path.resolve())}), encoding="utf-8")
        old = legacy / "study-20261201-101500-auto.rapport"
        old.write_bytes(path.read_bytes())
        listed = [info.path for info in backups.list_backups(project)]
    assert old in listed

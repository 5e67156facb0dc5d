"""The engine's guarantees: PRAGMAs, one transaction per action, the read-only mode, the second writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.domain.errors import ProjectInUse, ReadOnlyProject
from app.services.project import Project, open_project
from app.storage.models import Code, Coder, Coding, Document, Dyad


def test_connections_enforce_foreign_keys_and_use_wal(project: Project) -> None:
    with project.read() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_failed_action_rolls_back_everything(project: Project) -> None:
    with pytest.raises(IntegrityError), project.write() as session:
        session.add(Dyad(name="D01"))
        session.flush()
        session.add(Coding(document_id=999, code_id=999, coder_id=999, start=0, end=1))
        session.flush()
    with project.read() as session:
        assert session.scalar(select(func.count()).select_from(Dyad)) == 0


def test_deleting_a_document_deletes_its_codings(project: Project) -> None:
    with project.write() as session:
        doc = Document(name="d", text="hello there", text_hash="x", kind="session")
        code = Code(name="Trust")
        coder = Coder(name="Ana")
        session.add_all([doc, code, coder])
        session.flush()
        session.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=0, end=5))
    with project.write() as session:
        session.delete(session.scalars(select(Document)).one())
    with project.read() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 0
        assert session.scalar(select(func.count()).select_from(Code)) == 1


def test_an_acknowledged_action_is_on_disk(project: Project, project_path: Path) -> None:
    with project.write() as session:
        session.add(Dyad(name="D07"))
    # another process sees it at once, without this one closing anything
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
            "'select name from dyads').fetchall())",
            str(project_path),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "D07" in out.stdout


def test_second_writer_is_refused_with_a_clear_message(project: Project, project_path: Path) -> None:
    with pytest.raises(ProjectInUse, match=r"open in another Rapport.*read-only"):
        open_project(project_path)


def test_second_writer_in_another_process_is_refused(project: Project, project_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from app.services.project import open_project; open_project(sys.argv[1])",
            str(project_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ProjectInUse" in result.stderr and "open in another Rapport (process" in result.stderr


def test_read_only_open_works_beside_a_writer_and_refuses_changes(
    project: Project, project_path: Path
) -> None:
    with project.write() as session:
        session.add(Dyad(name="D01"))
    reader = open_project(project_path, read_only=True)
    try:
        with reader.read() as session:
            assert session.scalars(select(Dyad.name)).all() == ["D01"]
        with pytest.raises(ReadOnlyProject), reader.write():
            pass
    finally:
        reader.close()


def test_the_lock_is_released_on_close(project_path: Path) -> None:
    from app.services.project import create_project

    create_project(project_path).close()
    first = open_project(project_path)
    first.close()
    second = open_project(project_path)  # no ProjectInUse
    second.close()


def test_a_killed_process_leaves_no_lock(project_path: Path) -> None:
    from app.services.project import create_project

    create_project(project_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; from app.services.project import open_project;"
            "p=open_project(sys.argv[1]); print('open', flush=True); time.sleep(60)",
            str(project_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(ProjectInUse):
            open_project(project_path)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    open_project(project_path).close()

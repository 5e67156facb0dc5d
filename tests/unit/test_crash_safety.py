"""Kill -9 in the middle of work: the project opens, passes integrity_check, and keeps every acknowledged action."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.project import create_project, open_project
from app.storage.models import Coding, Document, Turn

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

IMPORTER = textwrap.dedent(
    """
    import sys
    from app.services.importing import DocumentMeta, import_text
    from app.services.project import open_project

    turn = "Client: I was not sure I could trust anyone then, and I said so. [video 00:01:02]\\n"
    with open_project(sys.argv[1]) as project:
        for n in range(10_000):
            meta = DocumentMeta(dyad=f"D{n % 7}", session=1 + n % 3, perspective="client", kind="recall")
            doc = import_text(project, name=f"doc {n}", text=turn * 400, meta=meta)
            print(doc.id, flush=True)  # acknowledged: the transaction has committed
    """
)

CODER = textwrap.dedent(
    """
    import sys
    from app.services.project import open_project
    from app.storage.models import Code, Coder, Coding, Document

    with open_project(sys.argv[1]) as project:
        with project.write() as session:
            doc = Document(name="d", text="x" * 100_000, text_hash="h", kind="session")
            code, coder = Code(name="Trust"), Coder(name="Ana")
            session.add_all([doc, code, coder])
        for n in range(100_000):
            with project.write() as session:
                coding = Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=n, end=n + 5)
                session.add(coding)
                session.flush()
                new_id = coding.id
            print(new_id, flush=True)
    """
)


def run_and_kill(script: str, project: Path, acknowledgements: int) -> list[int]:
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(project)], stdout=subprocess.PIPE, text=True
    )
    acknowledged: list[int] = []
    try:
        assert process.stdout is not None
        while len(acknowledged) < acknowledgements:
            line = process.stdout.readline()
            assert line, "the worker stopped before it was killed"
            acknowledged.append(int(line))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        # lines already written before the kill were acknowledged too
        acknowledged += [int(line) for line in process.stdout.read().split()]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    return acknowledged


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.slow
def test_killed_during_a_large_import(project_path: Path) -> None:
    create_project(project_path).close()
    acknowledged = run_and_kill(IMPORTER, project_path, acknowledgements=15)
    with open_project(project_path) as project, project.read() as session:
        ids = set(session.scalars(select(Document.id)))
        assert set(acknowledged) <= ids
        assert len(ids) - len(acknowledged) <= 1  # at most the one committed between the kill and the print
        turns = session.scalars(select(Turn.document_id)).all()
        assert set(turns) == ids  # no document without its turns: each import is atomic
    assert integrity(project_path) == "ok"


@pytest.mark.slow
def test_killed_during_a_burst_of_codings(project_path: Path) -> None:
    create_project(project_path).close()
    acknowledged = run_and_kill(CODER, project_path, acknowledgements=200)
    with open_project(project_path) as project, project.read() as session:
        ids = set(session.scalars(select(Coding.id)))
        assert set(acknowledged) <= ids
    assert integrity(project_path) == "ok"

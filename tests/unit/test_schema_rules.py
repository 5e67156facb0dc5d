"""Rules kept by the schema itself (migration 0010): identical codings, a memo's target key, unique shortcuts."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from app.services import codebook
from app.services.project import open_project
from app.storage.models import Code, Coder, Coding, Memo
from tests.server.server_study import refused_by_schema
from tests.unit.test_storage_migrations import make_old_project

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def test_upgrade_repairs_what_broke_the_rules_and_loses_nothing_visible(tmp_path: Path) -> None:
    path = tmp_path / "old.rapport"
    make_old_project(path, "0003_coding_anchors")
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(
            "INSERT INTO coders(id, guid, name, color, created_at) VALUES (1, 'g-c', 'Ana', '#123456', '2025-01-01')"
        )
        con.executemany(
            "INSERT INTO codes(id, guid, name, color, definition, inclusion, exclusion, example, shortcut, position,"
            " codable, created_at) VALUES (?, ?, ?, '#888888', '', '', '', '', ?, 0, 1, '2025-01-01')",
            [(1, "g-1", "Trust", 1), (2, "g-2", "Rupture", 1)],
        )
        con.executemany(
            'INSERT INTO codings(id, guid, document_id, code_id, coder_id, start, "end", anchor, created_at,'
            " updated_at) VALUES (?, ?, 1, 1, 1, 0, 6, ?, '2025-01-01', '2025-01-01')",
            [(1, "g-k1", 0), (2, "g-k2", 1), (3, "g-k3", 0)],
        )
        con.executemany(
            "INSERT INTO memos(id, guid, target, document_id, code_id, coding_id, dyad_id, title, text, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, NULL, ?, NULL, '', ?, '2025-01-01', '2025-01-01')",
            [
                (1, "g-m1", "coding", None, 3, "on the third copy"),
                (2, "g-m2", "document", None, None, "lost key"),
            ],
        )
    open_project(path).close()
    with contextlib.closing(sqlite3.connect(path)) as con:  # one coding, which keeps the anchor choice
        assert con.execute("SELECT id, anchor FROM codings").fetchall() == [(1, 1)]
    with contextlib.closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT target, coding_id, text FROM memos WHERE id = 1").fetchone() == (
            "coding",
            1,
            "on the third copy",
        )
        assert con.execute("SELECT target, text FROM memos WHERE id = 2").fetchone() == (
            "project",
            "lost key",
        )
        assert con.execute("SELECT id, shortcut FROM codes ORDER BY id").fetchall() == [(1, 1), (2, None)]
        assert con.execute("SELECT COUNT(*) FROM memos").fetchone() == (2,)


def test_memos_and_shortcuts_that_break_a_rule_are_refused(project) -> None:
    trust = codebook.add_code(project, "Trust")
    codebook.update_code(project, trust.id, shortcut=1)
    with refused_by_schema(), project.write() as session:
        session.add(Memo(target="code", text="no code named"))
    with refused_by_schema(), project.write() as session:
        session.add(Memo(target="project", code_id=trust.id, text="two targets at once"))
    with refused_by_schema(), project.write() as session:
        session.add(Code(name="Rupture", shortcut=1))


def test_identical_codings_are_refused_by_the_schema(project) -> None:
    from app.services.importing import DocumentMeta, import_text

    doc = import_text(
        project, name="D1", text="Client: hello there", meta=DocumentMeta(dyad="D1", kind="session")
    )
    trust = codebook.add_code(project, "Trust")
    with project.write() as session:
        ana = Coder(name="Ana")
        session.add(ana)
        session.flush()
        session.add(Coding(document_id=doc.id, code_id=trust.id, coder_id=ana.id, start=0, end=6))
    with refused_by_schema(), project.write() as session:
        session.add(Coding(document_id=doc.id, code_id=trust.id, coder_id=ana.id, start=0, end=6))


def test_moving_a_shortcut_to_another_code_frees_it_first(project) -> None:
    trust = codebook.add_code(project, "Trust")
    rupture = codebook.add_code(project, "Rupture")
    codebook.update_code(project, rupture.id, shortcut=3)
    codebook.update_code(project, trust.id, shortcut=3)
    assert {c.name: c.shortcut for c in codebook.list_codes(project)} == {"Trust": 3, "Rupture": None}

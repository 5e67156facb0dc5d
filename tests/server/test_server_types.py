"""The column types and rules of the models behave alike on both backends: times, yes/no, JSON text, emoji
positions, CHECK constraints, cascades, the partial unique index of shortcuts."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select, text

from app.services import codebook, coding
from app.services.importing import DocumentMeta, import_text
from app.storage.models import Code, Coding, DocumentEdit, Memo
from tests.server.server_study import refused_by_schema

pytestmark = pytest.mark.both_backends

TEXT = "Client: I felt 😀 safe.\nTherapist: Good.\n"


@pytest.fixture
def coded(project):
    document = import_text(project, name="D1", text=TEXT, meta=DocumentMeta(dyad="D1"))
    trust = codebook.add_code(project, "Trust")
    ana = coding.ensure_coder(project, "Ana")
    start = TEXT.index("😀")
    coding.add_codings(project, [coding.CodingSpec(document.id, trust.id, start, start + 6)], ana)
    return project, document.id, trust.id


def test_times_yes_no_and_json_text_come_back_unchanged(coded) -> None:
    project, document_id, _ = coded
    when = datetime(2026, 12, 3, 14, 5, 9, 123456)
    detail = json.dumps([{"start": 1, "text": "é😀"}], ensure_ascii=False)
    with project.write() as session:
        session.add(DocumentEdit(document_id=document_id, at=when, summary="fix", detail_json=detail))
        session.execute(text("UPDATE codings SET anchor = :yes"), {"yes": True})
    with project.read() as session:
        edit = session.scalars(select(DocumentEdit)).one()
        assert edit.at == when and edit.at.tzinfo is None and edit.detail_json == detail
        row = session.scalars(select(Coding)).one()
        assert row.anchor is True and isinstance(row.created_at, datetime)
        assert TEXT[row.start : row.end] == "😀 safe"  # positions are code points on both


def test_check_constraints_and_unique_rules_hold(coded) -> None:
    project = coded[0]
    with refused_by_schema(), project.write() as session:
        session.execute(text('UPDATE codings SET start = "end"'))  # a coding spans something
    with refused_by_schema(), project.write() as session:
        session.add(Memo(target="document", text="no document named"))
    with project.write() as session:
        session.add_all(
            [Code(name="A", shortcut=None, position=5), Code(name="B", shortcut=None, position=6)]
        )
    with refused_by_schema(), project.write() as session:
        session.add_all([Code(name="C", shortcut="7", position=7), Code(name="D", shortcut="7", position=8)])


def test_deleting_a_document_cascades_to_its_codings(coded) -> None:
    project, document_id, _ = coded
    with project.write() as session:
        session.execute(text("DELETE FROM documents WHERE id = :id"), {"id": document_id})
    with project.read() as session:
        assert session.scalars(select(Coding)).all() == []

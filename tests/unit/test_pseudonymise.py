"""Pseudonymisation across documents: preview, replace (codings follow), audit, undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput
from app.services import editing
from app.services.project import Project
from app.services.pseudonymise import PseudonymRule, preview, pseudonymise, undo_pseudonymise
from app.storage.models import Coding, Document
from tests.study import StudyBuilder

SESSION = "Therapist: Hello John. How was the week with Mary?\nClient: John Smith is fine, Mary less so. Johnny too.\n"
RECALL = "Researcher: What did you feel? [video 00:01:10]\nClient: When she said John I felt seen.\n"


def setup(project: Project) -> tuple[int, int, int]:
    built = (
        StudyBuilder(project)
        .document("session", SESSION, dyad="D1", kind="session")
        .document("recall", RECALL, dyad="D1", kind="recall")
        .code("Trust")
        .coder("Ana")
        .coding("session", "Trust", "Mary less so", coder="Ana", key="mary")
        .study
    )
    return built.documents["session"], built.documents["recall"], built.codings["mary"]


def texts(project: Project) -> list[str]:
    with project.read() as session:
        return list(session.scalars(select(Document.text).order_by(Document.id)))


def test_preview_lists_whole_words_longest_first_and_changes_nothing(project: Project) -> None:
    setup(project)
    rules = [PseudonymRule("John", "P1"), PseudonymRule("John Smith", "P1"), PseudonymRule("Mary", "P2")]
    found = preview(project, rules)
    assert [(r.document, r.original, r.pseudonym) for r in found] == [
        ("session", "John", "P1"),
        ("session", "Mary", "P2"),
        ("session", "John Smith", "P1"),
        ("session", "Mary", "P2"),
        ("recall", "John", "P1"),
    ]  # "Johnny" is a different word and stays
    assert texts(project) == [SESSION, RECALL]


def test_pseudonymise_moves_codings_records_history_and_undoes(project: Project) -> None:
    first, second, coding = setup(project)
    outcome = pseudonymise(project, [PseudonymRule("John Smith", "P1"), PseudonymRule("Mary", "P2")])
    session_text, recall_text = texts(project)
    assert session_text == (
        "Therapist: Hello John. How was the week with P2?\nClient: P1 is fine, P2 less so. Johnny too.\n"
    )
    assert recall_text == RECALL
    with project.read() as session:
        row = session.get(Coding, coding)
        assert session_text[row.start : row.end] == "P2 less so"
    history = editing.document_history(project, first)
    assert [h.summary for h in history] == ["Pseudonymised: 2 × “Mary” → “P2”; 1 × “John Smith” → “P1”"]
    assert editing.document_history(project, second) == []

    undo_pseudonymise(project, outcome)
    assert texts(project) == [SESSION, RECALL]
    assert editing.document_history(project, first) == []


def test_empty_rules_are_refused(project: Project) -> None:
    with pytest.raises(InvalidInput):
        preview(project, [PseudonymRule("  ", "P1")])

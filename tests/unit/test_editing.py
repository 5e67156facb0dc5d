"""Correcting a coded transcript: codings, turns, memos and history follow; undo restores everything exactly."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain.text_edits import TextEdit
from app.services import editing, study
from app.services.project import Project
from app.storage.models import Coding, Document, Memo, Turn
from tests.study import Study, StudyBuilder

RECALL = (
    "Researcher: What were you feeling here? [video 00:12:31]\n"
    "Client: I felt really sad about it, and Jon noticed.\n"
    "Researcher: And a bit later? [video 00:14:02]\n"
    "Client: Relieved 😀 that she asked.\n"
)

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def make_document(project: Project, text: str = RECALL) -> int:
    build = StudyBuilder(project).document(
        "D01 s1 client recall", text, dyad="D01", session=1, perspective="client", kind="recall"
    )
    return build.study.documents["D01 s1 client recall"]


def code_words(project: Project, doc_id: int, words: str, code: str = "Rupture", coder: str = "Ana") -> int:
    """`coder` codes the first `words` of the document with `code` (both made when new); the coding's id."""
    build = StudyBuilder(project, Study.of(project))
    if code not in build.study.codes:
        build.code(code)
    document = study.get_document(project, doc_id).name
    return build.coding(document, code, words, coder=coder, key="new").study.codings["new"]


def coded_text(project: Project, coding_id: int) -> str | None:
    with project.read() as session:
        coding = session.get(Coding, coding_id)
        if coding is None:
            return None
        return session.get(Document, coding.document_id).text[coding.start : coding.end]


def state(project: Project, doc_id: int) -> tuple:
    with project.read() as session:
        document = session.get(Document, doc_id)
        turns = session.execute(
            select(Turn.id, Turn.start, Turn.end, Turn.speaker, Turn.video_ref_ms, Turn.time_start_ms)
            .where(Turn.document_id == doc_id)
            .order_by(Turn.start)
        ).all()
        codings = session.execute(
            select(Coding.id, Coding.start, Coding.end, Coding.code_id).order_by(Coding.id)
        ).all()
        memos = session.execute(select(Memo.id, Memo.start, Memo.end, Memo.coding_id).order_by(Memo.id)).all()
        return document.text, document.text_hash, tuple(turns), tuple(codings), tuple(memos)


def test_a_correction_keeps_every_coding_on_its_words(project: Project) -> None:
    doc = make_document(project)
    sad = code_words(project, doc, "I felt really sad about it")
    relieved = code_words(project, doc, "Relieved 😀 that she asked.", code="Repair")
    with project.read() as session:
        text = session.get(Document, doc).text
    new_text = text.replace("really sad", "so sad").replace("Jon", "P2")
    outcome = editing.edit_document_text(project, doc, new_text, summary="typo and pseudonym")
    assert coded_text(project, sad) == "I felt so sad about it"
    assert coded_text(project, relieved) == "Relieved 😀 that she asked."
    assert outcome.removed_codings == ()
    history = editing.document_history(project, doc)
    assert [h.summary for h in history] == ["typo and pseudonym"]
    assert len(history[0].edits) == 2


def test_turns_follow_and_still_tile_with_their_references(project: Project) -> None:
    doc = make_document(project)
    editing.apply_text_edits(project, doc, [TextEdit(0, 0, "Interview 3\n")])
    with project.read() as session:
        text = session.get(Document, doc).text
        turns = session.execute(
            select(Turn.start, Turn.end, Turn.speaker, Turn.video_ref_ms)
            .where(Turn.document_id == doc)
            .order_by(Turn.start)
        ).all()
    assert turns[0].start == 0 and turns[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(turns))
    assert [t.speaker for t in turns] == ["Researcher", "Client", "Researcher", "Client"]
    assert [t.video_ref_ms for t in turns] == [751_000, 751_000, 842_000, 842_000]


def test_changing_a_label_in_the_text_changes_the_speaker(project: Project) -> None:
    doc = make_document(project)
    with project.read() as session:
        text = session.get(Document, doc).text
    start = text.index("Client: Relieved")
    editing.apply_text_edits(project, doc, [TextEdit(start, start + len("Client"), "Therapist")])
    with project.read() as session:
        speakers = session.scalars(
            select(Turn.speaker).where(Turn.document_id == doc).order_by(Turn.start)
        ).all()
    assert speakers[-1] == "Therapist"


def test_deleting_coded_text_removes_the_coding_and_undo_brings_it_back(project: Project) -> None:
    doc = make_document(project)
    coding = code_words(project, doc, "and Jon noticed")
    with project.write() as session:
        session.add(Memo(target="coding", coding_id=coding, text="who is Jon?"))
        session.add(Memo(target="document", document_id=doc, start=0, end=10, text="anchored"))
    before = state(project, doc)
    with project.read() as session:
        text = session.get(Document, doc).text
    start = text.index(", and Jon noticed")
    outcome = editing.apply_text_edits(project, doc, [TextEdit(start, start + len(", and Jon noticed"), "")])
    assert [r.text for r in outcome.removed_codings] == ["and Jon noticed"]
    assert coded_text(project, coding) is None

    editing.restore_document(project, outcome.snapshot)
    assert state(project, doc) == before
    assert coded_text(project, coding) == "and Jon noticed"
    assert editing.document_history(project, doc) == []


def test_split_merge_and_relabel_turns(project: Project) -> None:
    doc = make_document(project)
    with project.read() as session:
        text = session.get(Document, doc).text
    position = text.index("and Jon noticed")
    before = state(project, doc)
    snapshot = editing.split_turn(project, doc, position)
    assert len(state(project, doc)[2]) == 5
    editing.restore_turns(project, snapshot)
    assert state(project, doc) == before

    first_turn_start = 0
    snapshot = editing.merge_turn_with_next(project, doc, first_turn_start)
    assert len(state(project, doc)[2]) == 3
    editing.restore_turns(project, snapshot)
    assert state(project, doc) == before

    client_turn = text.index("Client: I felt")
    outcome = editing.relabel_speaker(project, doc, client_turn, "Client (P1)")
    text_after, _, turns, _, _ = state(project, doc)
    assert "Client (P1): I felt" in text_after
    assert [t.speaker for t in turns][1] == "Client (P1)"
    editing.restore_document(project, outcome.snapshot)
    assert state(project, doc) == before


@st.composite
def edit_sequences(draw, length: int):
    edits = []
    current = length
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, current))
        end = draw(st.integers(start, min(current, start + 15)))
        replacement = draw(st.text(alphabet="xy 😀\n", max_size=8))
        edits.append(TextEdit(start, end, replacement))
        current += len(replacement) - (end - start)
    return edits


_last_coded_recall: list[tuple[Project, int, tuple]] = []  # the project, the coded recall's id, its state


def coded_recall(project: Project) -> tuple[int, tuple]:
    """The recall with three overlapping codings, and its state. Every example of the property below ends by
    restoring it exactly (or fails), so the next example on the same project reuses it once its state reads back
    unchanged; it is built again from nothing otherwise (a new project, or after an example that failed)."""
    if _last_coded_recall:
        known_project, doc, before = _last_coded_recall[0]
        if known_project is project and state(project, doc) == before:
            return doc, before
    with project.write() as session:
        for model in (Coding, Turn, Memo, Document):
            session.query(model).delete()
    doc = make_document(project)
    for words in ("I felt really sad", "really sad about it, and", "Relieved 😀"):
        code_words(project, doc, words)
    _last_coded_recall[:] = [(project, doc, state(project, doc))]
    return doc, _last_coded_recall[0][2]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_edit_sequence_is_undone_exactly(project: Project, data) -> None:
    doc, before = coded_recall(project)
    edits = data.draw(edit_sequences(len(before[0])))
    outcome = editing.apply_text_edits(project, doc, edits)
    text, _, turns, _, _ = state(project, doc)
    assert turns[0][1] == 0 and turns[-1][2] == len(text)
    assert all(a[2] == b[1] for a, b in itertools.pairwise(turns))
    editing.restore_document(project, outcome.snapshot)
    assert state(project, doc) == before

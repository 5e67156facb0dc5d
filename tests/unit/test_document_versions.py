"""A version per document: a correction made from an older version is refused and explained, never saved over
another coder's correction, and the corrected text is kept for the user. Codings do not move the version."""

from __future__ import annotations

import pytest

from app.domain.errors import DocumentChangedElsewhere
from app.domain.text_edits import TextEdit
from app.services import coding, editing, study
from app.services.codebook import add_code
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project, create_project


@pytest.fixture(params=["file", "server"])
def project(request, project_path):
    """The same tests on a project file and on a database of the test PostgreSQL cluster."""
    target = project_path if request.param == "file" else request.getfixturevalue("pg_url")
    with create_project(target) as opened:
        yield opened


TEXT = "Client: I felt sad about it.\nTherapist: Tell me more.\nClient: It was hard.\n"


def make_document(project: Project) -> int:
    meta = DocumentMeta(dyad="D01", session=1, perspective="client", kind="session")
    return import_text(project, name="D01 s1", text=TEXT, meta=meta).id


def version(project: Project, document_id: int) -> int:
    return study.get_document(project, document_id).version


def test_every_change_of_text_or_turns_moves_the_version_and_codings_do_not(project: Project) -> None:
    doc = make_document(project)
    assert version(project, doc) == 1
    code = add_code(project, "Sadness").id
    ana = coding.ensure_coder(project, "Ana")
    coding.add_codings(project, [coding.CodingSpec(doc, code, 8, 14)], ana)
    assert version(project, doc) == 1

    outcome = editing.edit_document_text(project, doc, TEXT.replace("sad", "very sad"), expected_version=1)
    assert outcome.version == version(project, doc) == 2
    snapshot = editing.split_turn(project, doc, 20, expected_version=2)
    assert version(project, doc) == 3
    editing.restore_turns(project, snapshot)
    assert version(project, doc) == 4
    editing.relabel_speaker(project, doc, 0, "Patient", expected_version=4)
    assert version(project, doc) == 5
    editing.restore_document(project, outcome.snapshot)
    assert version(project, doc) == 6  # an undo is a change too: the version never goes back


def test_a_correction_from_an_older_version_is_refused_and_keeps_the_text(project: Project) -> None:
    doc = make_document(project)
    alex = coding.ensure_coder(project, "Alex")
    loaded = version(project, doc)  # Bea opens the transcript for editing...
    # ...meanwhile Alex corrects it.
    editing.edit_document_text(project, doc, TEXT.replace("hard", "really hard"), coder_id=alex)

    beas_text = TEXT.replace("sad", "upset")
    with pytest.raises(DocumentChangedElsewhere) as refused:
        editing.edit_document_text(project, doc, beas_text, expected_version=loaded)

    assert "Alex corrected “D01 s1” while you were editing it" in str(refused.value)
    assert "not saved" in str(refused.value)
    assert refused.value.kept_text == beas_text
    assert refused.value.document_id == doc
    # Alex's correction stands; nothing of Bea's was written, and the history holds Alex's entry only.
    assert study.get_document(project, doc).text == TEXT.replace("hard", "really hard")
    assert len(editing.document_history(project, doc)) == 1


def test_turn_tools_and_edits_by_positions_check_the_version_too(project: Project) -> None:
    doc = make_document(project)
    editing.apply_text_edits(project, doc, [TextEdit(0, 0, "Session 1\n")])
    for attempt in (
        lambda: editing.split_turn(project, doc, 20, expected_version=1),
        lambda: editing.merge_turn_with_next(project, doc, 0, expected_version=1),
        lambda: editing.relabel_speaker(project, doc, 0, "Patient", expected_version=1),
        lambda: editing.apply_text_edits(project, doc, [TextEdit(0, 0, "x")], expected_version=1),
    ):
        with pytest.raises(DocumentChangedElsewhere, match="Another coder corrected"):
            attempt()
    assert version(project, doc) == 2


def test_an_undo_after_another_coders_correction_is_refused(project: Project) -> None:
    doc = make_document(project)
    mine = editing.edit_document_text(project, doc, TEXT.replace("sad", "upset"), expected_version=1)
    alex = coding.ensure_coder(project, "Alex")
    editing.edit_document_text(
        project, doc, TEXT.replace("sad", "upset").replace("hard", "tough"), coder_id=alex
    )

    with pytest.raises(DocumentChangedElsewhere, match="Alex changed “D01 s1” after your correction"):
        editing.restore_document(project, mine.snapshot, expected_text_hash=mine.text_hash)
    assert "tough" in study.get_document(project, doc).text


def test_codings_added_by_another_coder_while_editing_follow_the_correction(project: Project) -> None:
    doc = make_document(project)
    loaded = version(project, doc)  # Bea starts editing
    code = add_code(project, "Difficulty").id
    alex = coding.ensure_coder(project, "Alex")
    start = TEXT.index("hard")
    [added] = coding.add_codings(project, [coding.CodingSpec(doc, code, start, start + 4)], alex)

    corrected = "Session 1\n" + TEXT.replace("I felt sad", "I felt so sad")
    editing.edit_document_text(project, doc, corrected, expected_version=loaded)

    [moved] = coding.codings_by_ids(project, [added.id])
    assert corrected[moved.start : moved.end] == "hard"


def test_coding_positions_read_from_an_older_version_are_refused(project: Project) -> None:
    doc = make_document(project)
    code = add_code(project, "Sadness").id
    bea = coding.ensure_coder(project, "Bea")
    seen = {doc: version(project, doc)}  # Bea's window shows version 1 and she selects "sad"...
    alex = coding.ensure_coder(project, "Alex")
    editing.edit_document_text(project, doc, "Session 1\n" + TEXT, coder_id=alex)  # ...Alex inserts a line

    start = TEXT.index("sad")
    with pytest.raises(DocumentChangedElsewhere, match="Alex corrected “D01 s1” a moment ago"):
        coding.add_codings(project, [coding.CodingSpec(doc, code, start, start + 3)], bea, seen_versions=seen)
    assert coding.codings_for_document(project, doc) == []

    seen = {doc: version(project, doc)}  # her window shows the corrected text: she codes again
    start = ("Session 1\n" + TEXT).index("sad")
    [made] = coding.add_codings(
        project, [coding.CodingSpec(doc, code, start, start + 3)], bea, seen_versions=seen
    )
    assert (made.start, made.end) == (start, start + 3)

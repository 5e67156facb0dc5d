"""Every coding write says exactly what it changed; a user action is one transaction and one announcement."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput
from app.services import codebook, coding
from app.services.changes import Change, codings_change
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

TEXT = "Client: I felt safe with her from the start.\nTherapist: Good to hear.\n"


@pytest.fixture
def heard(project):
    """The project with one document, two codes and a coder; `heard.changes` collects every announcement."""
    build = StudyBuilder(project).document("D1", TEXT, dyad="D1", session=1)
    built = build.codes("Trust", "Safety").coder("Anna").study
    doc, anna = built.documents["D1"], built.coders["Anna"]
    trust, safety = built.codes["Trust"], built.codes["Safety"]
    changes: list[Change] = []
    project.subscribe(changes.append)

    class Heard:
        pass

    heard = Heard()
    heard.project, heard.doc, heard.trust, heard.safety, heard.anna = project, doc, trust, safety, anna
    heard.changes = changes
    return heard


def spec(heard, code: int, start: int = 8, end: int = 14) -> coding.CodingSpec:
    return coding.CodingSpec(heard.doc, code, start, end)


def test_adding_codings_names_the_new_ids_their_document_and_code(heard) -> None:
    [record] = coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
    [change] = heard.changes
    assert change == codings_change({heard.doc}, {heard.trust}, added={record.id})
    assert change.only_codings and change.touched_codings == {record.id}


def test_deleting_and_restoring_name_the_same_coding(heard) -> None:
    [record] = coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
    heard.changes.clear()
    snapshot = coding.delete_codings(heard.project, [record.id])
    coding.restore_codings(heard.project, snapshot)
    removed, restored = heard.changes
    assert removed == codings_change({heard.doc}, {heard.trust}, removed={record.id})
    assert restored == codings_change({heard.doc}, {heard.trust}, added={record.id})


def test_recoding_touches_the_old_and_the_new_code(heard) -> None:
    [record] = coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
    heard.changes.clear()
    snapshot = coding.recode_codings(heard.project, [record.id], heard.safety)
    [change] = heard.changes
    assert change == codings_change({heard.doc}, {heard.trust, heard.safety}, changed={record.id})
    heard.changes.clear()
    coding.restore_codings(heard.project, snapshot)  # undo: back to Trust, both counts change again
    assert heard.changes == [codings_change({heard.doc}, {heard.trust, heard.safety}, changed={record.id})]


def test_resizing_changes_one_coding(heard) -> None:
    [record] = coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
    heard.changes.clear()
    coding.resize_coding(heard.project, record.id, 8, 20)
    assert heard.changes == [codings_change({heard.doc}, {heard.trust}, changed={record.id})]


def test_a_coding_with_a_memo_tells_memo_views_when_it_goes(heard) -> None:
    from app.services import memos

    [record] = coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
    memos.add_memo(heard.project, "coding", record.id, text="felt safe: early alliance")
    heard.changes.clear()
    coding.delete_codings(heard.project, [record.id])
    [change] = heard.changes
    assert change.memos and change.coding_ids_removed == {record.id}


def test_an_action_announces_once_after_its_commit_with_its_initiator(heard) -> None:
    initiator = object()
    with heard.project.action(initiator) as action:
        code = codebook.add_code(heard.project, "In vivo")
        [record] = coding.add_codings(heard.project, [spec(heard, code.id)], heard.anna)
        assert heard.changes == []  # nothing announced in the middle of the action
        assert action.change.codebook and record.id in action.change.coding_ids_added
    [change] = heard.changes
    assert change.initiator is initiator
    assert change.codebook and change.coding_ids_added == {record.id} and not change.only_codings
    assert [c.id for c in coding.codings_for_document(heard.project, heard.doc)] == [record.id]


def test_a_failing_action_rolls_back_every_write_and_announces_nothing(heard) -> None:
    with pytest.raises(InvalidInput), heard.project.action():
        codebook.add_code(heard.project, "Half done")
        coding.add_codings(heard.project, [spec(heard, heard.trust, 5, 500)], heard.anna)  # beyond the text
    assert heard.changes == []
    assert [c.name for c in codebook.list_codes(heard.project)] == ["Trust", "Safety"]


def test_nested_actions_join_the_outer_one(heard) -> None:
    with heard.project.action("outer"):
        with heard.project.action("inner"):
            coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
        coding.add_codings(heard.project, [spec(heard, heard.safety)], heard.anna)
    [change] = heard.changes
    assert change.initiator == "outer" and len(change.coding_ids_added) == 2
    assert change.codes == {heard.trust, heard.safety}


def test_a_coarse_change_merged_in_makes_the_coding_detail_untrustworthy() -> None:
    precise = codings_change({1}, {7}, added={11})
    assert precise.only_codings
    assert not (precise | Change(codings=frozenset({2}))).only_codings  # e.g. a codebook merge
    assert (precise | Change(memos=True)).coding_ids_exact
    assert Change().is_empty() and not precise.is_empty()


def test_editing_a_code_names_it_and_only_it(heard) -> None:
    codebook.update_code(heard.project, heard.trust, name="Basic trust")
    codebook.update_code(heard.project, heard.trust, shortcut=4)
    codebook.update_code(heard.project, heard.safety, shortcut=4)  # takes the key from Trust
    rename, key, taken = heard.changes
    assert rename.only_code_edits and rename.codes_edited == {heard.trust}
    assert key.codes_edited == {heard.trust}
    assert taken.only_code_edits and taken.codes_edited == {heard.safety, heard.trust}
    codebook.update_code(heard.project, heard.trust, name="Basic trust")  # unchanged: nothing announced
    assert len(heard.changes) == 3


def test_adding_or_moving_a_code_is_not_only_an_edit(heard) -> None:
    with heard.project.action():
        codebook.update_code(heard.project, heard.trust, color="#123456")
        codebook.add_code(heard.project, "Hope")
    [merged] = heard.changes
    assert merged.codebook and not merged.only_code_edits and merged.codes_edited == {heard.trust}
    codebook.move_code(heard.project, heard.safety, heard.trust)
    assert not heard.changes[-1].only_code_edits
    with heard.project.action():
        codebook.update_code(heard.project, heard.trust, name="Trust again")
        codebook.update_code(heard.project, heard.safety, name="Safety again")
    assert heard.changes[-1].only_code_edits
    assert heard.changes[-1].codes_edited == {heard.trust, heard.safety}
    coding.add_codings(heard.project, [spec(heard, heard.trust)], heard.anna)
    assert not (heard.changes[-1] | heard.changes[-2]).only_code_edits  # codings changed too

"""Code sets in the codebook: marking, numbers, and one value of a set per passage and coder."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput
from app.services import code_sets, coding
from app.services.code_sets import SetValueConflict
from tests.cli_runner import rapport
from tests.study_presets import rating_study

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


@pytest.fixture
def rated(project):
    ids = rating_study(project, [[1, 2], [1, None]], values=("Withdrawal", "Confrontation", "None"))
    code_sets.mark_code_set(project, "Intensity")
    return ids


def _codings(project, coder: str):
    return [(v.document, v.code, v.start, v.end) for v in coding.list_codings(project, coder=coder)]


def test_a_second_value_on_the_same_passage_is_refused_and_nothing_changes(project, rated) -> None:
    coder = coding.ensure_coder(project, "C1")
    before = _codings(project, "C1")
    document = coding.list_codings(project, coder="C1")[0].document_id
    with pytest.raises(SetValueConflict, match="already has 'Withdrawal' of the set 'Intensity'"):
        coding.add_codings(project, [coding.CodingSpec(document, rated.codes["Confrontation"], 40, 50)], coder)
    assert _codings(project, "C1") == before
    # another coder, the same value again, or a passage that does not overlap: all allowed
    other = coding.ensure_coder(project, "C3")
    assert coding.add_codings(project, [coding.CodingSpec(document, rated.codes["Confrontation"], 40, 50)], other)
    assert coding.add_codings(project, [coding.CodingSpec(document, rated.codes["Withdrawal"], 40, 50)], coder)
    assert coding.add_codings(project, [coding.CodingSpec(document, rated.codes["Confrontation"], 0, 10)], coder)


def test_replacing_a_value_removes_the_first_and_undo_restores_it(project, rated) -> None:
    coder = coding.ensure_coder(project, "C1")
    first = coding.list_codings(project, coder="C1")[0]
    spec = coding.CodingSpec(first.document_id, rated.codes["None"], first.start, first.end)
    removed, added = coding.replace_set_values(project, [spec], coder)
    assert [r.id for r in removed] == [first.id]
    now = coding.list_codings(project, document=first.document_id, coder="C1")
    assert [(v.code_id, v.start, v.end) for v in now] == [(rated.codes["None"], first.start, first.end)]
    coding.delete_codings(project, [r.id for r in added])  # what the window's undo does
    coding.restore_codings(project, removed)
    assert first.id in {v.id for v in coding.list_codings(project, coder="C1")}


def test_unmarked_parents_allow_several_values(project) -> None:
    ids = rating_study(project, [[1]], values=("A", "B"))
    coder = coding.ensure_coder(project, "C1")
    document = coding.list_codings(project, coder="C1")[0].document_id
    assert coding.add_codings(project, [coding.CodingSpec(document, ids.codes["B"], 34, 60)], coder)


def test_marking_and_numbers(project, rated) -> None:
    the_set = code_sets.read_code_set(project, "Intensity")
    assert the_set.marked and [v.name for v in the_set.values] == ["Withdrawal", "Confrontation", "None"]
    assert the_set.numbers == [None, None, None]
    assert code_sets.set_value_number(project, "Intensity/None", 0) is None
    assert code_sets.read_code_set(project, "Intensity").numbers == [None, None, 0]
    assert [s.name for s in code_sets.marked_sets(project)] == ["Intensity"]
    assert code_sets.mark_code_set(project, "Intensity", False) is True
    assert code_sets.marked_sets(project) == []
    with pytest.raises(InvalidInput, match="no sub-codes"):
        code_sets.mark_code_set(project, "Intensity/None")
    with pytest.raises(InvalidInput, match="finite"):
        code_sets.set_value_number(project, "Intensity/None", float("nan"))


def test_cli_code_refuses_then_replaces(project, project_target, rated) -> None:
    first = coding.list_codings(project, coder="C1")[0]
    project.close()
    args = ("code", str(project_target), "--document", first.document, "--code", "Intensity/None",
            "--start", str(first.start), "--end", str(first.end), "--coder", "C1")  # fmt: skip
    refused = rapport(*args)
    assert refused.returncode == 1 and "one value per passage" in refused.stderr
    replaced = rapport(*args, "--replace", "--json")
    assert replaced.json()["code"].endswith("None")


def test_deleting_and_restoring_a_set_keeps_its_mark_and_numbers(project, rated) -> None:
    from app.services import codebook

    code_sets.set_value_number(project, "Intensity/None", 0)
    snapshot = codebook.delete_code(project, rated.codes["Intensity"])
    codebook.restore_code(project, snapshot)
    restored = code_sets.read_code_set(project, "Intensity")
    assert restored.marked and restored.numbers == [None, None, 0]

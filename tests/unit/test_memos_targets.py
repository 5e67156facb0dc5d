"""Memos on every kind of target, with authors and anchors, and undo that restores the exact row."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput, NotFound
from app.services import codebook, coding, memos
from app.services.changes import Change
from app.services.project import Project, open_project
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

TEXT = "Therapist: Shall we look at the week?\nClient: Can we not? I'd rather talk about my sister.\n"


@pytest.fixture
def doc(project: Project) -> int:
    built = StudyBuilder(project).document("D7 s1", TEXT, dyad="D7", session=1, kind="session").study
    return built.documents["D7 s1"]


def test_each_target_lists_only_its_memos(project: Project, doc: int) -> None:
    ana = coding.ensure_coder(project, "Ana")
    code = codebook.add_code(project, "Withdrawal")
    (record,) = coding.add_codings(project, [coding.CodingSpec(doc, code.id, 38, 49)], ana)
    from app.services.study import list_dyads

    dyad_id = list_dyads(project)[0].id
    made = {
        "project": memos.add_memo(project, "project", text="aims", author_id=ana),
        "document": memos.add_memo(project, "document", doc, text="audio drops at 12:00"),
        "code": memos.add_memo(project, "code", code.id, title="Scope", text="includes deferring"),
        "coding": memos.add_memo(project, "coding", record.id, text="topic change", author_id=ana),
        "dyad": memos.add_memo(project, "dyad", dyad_id, text="interpreter booked late"),
    }
    for target, memo in made.items():
        assert memo.target == target
        assert [m.id for m in memos.list_memos(project, target, memo.target_id)] == [memo.id]
    assert made["coding"].target_id == record.id and made["coding"].author_id == ana
    assert made["code"].title == "Scope"
    assert memos.coding_memo_texts(project, doc) == {record.id: "topic change"}
    assert memos.describe_target(project, "dyad", dyad_id) == "D7"
    assert memos.describe_target(project, "coding", record.id).startswith("Withdrawal in D7 s1")
    assert len(memos.list_memos(project)) == 5


def test_anchored_memo_and_refusals(project: Project, doc: int) -> None:
    start = TEXT.index("Can we not?")
    memo = memos.add_memo(project, "document", doc, text="first refusal", start=start, end=start + 11)
    assert TEXT[memo.start : memo.end] == "Can we not?"
    bad = [
        dict(target="document", target_id=doc, start=5, end=4),
        dict(target="document", target_id=doc, start=0, end=len(TEXT) + 1),
        dict(target="document", target_id=doc, start=3),
        dict(target="project", start=0, end=1),
        dict(target="elsewhere"),
    ]
    for kwargs in bad:
        with pytest.raises(InvalidInput):
            memos.add_memo(project, text="x", **kwargs)
    for target in ("document", "code", "coding", "dyad"):
        with pytest.raises(NotFound):
            memos.add_memo(project, target, 4242, text="x")
    with pytest.raises(NotFound):
        memos.add_memo(project, "project", text="x", author_id=77)
    assert [m.id for m in memos.list_memos(project)] == [memo.id], "refusals wrote nothing"


def test_update_delete_restore_exactly_and_notify(project: Project, doc: int) -> None:
    seen: list[Change] = []
    project.subscribe(seen.append)
    memo = memos.add_memo(project, "document", doc, title="Noise", text="v1")
    old = memos.update_memo(project, memo.id, text="v2", title="  Noise (edited) ")
    assert old == memo
    now = memos.list_memos(project, "document", doc)[0]
    assert (now.title, now.text) == ("Noise (edited)", "v2") and now.updated_at >= memo.updated_at
    row = memos.delete_memo(project, memo.id)
    assert memos.list_memos(project) == []
    memos.restore_memo(project, row)
    assert memos.list_memos(project) == [now]
    assert all(change == Change(memos=True) for change in seen) and len(seen) == 4
    with pytest.raises(NotFound):
        memos.delete_memo(project, 999)


def test_memo_of_a_deleted_coding_returns_with_it_and_survives_reopening(
    project: Project, project_target, doc: int
) -> None:
    ana = coding.ensure_coder(project, "Ana")
    code = codebook.add_code(project, "Withdrawal")
    (record,) = coding.add_codings(project, [coding.CodingSpec(doc, code.id, 38, 49)], ana)
    memo = memos.add_memo(project, "coding", record.id, text="deflects", author_id=ana)
    removed = coding.delete_codings(project, [record.id])
    assert memos.list_memos(project) == []
    coding.restore_codings(project, removed)
    assert memos.list_memos(project) == [memo]
    project.close()
    with open_project(project_target) as reopened:
        assert memos.list_memos(reopened, "coding", record.id) == [memo]

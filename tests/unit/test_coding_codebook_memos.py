"""Coding, codebook and memo services on a real project file: validation, snapshots and exact undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput, NotFound
from app.services import codebook, coding, memos
from app.services.project import Project
from app.storage.models import Code, Coding, Memo
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

TEXT = "Therapist: How did last week feel?\nClient: I trusted you more after you said sorry. 😀 Really.\n"


def dump(project: Project) -> tuple:
    """Everything the services touch, for before/after equality."""
    with project.read() as session:
        codes = session.execute(select(Code.id, Code.guid, Code.parent_id, Code.name, Code.color, Code.position,
                                       Code.shortcut).order_by(Code.id)).all()  # fmt: skip
        codings = session.execute(select(Coding.id, Coding.guid, Coding.code_id, Coding.coder_id, Coding.start,
                                         Coding.end).order_by(Coding.id)).all()  # fmt: skip
        memo_rows = session.execute(select(Memo.id, Memo.target, Memo.code_id, Memo.coding_id, Memo.text)
                                    .order_by(Memo.id)).all()  # fmt: skip
    return tuple(codes), tuple(codings), tuple(memo_rows)


@pytest.fixture
def doc(project: Project) -> int:
    built = StudyBuilder(project).document("D1 s1", TEXT, dyad="D1", session=1, kind="session").study
    return built.documents["D1 s1"]


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def test_add_list_and_validate_codings(project: Project, doc: int) -> None:
    trust = codebook.add_code(project, "Trust")
    ana = coding.ensure_coder(project, "Ana")
    assert coding.ensure_coder(project, " Ana ") == ana
    records = coding.add_codings(
        project, [coding.CodingSpec(doc, trust.id, *span("I trusted you more"))], ana
    )
    again = coding.add_codings(project, [coding.CodingSpec(doc, trust.id, *span("I trusted you more"))], ana)
    assert again == []  # an exact duplicate is not created twice
    views = coding.list_codings(project, code="Trust", coder="Ana")
    assert [(v.code, v.coder, v.text) for v in views] == [("Trust", "Ana", "I trusted you more")]
    emoji = coding.add_codings(project, [coding.CodingSpec(doc, trust.id, *span("😀 Really"))], ana)
    assert coding.list_codings(project, document=doc)[1].text == "😀 Really"
    with pytest.raises(InvalidInput, match="does not fit"):
        coding.add_codings(project, [coding.CodingSpec(doc, trust.id, 5, 5000)], ana)
    with pytest.raises(NotFound):
        coding.add_codings(project, [coding.CodingSpec(doc, 999, 0, 3)], ana)
    assert len(records) == len(emoji) == 1


def test_delete_and_restore_codings_with_their_memos(project: Project, doc: int) -> None:
    trust = codebook.add_code(project, "Trust")
    ana = coding.ensure_coder(project, "Ana")
    (record,) = coding.add_codings(project, [coding.CodingSpec(doc, trust.id, 0, 10)], ana)
    memos.add_memo(project, "coding", record.id, text="why here?", author_id=ana)
    before = dump(project)
    removed = coding.delete_codings(project, [record.id])
    assert dump(project)[1] == () and dump(project)[2] == ()
    coding.restore_codings(project, removed)
    assert dump(project) == before


def test_recode_and_resize(project: Project, doc: int) -> None:
    trust, repair = codebook.add_code(project, "Trust"), codebook.add_code(project, "Repair")
    ana = coding.ensure_coder(project, "Ana")
    (record,) = coding.add_codings(project, [coding.CodingSpec(doc, trust.id, 0, 10)], ana)
    before = dump(project)
    old = coding.recode_codings(project, [record.id], repair.id)
    assert dump(project)[1][0].code_id == repair.id
    coding.restore_codings(project, old)
    assert dump(project)[1] == before[1]
    coding.resize_coding(project, record.id, 2, 12)
    assert dump(project)[1][0][4:] == (2, 12)


def test_codebook_tree_names_colours_and_shortcuts(project: Project) -> None:
    bond = codebook.add_code(project, "Bond")
    trust = codebook.add_code(project, "Trust", parent=bond.id, color="#2E86DE")
    codebook.add_code(project, "Goals")
    assert [(c.path, c.depth) for c in codebook.list_codes(project)] == [
        ("Bond", 0),
        ("Bond/Trust", 1),
        ("Goals", 0),
    ]
    assert trust.color == "#2e86de"
    with pytest.raises(InvalidInput, match="already exists"):
        codebook.add_code(project, "trust", parent=bond.id)
    with pytest.raises(InvalidInput, match="#RRGGBB"):
        codebook.add_code(project, "Bad", color="blue")
    codebook.update_code(project, trust.id, shortcut=1)
    codebook.update_code(project, bond.id, shortcut=1)  # the digit moves
    shortcuts = {c.name: c.shortcut for c in codebook.list_codes(project)}
    assert shortcuts == {"Bond": 1, "Trust": None, "Goals": None}
    with pytest.raises(InvalidInput, match="under itself"):
        codebook.move_code(project, bond.id, trust.id)


def test_delete_code_with_descendants_and_restore_exactly(project: Project, doc: int) -> None:
    bond = codebook.add_code(project, "Bond")
    trust = codebook.add_code(project, "Trust", parent=bond.id)
    ana = coding.ensure_coder(project, "Ana")
    coding.add_codings(
        project, [coding.CodingSpec(doc, trust.id, 0, 9), coding.CodingSpec(doc, bond.id, 3, 9)], ana
    )
    memos.add_memo(project, "code", trust.id, text="definition debate")
    before = dump(project)
    assert codebook.count_codings_affected(project, bond.id) == 2
    snapshot = codebook.delete_code(project, bond.id)
    assert dump(project) == ((), (), ())
    codebook.restore_code(project, snapshot)
    assert dump(project) == before


def test_merge_codes_collapses_duplicates_and_unmerges_exactly(project: Project, doc: int) -> None:
    trust = codebook.add_code(project, "Trust")
    reliance = codebook.add_code(project, "Reliance")
    child = codebook.add_code(project, "On the therapist", parent=reliance.id)
    ana = coding.ensure_coder(project, "Ana")
    coding.add_codings(
        project,
        [coding.CodingSpec(doc, trust.id, 0, 9), coding.CodingSpec(doc, reliance.id, 0, 9),
         coding.CodingSpec(doc, reliance.id, 20, 30)],
        ana,
    )  # fmt: skip
    memos.add_memo(project, "code", reliance.id, text="close to trust")
    before = dump(project)
    snapshot = codebook.merge_codes(project, reliance.id, trust.id)
    usage = codebook.code_usage(project)
    assert usage[trust.id] == (2, 1)  # the duplicate collapsed
    assert {c.name: c.parent_id for c in codebook.list_codes(project)} == {
        "Trust": None,
        "On the therapist": trust.id,
    }
    codebook.unmerge_codes(project, snapshot)
    assert dump(project) == before
    assert child.id in {c.id for c in codebook.list_codes(project)}


def test_starter_codebook_loads_once(project: Project) -> None:
    added = codebook.load_starter_codebook(project)
    assert len(added) >= 20
    paths = {c.path for c in codebook.list_codes(project)}
    assert {"Bond/Trust", "Rupture/Withdrawal", "Repair", "Goals/Shared goals"} <= paths
    assert all(c.definition and c.inclusion and c.exclusion and c.example for c in added)
    assert codebook.load_starter_codebook(project) == []


def test_memos_on_every_target(project: Project, doc: int) -> None:
    project_memo = memos.add_memo(project, "project", text="Study aims")
    doc_memo = memos.add_memo(project, "document", doc, text="noisy audio", start=0, end=10)
    assert memos.describe_target(project, "document", doc) == "D1 s1"
    assert [m.id for m in memos.list_memos(project, "document", doc)] == [doc_memo.id]
    old = memos.update_memo(project, project_memo.id, text="Study aims, revised")
    assert old.text == "Study aims"
    row = memos.delete_memo(project, doc_memo.id)
    memos.restore_memo(project, row)
    assert memos.list_memos(project, "document", doc)[0].start == 0
    with pytest.raises(InvalidInput):
        memos.add_memo(project, "document", doc, text="x", start=5, end=10_000)
    with pytest.raises(NotFound):
        memos.add_memo(project, "code", 12345, text="x")


def test_merge_coders_and_undo(project: Project, doc: int) -> None:
    trust = codebook.add_code(project, "Trust")
    ana, ana2 = coding.ensure_coder(project, "Ana"), coding.ensure_coder(project, "ana (laptop)")
    coding.add_codings(project, [coding.CodingSpec(doc, trust.id, 0, 9)], ana)
    duplicate, _other = coding.add_codings(
        project, [coding.CodingSpec(doc, trust.id, 0, 9), coding.CodingSpec(doc, trust.id, 12, 20)], ana2
    )
    memos.add_memo(project, "coding", duplicate.id, text="written on the laptop")
    before = dump(project)
    snapshot = coding.merge_coders(project, ana2, ana)
    assert [c.name for c in coding.list_coders(project)] == ["Ana"]
    kept = coding.list_codings(project, coder="Ana")
    assert len(kept) == 2
    # The duplicate's memo moved to the coding that stays, instead of being deleted with it.
    [memo] = memos.list_memos(project, "coding", next(c.id for c in kept if (c.start, c.end) == (0, 9)))
    assert memo.text == "written on the laptop"
    coding.unmerge_coders(project, snapshot)
    assert dump(project) == before

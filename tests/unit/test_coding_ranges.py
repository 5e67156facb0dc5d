"""Coding ranges, duplicates, bulk inserts, coders and change notices on a real project file."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput, NotFound
from app.services import codebook, coding, editing, study
from app.services.changes import Change, codings_change
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

TEXT = "Client: Ich weiß nicht. 👍🏽 Maybe next week.\nTherapist: Next week, then.\n"


@pytest.fixture
def setup(project: Project) -> tuple[int, int, int]:
    built = (
        StudyBuilder(project).document("D2 s1", TEXT, dyad="D2", session=1, kind="session")
        .code("Deferral").coder("Ben").study
    )  # fmt: skip
    return built.documents["D2 s1"], built.codes["Deferral"], built.coders["Ben"]


def test_a_corrected_text_moves_where_codings_must_fit(project: Project, setup: tuple[int, int, int]) -> None:
    """The length codings are checked against is the database's own (a generated column): it follows a
    correction of the text at once, in code points."""
    doc, code, ben = setup
    longer = TEXT + "Client: 👍🏽 and one more line.\n"
    editing.edit_document_text(project, doc, longer)
    coding.add_codings(project, [coding.CodingSpec(doc, code, len(TEXT), len(longer))], ben)
    editing.edit_document_text(project, doc, TEXT[:20])
    with pytest.raises(InvalidInput, match="does not fit"):
        coding.add_codings(project, [coding.CodingSpec(doc, code, 0, 21)], ben)
    coding.add_codings(project, [coding.CodingSpec(doc, code, 0, 20)], ben)


def test_ranges_are_code_points_and_must_fit(project: Project, setup: tuple[int, int, int]) -> None:
    doc, code, ben = setup
    start = TEXT.index("👍🏽")
    (record,) = coding.add_codings(project, [coding.CodingSpec(doc, code, start, start + 2)], ben)
    assert coding.list_codings(project)[0].text == "👍🏽" and record.end - record.start == 2
    for s, e in ((5, 5), (6, 5), (-1, 3), (0, len(TEXT) + 1)):
        with pytest.raises(InvalidInput, match="does not fit"):
            coding.add_codings(project, [coding.CodingSpec(doc, code, s, e)], ben)
    coding.add_codings(project, [coding.CodingSpec(doc, code, 0, len(TEXT))], ben)  # the whole text is fine
    with pytest.raises(NotFound, match="document"):
        coding.add_codings(project, [coding.CodingSpec(999, code, 0, 1)], ben)
    with pytest.raises(NotFound, match="coder"):
        coding.add_codings(project, [coding.CodingSpec(doc, code, 0, 1)], 999)
    with pytest.raises(InvalidInput):
        coding.validate_codings(project, [coding.CodingSpec(doc, code, 3, 2)])


def test_one_bad_spec_writes_nothing(project: Project, setup: tuple[int, int, int]) -> None:
    doc, code, ben = setup
    with pytest.raises(InvalidInput):
        coding.add_codings(
            project, [coding.CodingSpec(doc, code, 0, 5), coding.CodingSpec(doc, code, 9, 2)], ben
        )
    assert coding.list_codings(project) == []


def test_duplicates_within_a_call_and_across_calls_are_created_once(
    project: Project, setup: tuple[int, int, int]
) -> None:
    doc, code, ben = setup
    spec = coding.CodingSpec(doc, code, 8, 22)
    assert len(coding.add_codings(project, [spec, spec], ben)) == 1
    assert coding.add_codings(project, [spec], ben) == []
    ana = coding.ensure_coder(project, "Ana")
    assert len(coding.add_codings(project, [spec], ana)) == 1, "another coder's identical coding is separate"
    assert len(coding.add_codings(project, [coding.CodingSpec(doc, code, 8, 23)], ben)) == 1


def test_bulk_codings_in_one_transaction_and_one_notice(
    project: Project, setup: tuple[int, int, int]
) -> None:
    doc, code, ben = setup
    other = import_text(project, name="D2 s2", text=TEXT * 50, meta=DocumentMeta(dyad="D2", session=2)).id
    seen: list[Change] = []
    project.subscribe(seen.append)
    specs = [coding.CodingSpec(other, code, i, i + 3) for i in range(0, 3000)]
    specs.append(coding.CodingSpec(doc, code, 0, 6))
    records = coding.add_codings(project, specs, ben)
    assert len(records) == 3001 and len({r.id for r in records}) == 3001
    assert [(r.start, r.end) for r in records[:2]] == [(0, 3), (1, 4)], "records come back in spec order"
    assert seen == [codings_change({doc, other}, {code}, added={r.id for r in records})]
    assert len(coding.codings_for_document(project, other)) == 3000
    removed = coding.delete_codings(project, [r.id for r in records])
    assert coding.list_codings(project) == []
    coding.restore_codings(project, removed)
    assert [r.id for r in coding.codings_for_document(project, doc)] == [records[-1].id]


def test_coders_get_distinct_colours_and_renames_are_checked(project: Project) -> None:
    ids = [coding.ensure_coder(project, name) for name in ("Ana", "Ben", "Chiara", "Dara", "Eli")]
    coders = coding.list_coders(project)
    assert [c.id for c in coders] == ids
    assert len({c.color for c in coders}) == len(coders)
    assert coding.ensure_coder(project, "  Ana  ") == ids[0]
    with pytest.raises(InvalidInput):
        coding.ensure_coder(project, "   ")
    assert coding.ensure_coder(project, "ana") == ids[0]  # another letter case is the same coder
    assert coding.rename_coder(project, ids[0], "Ana R.") == "Ana"
    with pytest.raises(InvalidInput, match="already a coder"):
        coding.rename_coder(project, ids[1], "Ana R.")
    with pytest.raises(InvalidInput, match="already a coder"):
        coding.rename_coder(project, ids[1], "ANA r.")
    assert coding.rename_coder(project, ids[0], "ANA R.") == "Ana R."  # fixing one's own letter case is fine


def test_imports_name_an_existing_dyad_in_any_letter_case(project: Project) -> None:
    first = import_text(project, name="a", text="Client: hello\n", meta=DocumentMeta(dyad="D01", session=1))
    second = import_text(project, name="b", text="Client: again\n", meta=DocumentMeta(dyad="d01", session=2))
    assert [d.name for d in study.list_dyads(project)] == ["D01"]
    assert study.get_document(project, first.id).dyad == study.get_document(project, second.id).dyad == "D01"


def test_filters_by_document_code_coder_and_dyad(project: Project, setup: tuple[int, int, int]) -> None:
    doc, code, ben = setup
    other_doc = import_text(project, name="D3 s1", text=TEXT, meta=DocumentMeta(dyad="D3", session=1)).id
    hope = codebook.add_code(project, "Hope")
    ana = coding.ensure_coder(project, "Ana")
    coding.add_codings(
        project, [coding.CodingSpec(doc, code, 8, 22), coding.CodingSpec(other_doc, hope.id, 0, 6)], ana
    )
    coding.add_codings(project, [coding.CodingSpec(doc, hope.id, 26, 41)], ben)
    assert {v.text for v in coding.list_codings(project, dyad="D3")} == {"Client"}
    assert {v.code for v in coding.list_codings(project, coder="Ben")} == {"Hope"}
    assert len(coding.list_codings(project, document="D2 s1")) == 2
    assert len(coding.list_codings(project, code=hope.id)) == 2
    with pytest.raises(NotFound):
        coding.list_codings(project, dyad="D9")


def test_recode_onto_an_identical_coding_collapses_and_undo_restores(
    project: Project, setup: tuple[int, int, int]
) -> None:
    from sqlalchemy import select

    from app.services import memos
    from app.storage.models import Coding, Memo

    def rows() -> tuple:
        with project.read() as session:
            codings = session.execute(select(*Coding.__table__.columns).order_by(Coding.id)).all()
            notes = session.execute(select(*Memo.__table__.columns).order_by(Memo.id)).all()
        return tuple(map(tuple, codings)), tuple(map(tuple, notes))

    doc, deferral, ben = setup
    hope = codebook.add_code(project, "Hope").id
    same, other = (8, 22), (26, 41)
    (a, b, _c) = coding.add_codings(
        project,
        [coding.CodingSpec(doc, deferral, *same), coding.CodingSpec(doc, deferral, *other),
         coding.CodingSpec(doc, hope, *same)],
        ben,
    )  # fmt: skip
    memos.add_memo(project, "coding", a.id, text="hesitant", author_id=ben)
    before = rows()
    old = coding.recode_codings(project, [a.id, b.id], hope)
    views = coding.list_codings(project)
    assert sorted((v.code, v.start) for v in views) == [("Hope", 8), ("Hope", 26)]
    assert memos.list_memos(project) == []
    coding.restore_codings(project, old)
    assert rows() == before
    with pytest.raises(InvalidInput, match="exactly that range"):
        coding.resize_coding(project, a.id, *other)  # would duplicate b
    assert coding.resize_coding(project, a.id, *same).start == same[0], "an unchanged range is fine"


def test_coding_spans_are_the_painted_fields_of_every_coding_in_order(
    project: Project, setup: tuple[int, int, int]
) -> None:
    doc, code, ben = setup
    other = codebook.add_code(project, "Hope").id
    ana = coding.ensure_coder(project, "Ana")
    coding.add_codings(
        project, [coding.CodingSpec(doc, code, 20, 30), coding.CodingSpec(doc, other, 0, 9)], ben
    )
    coding.add_codings(project, [coding.CodingSpec(doc, code, 0, 4), coding.CodingSpec(doc, code, 0, 9)], ana)
    spans = coding.coding_spans(project, doc)
    records = coding.codings_for_document(project, doc)
    assert [(s.id, s.code_id, s.coder_id, s.start, s.end) for s in spans] == [
        (r.id, r.code_id, r.coder_id, r.start, r.end) for r in records
    ]
    assert [(s.start, s.end) for s in spans] == [(0, 4), (0, 9), (0, 9), (20, 30)]
    assert coding.coding_spans(project, 999) == []

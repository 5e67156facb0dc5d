"""Codebook changes on a real project file: tree order and counts, moves, merges, deletes, exact undo."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput, NotFound
from app.services import codebook, coding, memos
from app.services.changes import Change, code_edits_change
from app.services.project import Project
from app.storage.models import Code, Coding, Memo
from tests.study import StudyBuilder

TEXT = (
    "Therapist: You said last week that the homework felt pointless.\n"
    "Client: It did. But you listened, and I tried it again on Sunday.\n"
    "Therapist: What was different on Sunday?\n"
)

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def everything(project: Project) -> tuple:
    """Every column of codes, codings and memos: before/after snapshots must be exactly equal."""
    with project.read() as session:
        return tuple(
            tuple(tuple(row) for row in session.execute(select(*model.__table__.columns).order_by(model.id)))
            for model in (Code, Coding, Memo)
        )


def span(words: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def docs(project: Project) -> tuple[int, int]:
    built = (
        StudyBuilder(project)
        .document("D1 s1", TEXT, dyad="D1", session=1, kind="session")
        .document("D1 s2", TEXT, dyad="D1", session=2, kind="session")
        .study
    )
    return built.documents["D1 s1"], built.documents["D1 s2"]


def test_list_codes_counts_codings_and_documents_per_coder(project: Project, docs: tuple[int, int]) -> None:
    tasks = codebook.add_code(project, "Tasks")
    disagreement = codebook.add_code(project, "Disagreement", parent=tasks.id)
    ana, ben = coding.ensure_coder(project, "Ana"), coding.ensure_coder(project, "Ben")
    pointless = span("the homework felt pointless")
    coding.add_codings(project, [coding.CodingSpec(d, disagreement.id, *pointless) for d in docs], ana)
    coding.add_codings(project, [coding.CodingSpec(docs[0], disagreement.id, *span("pointless"))], ben)
    everyone = {c.name: (c.codings, c.documents) for c in codebook.list_codes(project)}
    assert everyone == {"Tasks": (0, 0), "Disagreement": (3, 2)}
    only_ben = {c.name: (c.codings, c.documents) for c in codebook.list_codes(project, coders=[ben])}
    assert only_ben == {"Tasks": (0, 0), "Disagreement": (1, 1)}
    assert codebook.list_codes(project, coders=[])[1].codings == 0
    uncounted = codebook.list_codes(project, with_usage=False)  # names and tree only, for lookups
    assert uncounted == codebook.list_codes(project) and {c.codings for c in uncounted} == {0}


def test_new_codes_get_distinct_palette_colours(project: Project) -> None:
    colours = [codebook.add_code(project, f"Theme {i}").color for i in range(len(codebook.PALETTE))]
    assert len(set(colours)) == len(colours)
    assert all(c.startswith("#") and len(c) == 7 for c in colours)


def test_update_code_fields_and_refusals(project: Project) -> None:
    bond = codebook.add_code(project, "Bond")
    trust = codebook.add_code(project, "Trust", parent=bond.id)
    codebook.add_code(project, "Warmth", parent=bond.id)
    seen: list[Change] = []
    project.subscribe(seen.append)
    before = codebook.update_code(
        project, trust.id, name="Trust in the therapist", definition="Confidence that...", inclusion="Explicit",
        exclusion="Trust in others", example="'I knew she wouldn't judge me'", color="#AA4499", shortcut=3,
    )  # fmt: skip
    assert before == trust and seen == [code_edits_change({trust.id})]  # exactly that code, only edited
    now = next(c for c in codebook.list_codes(project) if c.id == trust.id)
    assert (now.name, now.color, now.shortcut, now.path) == (
        "Trust in the therapist", "#aa4499", 3, "Bond/Trust in the therapist",
    )  # fmt: skip
    codebook.update_code(project, trust.id, definition="Confidence that...")
    assert len(seen) == 1, "saving an unchanged field tells no view to reload"
    with pytest.raises(InvalidInput, match="already called"):
        codebook.update_code(project, trust.id, name="warmth")
    for bad in (0, 10, True, "1"):
        with pytest.raises(InvalidInput, match="1 to 9"):
            codebook.update_code(project, trust.id, shortcut=bad)
    with pytest.raises(InvalidInput, match="no field"):
        codebook.update_code(project, trust.id, colour="#000000")
    with pytest.raises(InvalidInput, match="'/'"):
        codebook.update_code(project, trust.id, name="Trust/Mistrust")
    with pytest.raises(NotFound):
        codebook.update_code(project, 999, name="X")
    codebook.update_code(project, trust.id, **{k: getattr(before, k) for k in ("name", "color", "shortcut")})
    assert next(c for c in codebook.list_codes(project) if c.id == trust.id).name == "Trust"


def test_move_reparents_reorders_and_refuses_cycles(project: Project) -> None:
    rupture = codebook.add_code(project, "Rupture")
    withdrawal = codebook.add_code(project, "Withdrawal", parent=rupture.id)
    silence = codebook.add_code(project, "Silence", parent=withdrawal.id)
    repair = codebook.add_code(project, "Repair")
    codebook.move_code(project, repair.id, rupture.id, position=-1)
    assert [c.path for c in codebook.list_codes(project)] == [
        "Rupture", "Rupture/Repair", "Rupture/Withdrawal", "Rupture/Withdrawal/Silence",
    ]  # fmt: skip
    codebook.move_code(project, silence.id, None)
    assert [c.path for c in codebook.list_codes(project)][-1] == "Silence"
    codebook.add_code(project, "Silence", parent=rupture.id)
    before = everything(project)
    for target in (withdrawal.id, rupture.id):
        with pytest.raises(InvalidInput, match="under itself"):
            codebook.move_code(project, rupture.id, target)
    with pytest.raises(InvalidInput, match="already exists"):
        codebook.move_code(project, silence.id, rupture.id)
    with pytest.raises(NotFound):
        codebook.move_code(project, silence.id, 999)
    assert everything(project) == before


def test_delete_code_with_descendants_codings_and_memos_then_restore(
    project: Project, docs: tuple[int, int]
) -> None:
    rupture = codebook.add_code(project, "Rupture")
    withdrawal = codebook.add_code(project, "Withdrawal", parent=rupture.id)
    quiet = codebook.add_code(project, "Going quiet", parent=withdrawal.id)
    keep = codebook.add_code(project, "Repair")
    ana, ben = coding.ensure_coder(project, "Ana"), coding.ensure_coder(project, "Ben")
    (a,) = coding.add_codings(project, [coding.CodingSpec(docs[0], quiet.id, *span("It did."))], ana)
    coding.add_codings(project, [coding.CodingSpec(docs[1], withdrawal.id, *span("It did. But"))], ben)
    coding.add_codings(project, [coding.CodingSpec(docs[1], keep.id, *span("you listened"))], ben)
    memos.add_memo(project, "coding", a.id, text="a short answer", author_id=ana)
    memos.add_memo(project, "code", rupture.id, text="Safran & Muran", author_id=ben)
    before = everything(project)
    assert codebook.count_codings_affected(project, rupture.id) == 2
    assert codebook.count_codings_affected(project, keep.id) == 1
    seen: list[Change] = []
    project.subscribe(seen.append)
    snapshot = codebook.delete_code(project, rupture.id)
    assert seen[-1].codebook and seen[-1].codings == frozenset(docs)
    assert [c.name for c in codebook.list_codes(project)] == ["Repair"]
    assert [v.code for v in coding.list_codings(project)] == ["Repair"]
    assert memos.list_memos(project) == []
    assert len(snapshot.codes) == 3 and len(snapshot.codings) == 2 and len(snapshot.memos) == 2
    codebook.restore_code(project, snapshot)
    assert everything(project) == before
    assert snapshot == codebook.delete_code(project, rupture.id), "a second delete removes the same rows"


def test_merge_moves_codings_memos_children_and_collapses_duplicates(
    project: Project, docs: tuple[int, int]
) -> None:
    trust = codebook.add_code(project, "Trust")
    confidence = codebook.add_code(project, "Confidence")
    child = codebook.add_code(project, "In the method", parent=confidence.id)
    ana, ben = coding.ensure_coder(project, "Ana"), coding.ensure_coder(project, "Ben")
    listened = span("you listened")
    coding.add_codings(project, [coding.CodingSpec(docs[0], trust.id, *listened)], ana)
    (duplicate, moved) = coding.add_codings(
        project,
        [
            coding.CodingSpec(docs[0], confidence.id, *listened),
            coding.CodingSpec(docs[1], confidence.id, *listened),
        ],
        ana,
    )
    (bens,) = coding.add_codings(project, [coding.CodingSpec(docs[0], confidence.id, *listened)], ben)
    memos.add_memo(project, "coding", duplicate.id, text="the duplicate's memo", author_id=ana)
    memos.add_memo(project, "code", confidence.id, text="near-synonym of trust")
    before = everything(project)
    snapshot = codebook.merge_codes(project, confidence.id, trust.id)
    views = coding.list_codings(project)
    assert {(v.document_id, v.coder, v.code) for v in views} == {
        (docs[0], "Ana", "Trust"), (docs[1], "Ana", "Trust"), (docs[0], "Ben", "Trust"),
    }  # fmt: skip
    assert len(views) == 3, "Ana's identical coding collapsed; Ben's (another coder) stayed"
    assert {v.id for v in views} >= {moved.id, bens.id}
    assert [m.code_id for m in memos.list_memos(project, "code")] == [trust.id]
    assert memos.list_memos(project, "coding") == [], "the collapsed coding's memo went with it"
    assert next(c for c in codebook.list_codes(project) if c.id == child.id).parent_id == trust.id
    codebook.unmerge_codes(project, snapshot)
    assert everything(project) == before


def test_merge_many_and_refusals(project: Project, docs: tuple[int, int]) -> None:
    goals = codebook.add_code(project, "Goals")
    shared = codebook.add_code(project, "Shared goals", parent=goals.id)
    aims = codebook.add_code(project, "Aims")
    targets = codebook.add_code(project, "Targets")
    ana = coding.ensure_coder(project, "Ana")
    coding.add_codings(
        project,
        [coding.CodingSpec(docs[0], c.id, *span("I tried it again")) for c in (aims, targets, goals)],
        ana,
    )
    before = everything(project)
    snapshots = codebook.merge_many(project, [aims.id, targets.id, aims.id], goals.id)
    assert len(snapshots) == 2 and len(coding.list_codings(project)) == 1
    codebook.unmerge_many(project, snapshots)
    assert everything(project) == before
    with pytest.raises(InvalidInput, match="own sub-codes"):
        codebook.merge_codes(project, goals.id, shared.id)
    with pytest.raises(InvalidInput, match="two different"):
        codebook.merge_codes(project, goals.id, goals.id)
    codebook.add_code(project, "Shared goals", parent=aims.id)
    before = everything(project)
    with pytest.raises(InvalidInput, match="both have a sub-code"):
        codebook.merge_many(project, [targets.id, aims.id], goals.id)
    assert everything(project) == before, "a refused merge changes nothing, not even the first source"


def test_starter_codebook_is_complete_and_stable(project: Project, tmp_path) -> None:
    data = json.loads(codebook.starter_codebook_path().read_text(encoding="utf-8"))
    guids: list[str] = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            guids.append(entry["guid"])
            for key in ("definition", "inclusion", "exclusion", "example"):
                assert len(entry[key]) >= 20, (entry["name"], key)
            walk(entry.get("children", []))

    walk(data["codes"])
    assert len(guids) == len(set(guids)) >= 20
    added = codebook.load_starter_codebook(project)
    assert sorted(c.guid for c in added) == sorted(guids)
    from app.services.project import create_project

    with create_project(tmp_path / "other.rapport") as other:
        again = codebook.load_starter_codebook(other)
    assert {(c.guid, c.path) for c in again} == {(c.guid, c.path) for c in added}


def test_starter_codebook_cross_references_name_real_codes() -> None:
    import re

    data = json.loads(codebook.starter_codebook_path().read_text(encoding="utf-8"))
    paths: set[str] = set()
    texts: list[tuple[str, str]] = []

    def walk(entries: list[dict], prefix: str = "") -> None:
        for entry in entries:
            path = f"{prefix}{entry['name']}"
            paths.add(path)
            texts.extend((path, entry[k]) for k in ("definition", "inclusion", "exclusion", "example"))
            walk(entry.get("children", []), path + "/")

    walk(data["codes"])
    for path, text in texts:
        for inside in re.findall(r"\(code ([^)]+)\)", text):
            for name in re.split(r" or |, and |; ", inside):
                if name.strip() not in ("elsewhere",) and not name.startswith("under "):
                    assert name.strip() in paths, f"{path} refers to a code {name!r} that does not exist"


def test_one_code_and_the_keyed_codes_are_read_without_the_whole_codebook(tmp_path) -> None:
    from app.services import codebook as codebook_service
    from app.services.project import create_project

    project = create_project(tmp_path / "keys.rapport")
    try:
        trust = codebook_service.add_code(project, "Trust", color="#27ae60")
        codebook_service.add_code(project, "Rupture")
        codebook_service.update_code(project, trust.id, shortcut=3)
        found = codebook_service.code_fields(project, trust.id)
        assert (found.name, found.color, found.shortcut) == ("Trust", "#27ae60", 3)
        assert codebook_service.code_fields(project, 9999) is None
        assert codebook_service.keyed_codes(project) == [(3, "Trust")]
    finally:
        project.close()

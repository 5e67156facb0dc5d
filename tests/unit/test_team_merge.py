"""Blind copies out, merged back: exactly the union, idempotent, changed texts reported, dry run, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput
from app.services.project import Project, open_project
from app.services.team import merge_copies, send_out_copies, undo_merge
from app.storage.models import Code, Coder, Coding, Document, Memo
from app.storage.queries import project as project_queries
from tests.study import StudyBuilder

TEXT = "Therapist: What brings you here?\nClient: I could not sleep, and I stopped trusting people.\n"


@pytest.fixture
def study(project: Project) -> Project:
    build = StudyBuilder(project).document("D1 s1", TEXT, dyad="D1", session=1, kind="session")
    build.codes("Trust", "Distress").coder("Lead")
    return project


def code(path: Path, coder: str, code_name: str, words: str, memo: str | None = None) -> None:
    with open_project(path) as copy, copy.write() as session:
        document = session.scalars(select(Document)).one()
        coder_row = session.scalars(select(Coder).where(Coder.name == coder)).one()
        code_row = session.scalars(select(Code).where(Code.name == code_name)).first()
        if code_row is None:
            code_row = Code(name=code_name)
            session.add(code_row)
            session.flush()
        start = document.text.index(words)
        coding = Coding(
            document_id=document.id,
            code_id=code_row.id,
            coder_id=coder_row.id,
            start=start,
            end=start + len(words),
        )
        session.add(coding)
        session.flush()
        if memo:
            session.add(Memo(target="coding", coding_id=coding.id, author_id=coder_row.id, text=memo))


def codings(project: Project) -> set[tuple[str, str, str]]:
    with project.read() as session:
        rows = session.execute(
            select(Coder.name, Code.name, Document.text, Coding.start, Coding.end)
            .join(Coder, Coding.coder_id == Coder.id)
            .join(Code, Coding.code_id == Code.id)
            .join(Document, Coding.document_id == Document.id)
        ).all()
    return {(coder, code, text[s:e]) for coder, code, text, s, e in rows}


def test_copies_are_blind_and_merge_into_exactly_the_union(study: Project, tmp_path: Path) -> None:
    ana, ben = send_out_copies(study, ["Ana", "Ben"], tmp_path)
    code(ana, "Ana", "Trust", "I stopped trusting people", memo="a rupture with the world?")
    code(ana, "Ana", "Distress", "I could not sleep")
    code(ben, "Ben", "Trust", "stopped trusting people")
    code(ben, "Ben", "Insomnia", "could not sleep")  # a code Ben made up in his copy
    with open_project(ana, read_only=True) as copy, copy.read() as session:
        assert project_queries.meta(session, "assigned_coder") == "Ana"
        assert project_queries.meta(session, "project_id") != study.project_id

    preview = merge_copies(study, [ana, ben], dry_run=True)
    assert preview.as_dict()["added_codings"] == {"Ana": 2, "Ben": 2}
    assert codings(study) == set()  # the dry run changed nothing

    outcome = merge_copies(study, [ana, ben])
    assert codings(study) == {
        ("Ana", "Trust", "I stopped trusting people"),
        ("Ana", "Distress", "I could not sleep"),
        ("Ben", "Trust", "stopped trusting people"),
        ("Ben", "Insomnia", "could not sleep"),
    }
    assert outcome.copies[1].added_codes == ["Insomnia"]
    with study.read() as session:
        memo = session.scalars(select(Memo)).one()
        assert memo.text == "a rupture with the world?"
        assert session.get(Coder, memo.author_id).name == "Ana"

    again = merge_copies(study, [ana, ben])
    assert again.as_dict()["added_codings"] == {}
    assert sum(c.duplicate_codings for c in again.copies) == 4
    with study.read() as session:
        assert len(session.scalars(select(Memo)).all()) == 1

    undo_merge(study, outcome)
    assert codings(study) == set()
    with study.read() as session:
        assert session.scalars(select(Code.name).order_by(Code.name)).all() == ["Distress", "Trust"]


def test_a_copy_whose_text_changed_is_reported_not_merged(study: Project, tmp_path: Path) -> None:
    (ana,) = send_out_copies(study, ["Ana"], tmp_path)
    code(ana, "Ana", "Trust", "trusting people")
    with open_project(ana) as copy, copy.write() as session:
        document = session.scalars(select(Document)).one()
        document.text = document.text.replace("sleep", "sleep well")
        document.text_hash = "changed"
    outcome = merge_copies(study, [ana])
    assert codings(study) == set()
    assert len(outcome.as_dict()["conflicts"]) == 1
    assert "text differs" in outcome.as_dict()["conflicts"][0]


def test_sending_out_needs_distinct_coders_and_an_existing_folder(study: Project, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        send_out_copies(study, ["Ana", "Ana"], tmp_path)
    with pytest.raises(InvalidInput):
        send_out_copies(study, ["Ana"], tmp_path / "missing")
    with pytest.raises(InvalidInput):
        merge_copies(study, [study.path])


def test_dyad_memos_and_memos_edited_in_a_copy_come_back_without_overwriting(
    study: Project, tmp_path: Path
) -> None:
    from datetime import timedelta

    from app.storage.models import Dyad

    with study.write() as session:
        dyad = session.scalars(select(Dyad)).one()
        session.add(Memo(target="project", title="Aims", text="Study the alliance."))
    [ana] = send_out_copies(study, ["Ana"], tmp_path)
    with open_project(ana) as copy, copy.write() as session:
        copy_dyad = session.scalars(select(Dyad)).one()
        session.add(Memo(target="dyad", dyad_id=copy_dyad.id, text="D1 repairs quickly"))
        aims = session.scalars(select(Memo).where(Memo.title == "Aims")).one()
        aims.text = "Study the alliance, and ruptures."
        aims.updated_at = aims.updated_at + timedelta(minutes=5)
    outcome = merge_copies(study, [ana])
    summary = outcome.copies[0]
    assert (summary.added_memos, summary.changed_memos, summary.skipped_memos) == (2, 1, 0)
    with study.read() as session:
        memos = {(m.target, m.title, m.text, m.dyad_id) for m in session.scalars(select(Memo))}
    assert ("dyad", "", "D1 repairs quickly", dyad.id) in memos
    assert ("project", "Aims", "Study the alliance.", None) in memos  # ours is kept as it was...
    version = f"Aims (version from {summary.copy})"
    assert ("project", version, "Study the alliance, and ruptures.", None) in memos  # ...the copy's beside it
    again = merge_copies(study, [ana]).copies[0]  # merging the same copy again adds nothing
    assert (again.added_memos, again.changed_memos) == (0, 0)

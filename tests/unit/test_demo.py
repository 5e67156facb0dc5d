"""The demo study: built from its sources through the real services, with everything the features need."""

from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from app.domain.errors import NotARapportProject, OperationCancelled
from app.paths import demo_dir
from app.services import codebook, coding, memos, study
from app.services.demo import DemoSourceError, build_demo, resolve_quote
from app.services.project import Project, info, open_project
from tests.demo_copies import copy_of_demo


@pytest.fixture(scope="module")
def demo(demo_original: Path, tmp_path_factory: pytest.TempPathFactory):
    """The study `build_demo` makes (the test process's one build, `demo_original`, copied)."""
    with open_project(copy_of_demo(demo_original, tmp_path_factory.mktemp("demo") / "demo.rapport")) as project:
        yield project


def test_study_structure(demo: Project) -> None:
    dyads = {d.name: d for d in study.list_dyads(demo)}
    assert len(dyads) >= 6
    outcomes = Counter(d.attributes.get("outcome") for d in dyads.values())
    assert outcomes["positive"] >= 3 and outcomes["troubled"] >= 3
    triads = [d for d in dyads.values() if any(role == "interpreter" for _name, role in d.members)]
    assert triads, "one dyad must be interpreter-mediated"
    assert {d.attributes.get("outcome") for d in dyads.values()} == {"positive", "troubled"}
    documents = study.list_documents(demo)
    by_session: dict[tuple[str, int], set[tuple[str, str | None]]] = defaultdict(set)
    for doc in documents:
        by_session[(doc.dyad, doc.session)].add((doc.kind, doc.perspective))
    for dyad in dyads.values():
        assert len(dyad.sessions) >= 2
        for number in dyad.sessions:
            assert {("session", None), ("recall", "client"), ("recall", "therapist")} <= by_session[
                (dyad.name, number)
            ]
    people = {p.name: p for p in study.list_participants(demo)}
    assert people["T01"].attributes["years_of_practice"] == "19"
    assert people["C02"].attributes["first_language"] == "Farsi"


def test_transcripts_are_substantial_and_timed(demo: Project) -> None:
    for summary in study.list_documents(demo):
        doc = study.get_document(demo, summary.id)
        words = len(doc.text.split())
        # D01 and D02 are full sessions; the four dyads added for the CQR cross-analysis are shorter excerpts.
        shortest = 550 if doc.dyad in ("D01", "D02") else 150
        assert shortest <= words <= 1600, (doc.name, words)
        assert all(t.speaker for t in doc.turns), doc.name
        if doc.kind == "session":
            assert all(t.time_start_ms is not None for t in doc.turns), doc.name
            assert {"Therapist", "Client"} <= {t.speaker for t in doc.turns}
        else:
            refs = {t.video_ref_ms for t in doc.turns if t.video_ref_ms is not None}
            assert len(refs) >= 5, f"{doc.name} refers to only {len(refs)} video moments"
    triad = [d for d in study.list_documents(demo) if d.dyad == "D02" and d.kind == "session"]
    speakers = {t.speaker for t in study.get_document(demo, triad[0].id).turns}
    assert "Interpreter" in speakers


def test_recall_references_point_at_session_moments(demo: Project) -> None:
    """A `[video t]` in a recall interview names a moment that starts a turn of the same session's transcript."""
    documents = study.list_documents(demo)
    sessions = {(d.dyad, d.session): d for d in documents if d.kind == "session"}
    for summary in (d for d in documents if d.kind == "recall"):
        session_doc = study.get_document(demo, sessions[(summary.dyad, summary.session)].id)
        starts = {t.time_start_ms for t in session_doc.turns}
        recall = study.get_document(demo, summary.id)
        refs = {t.video_ref_ms for t in recall.turns if t.video_ref_ms is not None}
        assert refs <= starts, (summary.name, sorted(refs - starts))


def test_two_coders_who_partly_agree(demo: Project) -> None:
    rows = coding.list_codings(demo)
    per_coder = Counter(r.coder for r in rows)
    assert set(per_coder) == {"Ana", "Ben"} and min(per_coder.values()) >= 40
    spans = {
        name: {(r.document_id, r.code_id, r.start, r.end) for r in rows if r.coder == name}
        for name in per_coder
    }
    assert spans["Ana"] & spans["Ben"], "some codings are identical"
    assert spans["Ana"] ^ spans["Ben"], "and some differ"
    overlapping = [
        (a, b)
        for a in spans["Ana"]
        for b in spans["Ben"]
        if a[:2] == b[:2] and a != b and a[2] < b[3] and b[2] < a[3]
    ]
    assert len(overlapping) >= 10, "overlapping but unequal spans of the same code"
    codes = {name: {r.code for r in rows if r.coder == name} for name in per_coder}
    assert codes["Ana"] - codes["Ben"] or codes["Ben"] - codes["Ana"], "a code only one coder used"
    usage = codebook.code_usage(demo)
    assert sum(n for n, _docs in usage.values()) == len(rows)
    for row in rows:  # every coding covers words that are really there
        assert row.text.strip() == row.text and len(row.text) >= 10


def test_memos_and_counts(demo: Project) -> None:
    counts = info(demo)
    assert counts.documents == 36 and counts.coders == 2 and counts.codes >= 20 and counts.memos >= 5
    targets = Counter(m.target for m in memos.list_memos(demo))
    assert {"project", "dyad", "document", "code", "coding"} <= set(targets)
    anchored = [m for m in memos.list_memos(demo, "document") if m.start is not None]
    doc = study.get_document(demo, anchored[0].document_id)
    assert doc.text[anchored[0].start : anchored[0].end].startswith("She is worried about her son")
    assert all(m.author_id is not None for m in memos.list_memos(demo))


def test_resolve_quote_is_loud() -> None:
    text = "I said okay. Then I said okay again."
    assert resolve_quote(text, "Then") == (13, 17)
    assert resolve_quote(text, "okay", 2) == (25, 29)
    with pytest.raises(DemoSourceError, match="occurs 2 times"):
        resolve_quote(text, "okay")
    with pytest.raises(DemoSourceError, match="not in the document"):
        resolve_quote(text, "never said")
    with pytest.raises(DemoSourceError, match="not 3"):
        resolve_quote(text, "okay", 3)


def _copy_sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(demo_dir(), folder)
    return folder


def test_an_edited_transcript_that_loses_a_quote_stops_the_build(tmp_path: Path) -> None:
    sources = _copy_sources(tmp_path)
    session = sources / "D01_s1_session.txt"
    session.write_text(session.read_text(encoding="utf-8").replace("Eleven years.", "Ten years."), "utf-8")
    target = tmp_path / "demo.rapport"
    with pytest.raises(DemoSourceError, match=r"D01_s1_session.*Eleven years"):
        build_demo(target, source=sources)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources"]


def test_an_unknown_code_in_the_codings_stops_the_build(tmp_path: Path) -> None:
    sources = _copy_sources(tmp_path)
    data = json.loads((sources / "codings.json").read_text(encoding="utf-8"))
    data["codings"]["D01_s1_session"][0][1] = "Bond/Nonexistent"
    (sources / "codings.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DemoSourceError, match="Bond/Nonexistent"):
        build_demo(tmp_path / "demo.rapport", source=sources)
    assert not (tmp_path / "demo.rapport").exists()


def test_cancel_and_existing_file(tmp_path: Path) -> None:
    seen: list[str] = []
    with pytest.raises(OperationCancelled):
        build_demo(
            tmp_path / "demo.rapport",
            progress=lambda done, total, message: seen.append(message),
            cancelled=lambda: len(seen) >= 3,
        )
    assert list(tmp_path.iterdir()) == []
    existing = tmp_path / "taken.rapport"
    existing.write_bytes(b"keep me")
    with pytest.raises(NotARapportProject, match="already exists"):
        build_demo(existing)
    assert existing.read_bytes() == b"keep me"


def test_cqr_examples(demo: Project) -> None:
    """Core ideas rest on real codings, and the audit has an answered and an open comment."""
    from app.services import cqr, cqr_audit

    grid = cqr.core_idea_grid(demo, "dyad")
    assert len(grid.ideas) >= 6
    linked = [c for idea in grid.ideas.values() for c in idea.excerpts]
    assert linked and len(cqr.excerpts(demo, linked)) == len(set(linked))
    assert {c.status for c in cqr_audit.list_comments(demo)} == {"kept", "open"}
    by_outcome = cqr.cross_analysis(demo, "outcome")
    assert [(g.name, len(g.cases)) for g in by_outcome.groups] == [("positive", 3), ("troubled", 3)]
    assert sum(1 for c in by_outcome.categories if by_outcome.marked(c.id)) >= 5

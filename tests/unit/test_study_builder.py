"""The test study builder (tests/study.py) writes what it is asked to, through the services, and its presets
hold what their docstrings promise."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services import code_sets, codebook, coding, memos, session_video, study
from app.storage import models as m
from tests.study import Study, StudyBuilder, span_of
from tests.study_presets import (
    agreement_study,
    comparison_study,
    cqr_study,
    exchange_study,
    rating_study,
    row_counts,
    small_study,
)

SESSION = "[00:00:05] Therapist: How was the week?\n[00:00:09] Client: I trust you more now. I trust it.\n"
RECALL = "Researcher: [video 00:00:09] What happened?\nClient: I felt heard.\n"


def test_span_of_finds_the_nth_occurrence() -> None:
    assert span_of("a trust, b trust", "trust") == (2, 7)
    assert span_of("a trust, b trust", "trust", occurrence=1) == (11, 16)
    with pytest.raises(ValueError):
        span_of("a trust", "trust", occurrence=1)


def test_documents_are_imported_with_their_place_in_the_study_and_their_turns(project) -> None:
    built = (
        StudyBuilder(project)
        .document(
            "s1", SESSION, name="D01 session 1", dyad="D01", session=1, perspective="client", kind="session"
        )
        .document("r1", RECALL, dyad="D01", session=1, perspective="client", kind="recall", participant="C01")
        .study
    )
    session_doc = study.get_document(project, built.documents["s1"])
    assert (session_doc.name, session_doc.dyad, session_doc.session, session_doc.kind) == (
        "D01 session 1", "D01", 1, "session"
    )  # fmt: skip
    assert [(t.speaker, t.time_start_ms) for t in session_doc.turns] == [
        ("Therapist", 5000),
        ("Client", 9000),
    ]
    recall = study.get_document(project, built.documents["r1"])
    assert recall.name == "r1" and recall.turns[0].video_ref_ms == 9000
    assert built.texts == {"s1": SESSION, "r1": RECALL}
    assert [(p.name, p.role, p.dyads) for p in study.list_participants(project)] == [
        ("C01", "client", ["D01"])
    ]


def test_files_are_imported_in_one_batch_keyed_by_their_stems(project, tmp_path) -> None:
    (tmp_path / "D01_s1.txt").write_text(SESSION, encoding="utf-8")
    (tmp_path / "D01_r1.txt").write_text(RECALL, encoding="utf-8")
    built = (
        StudyBuilder(project)
        .files(tmp_path / "D01_s1.txt", tmp_path / "D01_r1.txt", dyad="D01", session=1, perspective="client",
               participant="C01")
        .study
    )  # fmt: skip
    assert built.texts == {"D01_s1": SESSION, "D01_r1": RECALL}
    assert [d.dyad for d in study.list_documents(project)] == ["D01", "D01"]
    with pytest.raises(AssertionError):
        StudyBuilder(project).files(tmp_path / "missing.txt")


def test_people_dyads_and_videos_get_their_attributes(project) -> None:
    (
        StudyBuilder(project)
        .document("s1", SESSION, dyad="D01", session=1, kind="session")
        .participant("T01", "therapist", "D01", orientation="CBT")
        .participant_attributes("T01", {"years of practice": 12})
        .dyad_attributes("D01", {"outcome": "good"})
        .video("D01", 1, "/nowhere/d01.mp4")
    )
    (therapist,) = study.list_participants(project)
    assert (therapist.name, therapist.dyads) == ("T01", ["D01"])
    assert therapist.attributes == {"orientation": "CBT", "years of practice": "12"}
    assert study.list_dyads(project)[0].attributes == {"outcome": "good"}
    assert session_video.session_video(project, "D01", 1) == "/nowhere/d01.mp4"


def test_codes_form_a_hierarchy_with_every_field(project) -> None:
    built = (
        StudyBuilder(project)
        .code("bond", "Bond", color="#4477aa", definition="The bond.")
        .code("trust", "Trust", parent="bond", shortcut=3, inclusion="Says so.", exclusion="Politeness.",
              example='"I trust you"')
        .codes("Low", "High", parent="trust")
        .code("other", "Other", codable=False)
        .mark_set("trust")
        .study
    )  # fmt: skip
    trust = codebook.code_fields(project, built.codes["trust"])
    assert (trust.parent_id, trust.shortcut, trust.inclusion, trust.exclusion, trust.example) == (
        built.codes["bond"], 3, "Says so.", "Politeness.", '"I trust you"'
    )  # fmt: skip
    bond = codebook.code_fields(project, built.codes["bond"])
    assert (bond.color, bond.definition) == ("#4477aa", "The bond.")
    assert codebook.code_fields(project, built.codes["other"]).codable is False
    assert [v.name for v in code_sets.read_code_set(project, built.codes["trust"]).values] == ["Low", "High"]
    with pytest.raises(TypeError):
        StudyBuilder(project).code("x", colour="#000000")


def test_codings_by_phrase_or_span_with_coders_memos_and_sets(project) -> None:
    built = (
        StudyBuilder(project)
        .document("s1", SESSION, dyad="D01", session=1, kind="session")
        .code("trust", "Trust")
        .coder("ana", "Ana", color="#aa3377")
        .coding("s1", "trust", "I trust", coder="ana", key="first")
        .coding("s1", "trust", "I trust", coder="ana", occurrence=1, key="second")
        .coding("s1", "trust", span=(0, 10), coder="Ben")  # a coder not declared yet is made on the way
        .memo("project", title="Study", text="All of it.", author="ana")
        .memo("coding", "first", text="Said twice.", key="on coding")
        .memo("document", "s1", phrase="more now", text="Anchored.", key="anchored")
        .memo("dyad", "D01", text="Fast alliance.")
        .refi_set("set", "Themes", codes=["trust"], documents=["s1"], description="For the paper")
        .study
    )
    assert [(c.start, c.end) for c in coding.codings_for_document(project, built.documents["s1"])] == [
        (0, 10), span_of(SESSION, "I trust"), span_of(SESSION, "I trust", 1)
    ]  # fmt: skip
    coders = {c.name: c.color for c in coding.list_coders(project)}
    assert coders["Ana"] == "#aa3377" and set(built.coders) == {"ana", "Ben"}
    by_target = {memo.target: memo for memo in memos.list_memos(project)}
    assert by_target["coding"].target_id == built.codings["first"] and "second" in built.codings
    assert by_target["project"].author_id == built.coders["ana"]
    anchored = next(memo for memo in memos.list_memos(project) if memo.id == built.memos["anchored"])
    assert SESSION[anchored.start : anchored.end] == "more now"
    assert by_target["dyad"].target_id == study.list_dyads(project)[0].id
    with project.read() as session:
        members = session.execute(select(m.SetMember.code_id, m.SetMember.document_id)).all()
        assert session.get(m.CodeSet, built.sets["set"]).description == "For the paper"
    assert sorted(members, key=str) == sorted(
        [(built.codes["trust"], None), (None, built.documents["s1"])], key=str
    )
    with pytest.raises(TypeError):
        StudyBuilder(project, built).coding("s1", "trust", "I trust", span=(0, 1), coder="ana")
    with pytest.raises(AssertionError, match="already coded"):
        StudyBuilder(project, built).coding("s1", "trust", span=(0, 10), coder="Ben")


def test_a_builder_continues_a_study_it_is_given(project) -> None:
    built = StudyBuilder(project).document("s1", SESSION).code("trust", "Trust").study
    StudyBuilder(project, built).coder("ana", "Ana").coding("s1", "trust", "trust you", coder="ana", key="k")
    assert coding.codings_by_ids(project, [built.codings["k"]])[0].code_id == built.codes["trust"]


def test_a_study_made_elsewhere_is_found_by_names(project) -> None:
    built = StudyBuilder(project).document("s1", SESSION, name="D01 s1").code("bond", "Bond")
    built = built.code("trust", "Trust", parent="bond").coder("ana", "Ana").study
    found = Study.of(project)
    assert found.documents == {"D01 s1": built.documents["s1"]} and found.texts == {"D01 s1": SESSION}
    assert found.codes == {"Bond": built.codes["bond"], "Bond/Trust": built.codes["trust"]}
    assert found.coders == {"Ana": built.coders["ana"]}


def test_a_large_codebook_and_bulk_codings(project) -> None:
    build = (
        StudyBuilder(project)
        .document("s1", SESSION)
        .large_codebook(7, themes=3, colors=["#111111", "#222222"])
    )
    assert list(build.study.codes) == [
        "Theme 0",
        "Theme 1",
        "Theme 2",
        "Code 0",
        "Code 1",
        "Code 2",
        "Code 3",
    ]
    code_3 = codebook.code_fields(project, build.study.codes["Code 3"])
    assert (code_3.parent_id, code_3.color) == (build.study.codes["Theme 0"], "#222222")
    build.codings("Bench", [("s1", "Code 0", 0, 5), ("s1", "Theme 1", 3, 9)])
    records = coding.codings_for_document(project, build.study.documents["s1"])
    assert [(r.code_id, r.start, r.end, r.coder_id) for r in records] == [
        (build.study.codes["Code 0"], 0, 5, build.study.coders["Bench"]),
        (build.study.codes["Theme 1"], 3, 9, build.study.coders["Bench"]),
    ]


# -- the presets hold what they promise --------------------------------------------------------------------


def _codings(project) -> int:
    return row_counts(project)["codings"]


def test_small_study(project) -> None:
    built = small_study(project)
    assert (len(built.documents), len(built.codes), _codings(project)) == (4, 5, 5)
    assert codebook.code_fields(project, built.codes["safety"]).parent_id == built.codes["trust"]


def test_comparison_study(project) -> None:
    built = comparison_study(project, media_path="/nowhere/s1.mp4")
    assert set(built.codings) == {"trust_c_ana", "trust_c_ben", "trust_t", "competence_t", "rupture_c1",
                                  "rupture_c2", "transcript"}  # fmt: skip
    assert session_video.session_video(project, "D01", 1) == "/nowhere/s1.mp4"


def test_cqr_study(project) -> None:
    built = cqr_study(project)
    assert (len(built.documents), len(study.list_dyads(project)), _codings(project)) == (12, 6, 14)


def test_exchange_study(project) -> None:
    exchange_study(project)
    counts = row_counts(project)
    assert (counts["documents"], counts["codes"], counts["codings"], counts["memos"]) == (3, 4, 4, 6)
    assert (counts["participants"], counts["attribute_values"], counts["set_members"]) == (2, 6, 3)


def test_agreement_and_rating_studies(project, tmp_path) -> None:
    built = agreement_study(project)
    assert list(built.documents.values()) == [1, 2, 3] and _codings(project) == 6
    from app.services.project import create_project

    with create_project(tmp_path / "ratings.rapport") as other:
        rated = rating_study(other, [[1, 2, None], [1, 1, 2]], values=("Low", "High"))
        assert (len(rated.documents), sorted(rated.coders), _codings(other)) == (3, ["C1", "C2"], 5)

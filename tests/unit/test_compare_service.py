"""The comparison service on a real project: matrix counts and coverage, moments, sessions, coders, groups."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput, NotFound
from app.services.compare import (
    compare_dyad,
    compare_groups,
    parse_sessions,
    session_timeline,
    side_by_side,
)
from tests.study_presets import (
    COMPARE_CLIENT_WORDS,
    COMPARE_CLIENT_WORDS_SESSION_1,
    COMPARE_THERAPIST_WORDS,
    add_outcome_dyad,
    comparison_study,
)

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def test_matrix_counts_and_coverage_per_perspective(project) -> None:
    comparison_study(project)
    result = compare_dyad(project, "D01")
    assert result.perspectives == ("client", "therapist")
    assert {p: (c.documents, c.words) for p, c in result.corpora.items()} == {
        "client": (2, COMPARE_CLIENT_WORDS),
        "therapist": (1, COMPARE_THERAPIST_WORDS),
    }
    assert [r.path for r in result.rows] == ["Alliance", "Alliance/Trust", "Rupture", "Competence"]
    trust = result.row(result.rows[1].code_id)
    assert trust is not None
    client, therapist = trust.cells["client"], trust.cells["therapist"]
    assert (client.codings, client.documents, client.coded_words, client.total_words) == (
        2,
        1,
        5,
        COMPARE_CLIENT_WORDS,
    )
    assert (therapist.codings, therapist.documents, therapist.coded_words) == (1, 1, 5)
    assert therapist.coverage == pytest.approx(5 / COMPARE_THERAPIST_WORDS)
    assert result.rows[0].cells == trust.cells  # Alliance rolls up its only child
    rupture = result.rows[2].cells["client"]
    assert (rupture.codings, rupture.documents, rupture.coded_words) == (2, 2, 5)  # transcript coding ignored


def test_one_session_and_a_range(project) -> None:
    study = comparison_study(project)
    first = compare_dyad(project, "D01", sessions=1)
    assert first.sessions == (1,)
    rupture = next(r for r in first.rows if r.name == "Rupture").cells["client"]
    assert (rupture.codings, rupture.total_words) == (1, COMPARE_CLIENT_WORDS_SESSION_1)
    second = compare_dyad(project, "D01", sessions="2")
    assert second.perspectives == ("client",)
    assert [r.name for r in second.rows] == ["Rupture"]
    assert second.one_sided == []  # only one perspective present in session 2
    assert (
        compare_dyad(project, "D01", sessions=range(1, 3)).as_json() == compare_dyad(project, "D01").as_json()
    )
    with pytest.raises(NotFound, match="no session 7"):
        compare_dyad(project, "D01", sessions=7)
    assert study.codings


def test_shared_moment_inside_the_window_and_not_outside(project) -> None:
    study = comparison_study(project)
    moments = compare_dyad(project, "D01").shared_moments
    assert len(moments) == 1
    moment = moments[0]
    assert (moment.code, moment.session, moment.time_ms, moment.end_ms) == (
        "Alliance/Trust",
        1,
        12_000,
        20_000,
    )
    assert moment.codings == {
        "client": [study.codings["trust_c_ana"], study.codings["trust_c_ben"]],
        "therapist": [study.codings["trust_t"]],
    }
    assert compare_dyad(project, "D01", window_s=8).shared_moments  # 8 s apart: inclusive
    assert compare_dyad(project, "D01", window_s=7.9).shared_moments == []
    with pytest.raises(InvalidInput):
        compare_dyad(project, "D01", window_s=-1)


def test_recall_reference_is_inherited_by_the_answer_turn(project) -> None:
    study = comparison_study(project)
    result = compare_dyad(project, "D01")
    client_trust = result.excerpt(study.codings["trust_c_ana"])
    assert client_trust is not None
    # The client's answer turn has no marker; the researcher's question before it showed 00:00:12.
    assert "[video" not in study.texts["c1"][client_trust.start - 8 : client_trust.end]
    assert (client_trust.video_ref_ms, client_trust.speaker) == (12_000, "Client")
    relief = result.excerpt(study.codings["rupture_c1"])
    assert relief is not None and relief.video_ref_ms == 300_000


def test_one_sided_themes(project) -> None:
    comparison_study(project)
    result = compare_dyad(project, "D01")
    assert [(o.code, o.perspective) for o in result.one_sided] == [
        ("Rupture", "client"),
        ("Competence", "therapist"),
    ]


def test_coder_filter_and_unknown_names(project) -> None:
    comparison_study(project)
    ben = compare_dyad(project, "D01", coders=["Ben"])
    assert [r.path for r in ben.rows] == ["Alliance", "Alliance/Trust"]
    assert ben.rows[1].cells["client"].coded_words == 3  # "trust her yet"
    assert ben.shared_moments == []
    with pytest.raises(NotFound):
        compare_dyad(project, "D01", coders=["Nobody"])
    with pytest.raises(NotFound):
        compare_dyad(project, "D99")
    assert compare_dyad(project, "D01", include_empty=True).row(
        next(r.code_id for r in compare_dyad(project, "D01", include_empty=True).rows if r.name == "Humour")
    )


def test_parse_sessions() -> None:
    assert parse_sessions(None) is None
    assert parse_sessions("all") is None
    assert parse_sessions("3") == 3
    assert parse_sessions("1..3") == range(1, 4)
    assert parse_sessions("2-4") == range(2, 5)
    with pytest.raises(InvalidInput):
        parse_sessions("3..1")
    with pytest.raises(InvalidInput):
        parse_sessions("first")


def test_side_by_side_aligns_by_video_moment(project) -> None:
    study = comparison_study(project)
    view = side_by_side(project, "D01", "Alliance")  # the parent includes Trust
    assert view.perspectives == ("client", "therapist")
    cells = [{p: (e.coding_id if e else None) for p, e in row.cells.items()} for row in view.rows]
    assert cells == [
        {"client": study.codings["trust_c_ana"], "therapist": study.codings["trust_t"]},
        {"client": study.codings["trust_c_ben"], "therapist": None},
    ]
    first = view.rows[0].cells["therapist"]
    assert first is not None
    assert (first.document_id, first.session, first.video_ref_ms, first.text, first.speaker) == (
        study.documents["t1"],
        1,
        20_000,
        "I felt no trust yet",
        "Therapist",
    )


def test_session_timeline(project) -> None:
    study = comparison_study(project, media_path="/nowhere/session1.mp4")
    timeline = session_timeline(project, "D01", 1)
    assert timeline.media_path == "/nowhere/session1.mp4"
    assert timeline.perspectives == ("client", "therapist")
    assert [m.video_ref_ms for m in timeline.marks] == [12_000, 12_000, 20_000, 240_000, 300_000]
    assert timeline.duration_ms == 300_000
    # A moment at 00:01:00 falls in the client's turn that began at 00:00:12.
    doc, start, end = timeline.transcript_position(60_000)
    assert doc == study.documents["s1"]
    assert study.texts["s1"][start:end].startswith("[00:00:12] Client:")
    assert timeline.transcript_position(0)[1] == 0


def test_grouping_by_attribute(project) -> None:
    study = comparison_study(project)
    add_outcome_dyad(study, "D02", "troubled", {"client": ["Rupture"], "therapist": ["Rupture", "Trust"]})
    add_outcome_dyad(study, "D03", "positive", {"client": ["Trust"], "therapist": ["Competence"]})
    add_outcome_dyad(study, "D04", None, {"client": ["Trust"]})
    from app.services.study import set_dyad_attributes

    set_dyad_attributes(project, "D01", {"outcome": "positive"})
    result = compare_groups(project, "Outcome")
    assert result.groups == ["positive", "troubled", "(no value)"]
    assert result.dyads == {"positive": ["D01", "D03"], "troubled": ["D02"], "(no value)": ["D04"]}
    trust = next(r for r in result.rows if r.path == "Alliance/Trust")
    client_positive = trust.cells[("positive", "client")]
    assert (client_positive.dyads_raised, client_positive.dyads, client_positive.codings) == (2, 2, 3)
    assert client_positive.prevalence == 1.0
    assert trust.cells[("positive", "therapist")].dyads_raised == 1
    assert trust.cells[("troubled", "client")].prevalence == 0.0
    assert trust.cells[("troubled", "therapist")].prevalence == 1.0
    rupture = next(r for r in result.rows if r.path == "Rupture")
    assert rupture.cells[("positive", "client")].dyads_raised == 1
    assert rupture.cells[("positive", "client")].codings == 2  # transcript coding has no perspective
    alliance = next(r for r in result.rows if r.path == "Alliance")
    assert alliance.cells[("troubled", "therapist")].dyads_raised == 1  # rolled up from Trust
    data = result.as_json()
    assert data["codes"][1]["groups"]["positive"]["client"] == {
        "dyads": 2,
        "of": 2,
        "prevalence": 1.0,
        "codings": 3,
    }
    with pytest.raises(NotFound, match="outcome"):
        compare_groups(project, "severity")
    first_sessions = compare_groups(project, "outcome", sessions=2)
    assert [r.path for r in first_sessions.rows] == ["Rupture"]

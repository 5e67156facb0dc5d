"""Code all hits once: what the coder already coded with the code is skipped or extended, never coded twice."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidInput, NotFound
from app.services import coding, search, search_coding
from app.services.codebook import add_code
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

SESSION = (
    "[00:00:05] Therapist: How have you been since we last met?\n"
    "[00:00:09] Client: I trusted my sister again. It felt safe to talk.\n"
    "[00:00:21] Therapist: You trusted her. What made it feel safe?\n"
)


@pytest.fixture
def study(project):
    built = (
        StudyBuilder(project)
        .document("D01 session 1", SESSION, dyad="D01", session=1, perspective="client", kind="session")
        .coder("Ana")
        .code("Trust")
        .study
    )
    return project, built.documents["D01 session 1"], built.coders["Ana"], built.codes["Trust"]


def texts_of(project, code_id, coder_id) -> list[str]:
    return sorted(
        SESSION[c.start : c.end] for c in coding.list_codings(project, code=code_id) if c.coder_id == coder_id
    )


def test_a_second_run_adds_nothing_and_says_what_it_skipped(study):
    project, _, ana, trust = study
    request = search.SearchRequest("trusted")
    first = search_coding.code_search_hits(project, request, trust, ana, "sentence")
    assert (first.hits, first.coded, first.extended, first.skipped) == (2, 2, 0, 0)
    assert texts_of(project, trust, ana) == ["I trusted my sister again.", "You trusted her."]

    second = search_coding.code_search_hits(project, request, trust, ana, "sentence")
    assert (second.coded, second.extended, second.skipped) == (0, 0, 2)
    assert second.created == ()
    assert len(coding.list_codings(project, code=trust)) == 2
    assert second.summary("Trust") == "Coded 0 passages with Trust; 2 passages already coded were skipped."


def test_a_hit_inside_a_wider_coding_is_skipped_not_nested(study):
    project, _, ana, trust = study
    search_coding.code_search_hits(project, search.SearchRequest("trusted"), trust, ana, "turn")
    # Sentences and words inside turns already coded with Trust by Ana: nothing new.
    for scope in ("sentence", "match"):
        report = search_coding.code_search_hits(project, search.SearchRequest("trusted"), trust, ana, scope)
        assert (report.coded, report.extended, report.skipped) == (0, 0, 2)
    assert len(coding.list_codings(project, code=trust)) == 2


def test_a_partly_coded_hit_extends_that_coding_and_undo_shrinks_it_back(study):
    project, document, ana, trust = study
    start = SESSION.index("trusted my")
    [manual] = coding.add_codings(project, [coding.CodingSpec(document, trust, start, start + 7)], ana)
    report = search_coding.code_search_hits(project, search.SearchRequest("sister"), trust, ana, "sentence")
    assert (report.coded, report.extended, report.skipped) == (0, 1, 0)
    assert texts_of(project, trust, ana) == ["I trusted my sister again."]
    [grown] = coding.list_codings(project, code=trust)
    assert grown.id == manual.id  # the same coding, wider: its memos and anchor stay with it

    search_coding.undo_hit_coding(project, report)
    assert texts_of(project, trust, ana) == ["trusted"]


def test_another_coder_or_code_does_not_count_as_covered(study):
    project, _, ana, trust = study
    ben = coding.ensure_coder(project, "Ben")
    safety = add_code(project, "Safety").id
    search_coding.code_search_hits(project, search.SearchRequest("trusted"), trust, ana, "turn")
    by_ben = search_coding.code_search_hits(project, search.SearchRequest("trusted"), trust, ben, "turn")
    other_code = search_coding.code_search_hits(project, search.SearchRequest("trusted"), safety, ana, "turn")
    assert (by_ben.coded, by_ben.skipped) == (2, 0)
    assert (other_code.coded, other_code.skipped) == (2, 0)


def test_undo_removes_what_was_created(study):
    project, _, ana, trust = study
    report = search_coding.code_search_hits(project, search.SearchRequest("safe"), trust, ana, "match")
    assert report.coded == 2
    search_coding.undo_hit_coding(project, report)
    assert coding.list_codings(project, code=trust) == []


def test_ranges_from_any_search_backend_are_coded_once(study):
    project, document, ana, trust = study
    ranges = [(document, 0, 10), (document, 2, 8), (document, 0, 10)]
    report = search_coding.code_ranges(project, ranges, trust, ana)
    assert (report.coded, report.skipped) == (1, 1)


def test_refusals_change_nothing(study):
    project, document, ana, trust = study
    request = search.SearchRequest("trusted")
    with pytest.raises(InvalidInput):
        search_coding.code_search_hits(project, request, trust, ana, "paragraph")
    with pytest.raises(NotFound):
        search_coding.code_search_hits_as(project, request, "No such code", "Cleo")
    with pytest.raises(InvalidInput):
        search_coding.code_ranges(project, [(document, 5, 5000)], trust, ana)
    assert [c.name for c in coding.list_coders(project)] == ["Ana"]
    assert coding.list_codings(project) == []


def test_coding_hits_says_exactly_which_codings_it_made_and_widened_in_one_announcement(study):
    project, document, ana, trust = study
    start = SESSION.index("trusted my")
    [manual] = coding.add_codings(project, [coding.CodingSpec(document, trust, start, start + 7)], ana)
    heard = []
    project.subscribe(heard.append)
    report, _name = search_coding.code_search_hits_as(
        project, search.SearchRequest("trusted OR safe"), trust, "Ana", "sentence"
    )
    [change] = heard  # the coder lookup and the codings: one action
    assert change.only_codings and change.codes == {trust}
    assert change.coding_ids_added == {r.id for r in report.created} and report.created
    assert change.coding_ids_changed == {manual.id}
    heard.clear()
    search_coding.undo_hit_coding(project, report)
    [undone] = heard
    assert undone.coding_ids_removed == {r.id for r in report.created}
    assert undone.coding_ids_changed == {manual.id}


def test_coding_hits_as_a_new_coder_is_one_announcement(study):
    project, _, _ana, trust = study
    heard = []
    project.subscribe(heard.append)
    search_coding.code_search_hits_as(project, search.SearchRequest("trusted"), trust, "Newcomer", "turn")
    [change] = heard
    assert change.coders and change.codings

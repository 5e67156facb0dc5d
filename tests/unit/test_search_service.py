"""Full-text search on real projects: known answers, exact offsets, filters, index upkeep, code all hits."""

from __future__ import annotations

import pytest

from app.domain.errors import NotFound, SearchError
from app.services import coding, search, search_coding
from app.services.codebook import add_code
from app.services.editing import (
    document_history,
    edit_document_text,
    merge_turn_with_next,
    relabel_speaker,
    restore_turns,
    split_turn,
)
from app.services.importing import DocumentMeta, import_text
from app.services.memos import add_memo, update_memo
from app.services.study import delete_documents, restore_documents, update_document
from tests.study import Study, StudyBuilder
from tests.study_templates import template

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

SESSION_ONE = (
    "[00:00:05] Therapist: How have you been since we last met? 😀\n"
    "[00:00:09] Client: I trusted my sister again. It felt safe\n"
    "to talk, and I was not judged.\n"
    "[00:00:21] Therapist: You trusted her. What made it feel safe?\n"
    "[00:00:30] Client: Honestly, 🙂 I'm not sure. Maybe trusting is easier now.\n"
)
RECALL = (
    "[00:00:02] Researcher: [video 00:00:21] What did you notice here?\n"
    "[00:00:07] Client: I felt judged there, I think. Not safe at all.\n"
)
SESSION_TWO = "Therapist: Let us talk about your father.\nClient: My father never listened. Never.\n"


@template
def search_study(project) -> Study:
    """Sessions of D01 (emoji, a turn over two lines) and D02, and D01's client recall."""
    return (
        StudyBuilder(project)
        .document("one", SESSION_ONE, name="D01 session 1", dyad="D01", session=1, perspective="client",
                  kind="session")
        .document("recall", RECALL, name="D01 recall client", dyad="D01", session=1, perspective="client",
                  kind="recall")
        .document("two", SESSION_TWO, name="D02 session 1", dyad="D02", session=1, perspective="therapist",
                  kind="session")
        .study
    )  # fmt: skip


@pytest.fixture
def study(project):
    built = search_study(project)
    ids = tuple(built.documents.values())
    return project, {built.documents[key]: text for key, text in built.texts.items()}, ids


def matched_words(result, texts) -> list[str]:
    return [texts[hit.document_id][s:e] for hit in result.hits for s, e in hit.matches]


def test_word_matches_that_word_with_exact_offsets(study):
    project, texts, (_one, _recall, _two) = study
    assert search.search(project, "trust").total == 0  # no stemming: inflections are found with trust*
    assert matched_words(search.search(project, "TRUSTED"), texts) == ["trusted", "trusted"]
    result = search.search(project, "trust*")
    assert result.total == 3
    assert matched_words(result, texts) == ["trusted", "trusted", "trusting"]
    for hit in result.hits:
        turn = texts[hit.document_id][hit.start : hit.end]
        assert hit.speaker in turn
        assert all(hit.start <= s < e <= hit.end for s, e in hit.matches)


def test_offsets_after_emoji_are_code_points(study):
    project, texts, (one, _, _) = study
    result = search.search(project, "easier")
    [hit] = result.hits
    [(s, e)] = hit.matches
    assert texts[one][s:e] == "easier"
    assert s == SESSION_ONE.index("easier")  # 🙂 before it counts as one position, not two
    assert hit.snippet[slice(*hit.snippet_matches[0])] == "easier"


def test_exact_field_is_the_text(study):
    project, texts, _ = study
    result = search.search(project, "exact:trusting")
    assert matched_words(result, texts) == ["trusting"]


def test_phrase_across_a_line_break_is_one_match(study):
    project, texts, (one, _, _) = study
    result = search.search(project, '"safe to talk"')
    assert result.total == 1
    [hit] = result.hits
    assert hit.document_id == one
    assert [texts[one][s:e] for s, e in hit.matches] == ["safe\nto talk"]
    assert "safe to talk" in hit.snippet  # line breaks show as spaces


def test_long_phrase_and_phrase_with_no_match(study):
    project, texts, _ = study
    assert matched_words(search.search(project, '"it felt safe to talk"'), texts) == ["It felt safe\nto talk"]
    assert search.search(project, '"safe talk"').total == 0


def test_boolean_queries(study):
    project, texts, (one, recall, _two) = study
    both = search.search(project, "safe AND judged")
    assert [(h.document_id, h.speaker) for h in both.hits] == [(one, "Client"), (recall, "Client")]
    assert sorted(matched_words(both, texts)) == ["judged", "judged", "safe", "safe"]
    either = search.search(project, "father OR notice")
    assert either.total == 3
    without = search.search(project, "safe NOT judged")
    assert [(h.document_id, h.speaker) for h in without.hits] == [(one, "Therapist")]
    assert matched_words(without, texts) == ["safe"]  # the negated word is never highlighted


def test_wildcard_matches_words_not_stems(study):
    project, texts, _ = study
    result = search.search(project, "trust*")
    assert sorted(matched_words(result, texts)) == ["trusted", "trusted", "trusting"]
    assert matched_words(search.search(project, "fath?r"), texts) == ["father", "father"]


def test_field_filter_on_speaker(study):
    project, _texts, _ = study
    result = search.search(project, "speaker:client AND safe")
    assert {hit.speaker for hit in result.hits} == {"Client"}
    assert result.total == 2
    only_speaker = search.search(project, "speaker:therapist")
    assert only_speaker.total == 3
    assert all(hit.matches == () for hit in only_speaker.hits)


def test_no_match_and_malformed_queries(study):
    project, _, _ = study
    assert search.search(project, "zebra").total == 0
    assert search.search(project, "zebra").hits == []
    for bad, words in [
        ('"felt safe', "unclosed quote"),
        ("(trust OR safe", "never closed"),
        ("trust AND", "on its right"),
        ("OR trust", "on its left"),
        ("speeker:client", "unknown field"),
        ("speaker:", "needs a value"),
        ("   ", "Type a word"),
    ]:
        with pytest.raises(SearchError, match=words):
            search.search(project, bad)


def test_filters_dyad_session_perspective_kind(study):
    project, _, (_one, recall, two) = study
    assert {h.document_id for h in search.search(project, "safe OR father", dyad="D02").hits} == {two}
    assert {h.document_id for h in search.search(project, "safe", kind="recall").hits} == {recall}
    assert {
        h.document_id for h in search.search(project, "father OR safe", perspective="therapist").hits
    } == {two}
    assert search.search(project, "safe", session=2).total == 0
    assert search.search(project, "dyad:d02").total == 2
    with pytest.raises(NotFound):
        search.search(project, "safe", dyad="D99")
    with pytest.raises(SearchError, match="not a perspective"):
        search.search(project, "safe", perspective="mother")


def test_limit_keeps_the_total(study):
    project, _, _ = study
    result = search.search(project, "speaker:client OR speaker:therapist", limit=2)
    assert (
        result.total == 7 and len(result.hits) == 2
    )  # the researcher's turn is neither and not result.complete


def test_index_follows_import_edit_move_and_delete(study):
    project, _texts, (_one, _recall, two) = study
    assert search.search(project, "rupture").total == 0
    added = import_text(
        project, name="D03", text="Client: There was a rupture.\n", meta=DocumentMeta(dyad="D03", kind="note")
    )
    [hit] = search.search(project, "rupture").hits
    assert hit.document_id == added.id and hit.kind == "note"
    corrected = "Client: There was a small rupture, then repair.\n"
    edit_document_text(project, added.id, corrected)
    [hit] = search.search(project, "repair").hits
    assert hit.matches == ((corrected.index("repair"), corrected.index("repair") + 6),)
    assert search.search(project, "rupture").total == 1  # the old version is gone
    update_document(project, added.id, kind="session", perspective="therapist")
    assert search.search(project, "repair", perspective="therapist").total == 1
    snapshot = delete_documents(project, [added.id, two])
    assert search.search(project, "rupture OR father").total == 0
    restore_documents(project, snapshot)
    assert search.search(project, "rupture OR father").total == 3


def test_index_follows_split_merge_and_relabel_which_keep_the_text(study):
    project, texts, (one, _recall, _two) = study
    text = texts[one]
    position = text.index("It felt safe")
    snapshot = split_turn(project, one, position)
    [hit] = search.search(project, '"felt safe"', perspective="client", kind="session").hits
    assert (hit.start, hit.speaker) == (position, "Client")  # the new turn, not the old whole one
    assert [e.summary for e in document_history(project, one)] == [f"Split a turn at {position}"]
    merge_turn_with_next(project, one, text.index("[00:00:09]"))
    [hit] = search.search(project, '"felt safe"', kind="session").hits
    assert hit.start == text.index("[00:00:09]")
    restore_turns(project, snapshot)  # undo of the split: its history entry goes too
    assert [e.summary for e in document_history(project, one)][-1].startswith("Merged the turn")
    last = text.index("[00:00:30]")
    outcome = relabel_speaker(project, one, last, "Dana")  # "Client:" is written there: the text changes
    assert search.search(project, "speaker:dana").total == 1
    two_speakers = "Therapist: Hello.\nfine thanks\n"
    other = import_text(project, name="no label", text=two_speakers, meta=DocumentMeta(dyad="D09")).id
    relabel_speaker(project, other, 0, "Therapist B")  # the label in the text differs: only the turn changes
    assert search.search(project, 'speaker:"therapist b"').total == 1
    assert document_history(project, other)[-1].summary == "Speaker “Therapist” → “Therapist B”"
    assert outcome.snapshot.history_id is not None


def test_a_damaged_index_is_rebuilt_on_demand(study):
    project, _, _ = study
    with project.write() as session:
        session.connection().exec_driver_sql("DELETE FROM search_turns")  # rows lost, as in a damaged file
    assert search.search(project, "trust*").total == 0
    report = search.rebuild_index(project)
    assert report.rebuilt and report.indexed_documents == 3
    assert search.search(project, "trust*").total == 3
    assert search.index_is_current(project)


def test_rebuild_reports_progress_and_can_be_cancelled(study):
    project, _, _ = study
    seen = []
    report = search.rebuild_index(project, progress=lambda done, total, text: seen.append((done, total)))
    assert report.indexed_documents == 3 and seen[-1] == (3, 3)
    from app.domain.errors import OperationCancelled

    with pytest.raises(OperationCancelled):
        search.rebuild_index(project, cancelled=lambda: True)
    assert search.search(project, "trust*").total == 3  # the index is as it was


def test_memos_are_searchable_as_their_own_kind(study):
    project, _texts, (one, _, _) = study
    memo = add_memo(project, "document", one, title="Alliance", text="A first sign of trust 😀 here.")
    found = search.search(project, "trust", kind="memo")  # the memo holds "trust" itself
    [hit] = found.hits
    assert hit.kind == "memo" and hit.memo_id == memo.id and hit.document_id == one
    assert [hit.text[s:e] for s, e in hit.matches] == ["trust"]
    assert search.search(project, "trust*").total == 4
    assert search.search(project, "trust*", memos=False).total == 3
    update_memo(project, memo.id, text="Nothing to see.")
    assert search.search(project, "trust", kind="memo").total == 0


def test_coded_and_uncoded_filters(study):
    project, texts, (one, _, _) = study
    coder = coding.ensure_coder(project, "Ana")
    alliance = add_code(project, "Alliance")
    trust = add_code(project, "Trust", parent=alliance.id)
    first = SESSION_ONE.index("trusted my sister")
    coding.add_codings(project, [coding.CodingSpec(one, trust.id, first, first + 7)], coder)
    coded = search.search(project, "trust*", coded_with="Alliance")  # a parent code includes its children
    assert [texts[one][s:e] for h in coded.hits for s, e in h.matches] == ["trusted"]
    assert coded.hits[0].matches[0][0] == first
    uncoded = search.search(project, "trust*", not_coded_with=trust.id)
    assert uncoded.total == 2 and all(h.matches[0][0] != first for h in uncoded.hits)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("match", ["trusted", "trusted", "trusting"]),
        ("sentence", ["I trusted my sister again.", "You trusted her.", "Maybe trusting is easier now."]),
        (
            "turn",
            [
                "I trusted my sister again. It felt safe\nto talk, and I was not judged.",
                "You trusted her. What made it feel safe?",
                "Honestly, 🙂 I'm not sure. Maybe trusting is easier now.",
            ],
        ),
    ],
)
def test_code_all_hits_then_undo(study, scope, expected):
    project, texts, (_one, _, _) = study
    coder = coding.ensure_coder(project, "Ana")
    code = add_code(project, "Trust")
    result = search.search(project, "trust*", limit=1)  # coding takes every hit, not only those shown
    records = search_coding.code_search_hits(project, result.request, code.id, coder, scope=scope).created
    assert [texts[r.document_id][r.start : r.end] for r in records] == expected
    assert {(r.code_id, r.coder_id) for r in records} == {(code.id, coder)}
    assert len(coding.list_codings(project, code=code.id)) == 3
    again = search_coding.code_search_hits(
        project, search.SearchRequest("trust*"), code.id, coder, scope=scope
    )
    assert again.created == () and again.skipped == 3  # what is coded is not coded twice
    coding.delete_codings(project, [r.id for r in records])
    assert coding.list_codings(project, code=code.id) == []


def test_code_all_hits_refuses_an_unknown_scope(study):
    project, _, _ = study
    from app.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        search_coding.code_search_hits(project, search.SearchRequest("trust"), 1, 1, scope="paragraph")

"""The index inside the project: written by triggers with the text, exact code-point spans, the query language."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.domain.errors import SearchError
from app.search.query_language import And, Not, Or, Phrase, Term, parse
from app.search.query_text import check_syntax
from app.services import search
from app.services.memos import add_memo, delete_memo
from app.services.study import delete_documents, restore_documents
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

# Non-BMP characters everywhere: emoji, a mathematical letter (a word character), a CJK extension B ideograph.
TEXT = (
    "Therapist: 😀😀 You said 𝒜lpha trust — “trust” again? Café?\n"
    "Client: Yes. 𠀋 I trusted him, then\n"
    "lost trust. 🙂 Trusting is hard, Zoë.\n"
)


@pytest.fixture
def study(project):
    built = StudyBuilder(project).document("D01 s2", TEXT, dyad="D01", session=2, kind="session").study
    return project, built.documents["D01 s2"]


def words(project, query: str, **options) -> list[str]:
    result = search.search(project, query, limit=None, **options)
    assert result.total == len(result.hits)
    return [TEXT[s:e] for hit in result.hits if hit.kind != "memo" for s, e in hit.matches]


def test_spans_are_code_points_after_non_bmp_characters(study) -> None:
    project, _ = study
    assert words(project, "trust") == ["trust", "trust", "trust"]
    assert words(project, "trust*") == ["trust", "trust", "trusted", "trust", "Trusting"]
    assert words(project, '"lost trust"') == ["lost trust"]
    assert words(project, '"him then lost"') == ["him, then\nlost"]  # punctuation and a line break inside


def test_accents_and_case_are_ignored_without_stemming(study) -> None:
    project, _ = study
    assert words(project, "cafe") == ["Café"]
    assert words(project, "ZOE") == ["Zoë"]
    assert words(project, "zoë") == ["Zoë"]
    assert words(project, "trusts") == []


def test_not_alone_and_mixed_fields_run_as_sql(study) -> None:
    project, _ = study
    result = search.search(project, "NOT lost")
    assert [hit.speaker for hit in result.hits] == ["Therapist"] and result.hits[0].matches == ()
    assert search.search(project, "speaker:client OR dyad:d09").total == 1
    assert search.search(project, "dyad:D01 AND NOT speaker:client").total == 1
    assert search.search(project, "session:2 trusted").total == 1
    assert search.search(project, "kind:recall OR hard").total == 1
    assert words(project, "(hard OR said) AND NOT perspective:client") == ["said", "hard"]
    assert words(project, "fath?r OR tr?st") == ["trust", "trust", "trust"]
    assert search.search(project, "zz?z").total == 0
    assert search.search(project, "*").total == 2


def test_every_write_path_is_searchable_at_once(study) -> None:
    project, document = study
    with project.write() as session:  # even SQL no service knows of: triggers keep the index current
        session.execute(
            text("UPDATE turns SET speaker = 'Dana' WHERE start = 0 AND document_id = :document"),
            {"document": document},
        )
    assert search.search(project, "speaker:dana").total == 1
    memo = add_memo(project, "document", document, title="Rupture", text="A rupture, then repair.")
    assert search.search(project, "repair", kind="memo").total == 1
    delete_memo(project, memo.id)
    assert search.search(project, "repair").total == 0
    snapshot = delete_documents(project, [document])
    assert search.search(project, "trust*").total == 0
    restore_documents(project, snapshot)  # an undo
    assert search.search(project, "trust*").total == 2


@pytest.mark.parametrize(
    "query",
    ['"open', "(a OR b", "a OR b)", "a AND", "NOT", "AND a", "a OR OR b", "nope:x", "speaker:", "", "  "],
)
def test_malformed_queries_are_refused(query: str) -> None:
    with pytest.raises(SearchError):
        check_syntax(query)


@pytest.mark.parametrize(
    "query",
    [
        '"felt safe"',
        "trust*",
        "a AND NOT b",
        "NOT b",
        "speaker:client",
        "Speaker:Client",
        '"10:30 meeting"',
        "at 10:30",
    ],
)
def test_wellformed_queries_pass(query: str) -> None:
    parse(query)


def test_the_tree_of_a_query() -> None:
    assert parse('trust "felt safe" OR NOT speaker:"dr b"') == Or(
        (And((Term("body", "trust"), Phrase("body", "felt safe"))), Not(Phrase("speaker", "dr b")))
    )
    assert parse("a ANDNOT exact:b*") == And((Term("body", "a"), Not(Term("body", "b*", pattern=True))))
    assert parse("speaker:(ana OR ben)") == Or((Term("speaker", "ana"), Term("speaker", "ben")))


def test_odd_words_are_searched_not_refused(study) -> None:
    project, _ = study
    for query in ['"😀"', "—", "'", '"a""b"', "trust^2", "x:y:z" if False else "10:30", '"" OR trust']:
        search.search(project, query)  # may find nothing, never a traceback

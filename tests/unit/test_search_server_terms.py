"""The server's table of terms: a turn's terms are its words and runs of two and three words, and a query uses
them only where they give exactly what the GIN index gives (the battery in test_search_server.py compares the
hits, all of them and the first few).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.search.query_language import parse
from app.search.server_terms import Either, Lookup, first_hits
from app.search.tsquery import Compiler, after_prefix
from app.storage import fts5_words, server_search_index, server_search_terms
from tests.server_search_study import server_engine
from tests.unit.test_search_server_words import ASCII_ALPHABET, ASCII_CASES, random_texts

LIMIT = server_search_terms.RUN_BYTES


def expected_terms(sample: str) -> set[str]:
    """Every word a tsvector keeps, and every run of two or three words, each word after a space."""
    words = [word.folded for word in fts5_words.words(sample)]
    kept = {word for word in words if len(word.encode()) <= server_search_index.LONGEST_WORD_BYTES}
    runs = {" " + " ".join(words[at : at + size]) for size in (2, 3) for at in range(len(words) - size + 1)}
    return kept | {run for run in runs if len(run.encode()) <= LIMIT}


@pytest.fixture
def server(pg_url):
    engine = server_engine(pg_url)
    with engine.begin() as connection:
        for statement in (
            server_search_index.words_function(),
            server_search_index.long_words_function(),
            server_search_terms.terms_function(),
        ):
            connection.exec_driver_sql(statement)
    yield engine
    engine.dispose()


def test_postgresql_finds_the_terms_python_sees(server) -> None:
    texts = [
        *random_texts(300, 7),
        *random_texts(300, 8, ASCII_ALPHABET),
        *ASCII_CASES,
        "I think I think, i THINK: don't O'Brien",
        "x" * 1000 + " " + "y" * 22 + " z",  # a run of exactly the longest a run may be, and one byte more
        "x" * 1000 + " " + "y" * 23 + " z",
        "x" * 1000 + " y " + "z" * 20,
        "a " + "b" * 1500 + " c",  # a word in no run, a term of its own
        "a " + "b" * 2046 + " c " + "d" * 2047,  # the longest word a tsvector keeps, and one it does not
        "the cat " * 300 + "sat",  # `the` 300 times: the tsvector keeps 256 positions, the runs come in order
        " ".join(f"w{n % 40}" for n in range(16500)),  # past the tsvector's last position
        "",
    ]
    statement = text(
        "SELECT array_agg(term) FROM (SELECT rapport_search_words(:s) AS words) w, rapport_search_terms(w.words,"
        " rapport_search_long_words(:s, w.words), rapport_search_words(:speaker)) AS term"
    )
    speakers = ["", "Client", "Dr Smith-Jones", "client"]
    with server.connect() as connection:
        for number, sample in enumerate(texts):
            speaker = speakers[number % len(speakers)]
            got = connection.execute(statement, {"s": sample, "speaker": speaker}).scalar() or []
            assert len(got) == len(set(got)), sample[:80]
            spoken = {"\t" + word.folded for word in fts5_words.words(speaker)}
            assert set(got) == expected_terms(sample) | spoken, sample[:80]


def shape(query: str) -> Lookup | Either | None:
    return first_hits(parse(query), Compiler(None, "search_turns", {}))


def test_words_and_phrases_are_terms_and_and_merges_them() -> None:
    assert shape("Trust") == Lookup(("trust",), exact=True)
    assert shape('"I think"') == Lookup((" i think",), exact=True)
    assert shape("don't") == Lookup((" don t",), exact=True)
    assert shape('"it sounds like"') == Lookup((" it sounds like",), exact=True)
    assert shape('"part of me feels"') == Lookup((" part of me", " of me feels"), exact=False)
    assert shape('"very very very very"') == Lookup((" very very very",), exact=False)  # twice, apart or not
    assert shape("trust AND safe") == Lookup(("trust", "safe"), exact=True)
    assert shape('trust "I think"') == Lookup(("trust", " i think"), exact=True)
    assert shape("I'm not sure") == Lookup((" i m", "not", "sure"), exact=True)
    assert shape('trust "I\'m not sure"') == Lookup(("trust", " i m not", " m not sure"), exact=False)
    assert shape("trust safe").count() == (
        "SELECT count(*) FROM (SELECT t0.id FROM search_terms t0 JOIN search_terms t1 ON t1.id = t0.id"
        " AND t1.term = %s WHERE t0.term = %s) c",
        ["safe", "trust"],
    )
    assert shape('"part of me feels"').count() is None  # counted by the GIN index: the runs may stand apart


def test_a_prefix_is_a_range_of_words() -> None:
    assert shape("Trust*") == Lookup(sql=RANGE, params=("trust", "trusu"))
    assert shape("caf*") == Lookup(sql=RANGE, params=("caf", "cag"))
    assert shape("\ud7ff*") == Lookup(sql=RANGE, params=("\ud7ff", "\ue000"))  # past the surrogates
    assert shape("\U0010ffff*") is None
    both = shape("trust* safe")
    assert both is not None and both.exact and both.params == ("trust", "trusu", "safe")
    assert both.count() is None  # a range joined to a term is counted by the GIN index
    assert shape("trust*").count() == (f"SELECT count(*) FROM ({RANGE}) c", ["trust", "trusu"])


RANGE = "SELECT DISTINCT id FROM search_terms WHERE term >= %s AND term < %s"


def test_the_first_string_after_a_prefix() -> None:
    assert after_prefix("fath") == "fati"
    assert after_prefix("caf\u00e9") == "caf\u00ea"
    assert after_prefix("\ud7ff") == "\ue000"  # past the surrogates, which no text holds
    assert after_prefix("\U0010ffff") is None


def test_not_takes_exact_sets_of_turns_away() -> None:
    without = shape("trust NOT safe")
    assert without is not None and without.exact and without.params == ("trust", "safe")
    assert "NOT EXISTS" in without.sql
    assert without.count() == (  # the word's turns less those with both words
        "SELECT (SELECT count(*) FROM (SELECT t0.id FROM search_terms t0 WHERE t0.term = %s) f) - (SELECT count(*)"
        " FROM (SELECT t0.id FROM search_terms t0 JOIN search_terms t1 ON t1.id = t0.id AND t1.term = %s"
        " WHERE t0.term = %s) b)",
        ["trust", "safe", "trust"],
    )
    assert shape("trust NOT safe NOT mother").count() is None  # counted by the GIN index
    everything_but = shape("NOT trust")
    assert everything_but is not None and everything_but.exact and "FROM search_turns" in everything_but.sql
    checked = shape('"part of me feels" NOT "I think"')
    assert checked is not None and not checked.exact  # checked turn by turn, counted by the GIN index
    assert checked.params == (" of me feels", " part of me", " i think")
    assert shape('trust NOT "part of me feels"') is None  # taking away the runs' turns would lose hits
    assert shape("trust NOT safe*") is None  # a range taken from a word's turns: slower than GIN
    assert shape("NOT safe*") is not None


def test_or_reads_the_first_hits_of_each_part_and_leaves_the_count_to_gin() -> None:
    either = shape('trust OR "I think" OR "part of me feels"')
    assert isinstance(either, Either) and either.count() is None
    assert [part.terms for part in either.parts] == [
        ("trust",),
        (" i think",),
        (" part of me", " of me feels"),
    ]
    sql, params = either.first(5, "CHECK", ["c"])
    assert sql.count("LIMIT 5") == 4 and sql.count("CHECK") == 1  # only the longer phrase's turns are checked
    assert params == ["trust", " i think", " of me feels", " part of me", "c"]


def test_a_speakers_words_are_terms_after_a_tab() -> None:
    assert shape("speaker:Client") == Lookup(("\tclient",), exact=True)
    assert shape("speaker:client trust") == Lookup(("\tclient", "trust"), exact=True)
    assert shape('speaker:"Dr Smith"') == Lookup(
        ("\tdr", "\tsmith"), exact=False
    )  # checked: the words in order
    assert shape("speaker:cl*") == Lookup(sql=RANGE, params=("\tcl", "\tcm"))
    assert shape("trust NOT speaker:client") == Lookup(
        exact=True,
        sql="SELECT f.id FROM (SELECT t0.id FROM search_terms t0 WHERE t0.term = %s) f WHERE NOT EXISTS"
        " (SELECT 1 FROM (SELECT t0.id FROM search_terms t0 WHERE t0.term = %s) u WHERE u.id = f.id)",
        params=("trust", "\tclient"),
        counted=(
            "SELECT (SELECT count(*) FROM (SELECT t0.id FROM search_terms t0 WHERE t0.term = %s) f) - (SELECT"
            " count(*) FROM (SELECT t0.id FROM search_terms t0 JOIN search_terms t1 ON t1.id = t0.id AND"
            " t1.term = %s WHERE t0.term = %s) b)",
            ("trust", "\tclient", "trust"),
        ),
    )


def test_what_the_table_of_terms_cannot_answer_is_left_to_the_gin_index() -> None:
    for query in ("fath?r", "fath*r", "(trust OR safe) NOT mother", "speaker:cl?ent", "dyad:D01 trust",
                  "trust NOT fath?r", "*", "!!!", "don't*", '"' + "x" * LIMIT + ' y"'):  # fmt: skip
        assert shape(query) is None, query

"""Search on a server project finds exactly what it finds in a project file: totals, hits and match offsets.

The same study is built in a project file and copied row for row into a PostgreSQL database (the test cluster);
a battery of queries (words, prefixes, wildcards, phrases, AND/OR/NOT, accents and case, punctuation, numbers,
emoji, speakers, study fields, filters) is run on both, and everything a hit carries must be equal.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.search import index
from app.search.index import Filters
from app.services.project import open_project
from app.storage.models import Dyad
from tests.demo_copies import copy_of_demo
from tests.server_search_study import build_file_study, copy_to_server

QUERIES = [
    # words, case and accents
    "trust", "TRUST", "Trust", "cafe", "café", "CAFÉ", "etait", "naive", "zoe", "strasse", "straße", "fine",
    "ﬁne", "unicode", "доверие", "άλφα", "αλφα", "中文", "the", "i", "a", "b", "ab",
    # punctuation and numbers
    "don't", "dont", "it's", "its", "s", "o'brien", "obrien", "e-mail", "zoe@example.org", "well-known", "1.5",
    "1", "5", "3,000", "000", "2026", "10:30", "50%", "$5", "x_y", "x-y", "x.y", "x/y", "y", "#1",
    # emoji and symbols
    "thanks", "thumbs", "up", "🙂", "thanks🙂",
    # prefixes and wildcards
    "trust*", "TRUST*", "tr*", "fath*", "fath?r", "fath?r*", "*ther", "f*r", "don'*", "caf*", "z*",
    "x*", "very*", "*",
    # phrases
    '"felt understood"', '"felt, understood"', '"understood felt"', '"very good"', '"very very"',
    '"i think"', '"I think I"', '"the the"', '"it’s fine"', '"le café"', '"good good"', '"closed naive"',
    '"!!!"', '"fath er"', '"the dream"', '"the very end"', '"at last"', '"nothing felt"', '"the dre*"',
    "trust OR (felt NOT understood)", "(felt OR very) NOT understood", "felt AND (understood OR nothing)",
    "trust speaker:client OR felt", "(trust OR very) speaker:client", '"the cat" NOT "the dream"', 'NOT "the dream"', '"the dream" OR trust', '"cat sat" "at last"',
    # boolean
    "trust AND felt", "trust felt", "trust OR felt", "trust NOT felt", "trust ANDNOT felt", "NOT trust",
    "(trust OR felt) AND NOT understood", "trust OR NOT felt", "(felt NOT understood) OR very",
    "trust AND (cafe OR father)", "trust ANDMAYBE felt", "very AND NOT good", '"!!!" OR trust',
    'trust AND "!!!"', 'trust NOT "!!!"',
    # speakers and study fields
    "speaker:client", "speaker:therapist", "speaker:smith", 'speaker:"dr smith"', "speaker:cl*",
    "trust speaker:client", "speaker:client NOT trust", "dyad:x01", "dyad:X0?", "dyad:x0[12] father",
    "session:1", "session:2 trust", "perspective:client", "kind:session trust", "kind:memo", "kind:recall",
    "text:trust", "exact:trust", "dyad:x01 OR speaker:smith", "NOT dyad:x01 trust",
]  # fmt: skip


@pytest.fixture(scope="module")
def studies(demo_original, tmp_path_factory, pg_cluster):
    path = copy_of_demo(demo_original, tmp_path_factory.mktemp("server_search") / "study.rapport")
    build_file_study(path).close()
    url = pg_cluster.new_database()
    engine = copy_to_server(path, url)
    file_project = open_project(path)
    yield file_project, engine
    file_project.close()
    engine.dispose()
    pg_cluster.drop_database(url)


def both(studies, query: str, filters: Filters | None = None, limit: int | None = None):
    filters = filters or Filters()
    file_project, engine = studies
    with file_project.read() as session:
        on_file = index.search(session, query, filters, limit)
    with Session(engine) as session:
        on_server = index.search(session, query, filters, limit)
    return on_file, on_server


@pytest.mark.parametrize("limit", [None, 3], ids=["all hits", "first hits"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_server_finds_what_the_file_finds(studies, query: str, limit: int | None) -> None:
    """All the hits, and the first three (which the server finds in order in its table of terms when it can)."""
    on_file, on_server = both(studies, query, limit=limit)
    assert on_server.total == on_file.total
    assert on_server.hits == on_file.hits


def test_only_the_monologue_needs_its_words_in_order(studies) -> None:
    with studies[1].connect() as connection:
        long_rows = connection.exec_driver_sql("SELECT id FROM search_turns WHERE long_words IS NOT NULL")
        assert len(long_rows.all()) == 1


def test_the_battery_finds_a_lot(studies) -> None:
    totals = [both(studies, query)[1].total for query in QUERIES]
    assert sum(totals) > 2000
    assert sum(1 for total in totals if total) > len(QUERIES) * 3 // 4


def test_limits_and_filters_agree(studies) -> None:
    file_project = studies[0]
    with file_project.read() as session:
        dyad = session.scalars(select(Dyad.id).where(Dyad.name == "X01")).one()
    cases = [
        Filters(dyad_ids=frozenset({dyad})),
        Filters(sessions=frozenset({1})),
        Filters(perspectives=frozenset({"client"})),
        Filters(kinds=frozenset({"memo"})),
        Filters(kinds=frozenset({"session", "memo"})),
        Filters(kinds=frozenset()),
        Filters(document_ids=frozenset({1, 2})),
    ]
    for filters in cases:
        for query in ("trust", '"felt understood"', "trust OR speaker:client", "NOT trust"):
            on_file, on_server = both(studies, query, filters)
            assert (on_server.total, on_server.hits) == (on_file.total, on_file.hits), (query, filters)
    for limit in (0, 1, 7, 100):
        on_file, on_server = both(studies, "trust OR i", limit=limit)
        assert on_server == on_file

"""The server's words are FTS5's words: the measured table, the Python splitter and the PostgreSQL function agree.

`app/resources/fts5_word_rules.json` must still be what SQLite's FTS5 does (a new SQLite or Python could change
it: run `python -m app.storage.fts5_words`); Python's `words()` must split random text as FTS5 does; and the SQL function
`rapport_search_words` must give the tsvector those words make, on the test cluster.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from sqlalchemy import text

from app.storage import fts5_words, search_index, server_search_index
from tests.server_search_study import server_engine

ALPHABET = (
    "abcdeÉéèçÇßİıﬁ ΣσςΑάü\u0301\u0300'-.,;:!?“”—–…0123456789_@#$%&*()[]{}<>/\\|~^`\"🙂👍🏽\u200d\u200c\t\n"
    "Кирилл中文日本語한국어ـأهلا🏳️‍🌈\ufe0f\U000e0001\u00ad\u00a0\u2009\U00031000\U000f0000"
)


ASCII_ALPHABET = "aBz09eE +-.,:/@<>&;'_\"#%()[]{}!?\t\n" + "x" * 5
ASCII_CASES = [
    "1e5 0x1F 12abc abc12 a1b2 3.14 1,000 -5 +7 v1.2.3 1E-3 007",
    "http://x.org/a_b?c=d foo@bar.com <b>tag</b> &amp; &#39; don't O'Brien well-known",
    "/usr/local/bin C:\\dir\\file.txt 10:30 2026-12-03 #1 $5 50% x_y",
    "x" * 254 + " y",
    "x" * 255 + " y",
    "x" * 2047 + " y",
    "x" * 2048 + " y z",
]


def random_texts(count: int, seed: int, alphabet: str = ALPHABET) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_the_table_is_what_fts5_does() -> None:
    assert fts5_words.derive_from_sqlite() == fts5_words.rules()


def test_python_splits_text_as_fts5_does() -> None:
    texts = [
        *random_texts(3000, 5),
        "O'Brien's café — naïve 1.5 3,000 don't",
        "a \u0301 b",
        "x\u0301\u0301 y",
    ]
    tokenize = search_index.tokenizer().replace('"', '""')
    connection = sqlite3.connect(":memory:")
    connection.execute(f'CREATE VIRTUAL TABLE t USING fts5(body, tokenize="{tokenize}")')
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    connection.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", list(enumerate(texts, 1)))
    found: dict[int, list[tuple[int, str]]] = {}
    for term, row, offset in connection.execute("SELECT term, doc, offset FROM v"):
        found.setdefault(row, []).append((offset, term))
    connection.close()
    for row, sample in enumerate(texts, 1):
        assert fts5_words.folded_words(sample) == [term for _, term in sorted(found.get(row, []))], sample


def test_word_offsets_are_code_points() -> None:
    sample = "🙂 Zoë’s CAFÉ"
    assert [(w.start, w.end, w.folded) for w in fts5_words.words(sample)] == [
        (2, 5, "zoe"),
        (6, 7, "s"),
        (8, 12, "cafe"),
    ]
    assert [sample[w.start : w.end] for w in fts5_words.words(sample)] == ["Zoë", "s", "CAFÉ"]


@pytest.fixture
def server(pg_url):
    engine = server_engine(pg_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(server_search_index.words_function())
    yield engine
    engine.dispose()


def expected_vector(connection, sample: str) -> str:
    words = [w.folded for w in fts5_words.words(sample)]
    literal = " ".join(
        "'" + word.replace("\\", "\\\\").replace("'", "''") + f"':{position}"
        for position, word in enumerate(words, 1)
        if len(word.encode()) <= server_search_index.LONGEST_WORD_BYTES
    )
    return connection.execute(text("SELECT CAST(:v AS tsvector)::text"), {"v": literal}).scalar()


def test_postgresql_splits_text_as_python_does(server) -> None:
    texts = [
        *random_texts(400, 3),
        *random_texts(400, 4, ASCII_ALPHABET),
        *ASCII_CASES,
        "O'Brien's café — naïve 1.5 3,000 don't",
        "",
    ]
    with server.connect() as connection:
        for sample in texts:
            got = connection.execute(text("SELECT rapport_search_words(:s)::text"), {"s": sample}).scalar()
            assert got == expected_vector(connection, sample), sample


def test_spaced_folds_one_character_for_one() -> None:
    table = fts5_words._one_for_one()[0]
    dropped = fts5_words._dropped_codes()
    for sample in [*random_texts(2000, 11), "Straße İstanbul 中文 Don’t STOP", "Кирилл, ΣΑΣ; Zoë!"]:
        expected = None if any(ord(char) in dropped for char in sample) else sample.translate(table)
        assert fts5_words.spaced(sample) == expected, sample


def test_hits_marked_together_are_marked_as_one_by_one() -> None:
    from app.search.hit_marks import Marker
    from app.search.query_language import parse
    from app.search.tsquery import Compiler

    texts = ["so I", "think so, I think", "Straße: I  THINK", "i think’s i"]
    for query in ['"I think"', "think", "i", 'i OR "so i"', "so* NOT x", 'think NOT "so i"']:
        marker = Marker(parse(query), Compiler(None, "search_turns", {}))
        one_by_one = [marker.marks(sample, "T") for sample in texts]
        assert marker.marks_all(texts, ["T"] * len(texts)) == one_by_one, query
    marker = Marker(parse('"I think"'), Compiler(None, "search_turns", {}))
    assert marker.marks_all(texts, [None] * 4) == [[], [(10, 17)], [(8, 16)], [(0, 7)]]

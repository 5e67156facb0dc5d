"""The server index's table of terms: the turns holding each word, and each run of two and three words, in a B-tree.

PostgreSQL 15 answers a GIN search by visiting the table page of every matching row, to learn whether the row
is visible: a word in 4,000 turns costs a millisecond of page visits before anything is counted, several times
what FTS5 takes in a project file. A B-tree on (term, id) answers "which turns hold `trust`" from the index alone
(an index-only scan, once vacuum has marked the table's pages all-visible), in turn order: a word's count and
its first hits without reading a turn. A run of words (`it sounds like`: words one space apart) answers a phrase
of two or three words the same way, and narrows a longer phrase down to the turns holding all its runs of three,
in order, so that its first hits are found after checking a few more turns than it shows
(app/search/server_terms.py). It costs room: about three rows a word of the study, some 260 bytes a word.

`search_terms(term, id)` holds, for each turn in `search_turns`, the distinct lexemes of its tsvector and its
runs of two and three words next to each other (by the tsvector's positions, or for a text whose tsvector lost
positions by `long_words`) of at most RUN_BYTES bytes, each word of a run after a space (` it sounds like`), and
the words of its speaker's name each after a tab, so that a prefix's range of the B-tree (`trust%`)
holds words only. A trigger on `search_turns` keeps it: every path that writes a
turn's index row (an import, a correction, a split, a rebuild) writes its terms in the same transaction.

Revision 0012_server_search_terms adds it to a server project's index (server_search_index.py creates it with
the rest of the index since).
"""

from __future__ import annotations

from typing import Any

TERMS_TABLE = "search_terms"
TERMS_FUNCTION = "rapport_search_terms"
RUN = 3  # the longest run of words kept as a term
RUN_BYTES = 1024  # longer runs are left to the GIN index (a word is at most 2,046 bytes, as in a tsvector)
SPEAKER_MARK = "\t"  # before each word of a turn's speaker (a tab is in no word, and sorts before a space)
_TRIGGER = "search_terms_changed"
_OWNER = "search_turns"  # server_search_index.TURNS_TABLE (which imports this module)

# A turn's words in order, each with the one and the two before it when they are next to it.
_IN_ORDER_BY_POSITION = """
        SELECT entry.lexeme AS word, lag(entry.lexeme) OVER next AS one, lag(entry.lexeme, 2) OVER next AS two,
            at - lag(at) OVER next = 1 AS one_next, at - lag(at, 2) OVER next = 2 AS two_next
        FROM unnest(words) AS entry, unnest(entry.positions) AS at WINDOW next AS (ORDER BY at)"""
_IN_ORDER_LISTED = """
        SELECT word, lag(word) OVER next AS one, lag(word, 2) OVER next AS two, n > 1 AS one_next, n > 2 AS two_next
        FROM unnest(string_to_array(long_words, ' ')) WITH ORDINALITY AS listed(word, n) WINDOW next AS (ORDER BY n)"""


def _terms(runs: str) -> str:
    """A turn's distinct terms: its words (every lexeme of its tsvector), its runs of two and of three words,
    each word after a space (` i think`), and its speaker's words after a tab: runs and speakers sort apart from
    words, so a prefix's range holds words alone."""
    return f"""WITH runs AS ({runs})
    SELECT lexeme FROM unnest(words)
    UNION SELECT chr(9) || lexeme FROM unnest(speaker_words)
    UNION SELECT run FROM (
        SELECT ' ' || one || ' ' || word AS run FROM runs WHERE one_next
        UNION ALL SELECT ' ' || two || ' ' || one || ' ' || word FROM runs WHERE one_next AND two_next
    ) found WHERE octet_length(run) <= {RUN_BYTES}"""


def terms_function() -> str:
    """`rapport_search_terms(words tsvector, long_words text, speaker_words tsvector) -> SETOF text`: a turn's
    terms.

    A tsvector whose positions are whole (`long_words` is NULL) gives the runs of words by its positions; a gap
    in them (a word too long for a tsvector) joins no run, as it breaks a phrase in FTS5."""
    return f"""
CREATE OR REPLACE FUNCTION {TERMS_FUNCTION}(words tsvector, long_words text, speaker_words tsvector)
RETURNS SETOF text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $terms$ BEGIN
IF long_words IS NULL THEN RETURN QUERY {_terms(_IN_ORDER_BY_POSITION)};
ELSE RETURN QUERY {_terms(_IN_ORDER_LISTED)}; END IF;
END $terms$"""


def _trigger_function() -> str:
    """Old terms out, new terms in: a turn whose words did not change is skipped by the trigger's WHEN."""
    return f"""
CREATE OR REPLACE FUNCTION {_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN
IF TG_OP <> 'INSERT' THEN
    DELETE FROM {TERMS_TABLE} s USING {TERMS_FUNCTION}(OLD.words, OLD.long_words, OLD.speaker_words) AS old_terms(term)
    WHERE s.term = old_terms.term AND s.id = OLD.id;
END IF;
IF TG_OP <> 'DELETE' THEN
    INSERT INTO {TERMS_TABLE}(term, id) SELECT term, NEW.id
    FROM {TERMS_FUNCTION}(NEW.words, NEW.long_words, NEW.speaker_words) AS term;
END IF;
RETURN NULL; END $body$"""


def create_statements() -> list[str]:
    """The function and the empty table; `fill_statements()` then fills it, indexes it and adds its triggers."""
    # Compared byte by byte, which is code point order (no locale's rules): a prefix's range, and the order in
    # which a wildcard's words are found, rely on it.
    return [
        terms_function(),
        f'CREATE TABLE {TERMS_TABLE} (term text COLLATE "C" NOT NULL, id bigint NOT NULL)',
    ]


def fill_statements() -> list[str]:
    """Every turn's terms in one statement, the B-tree built once over them, then the triggers that keep them."""
    return [
        f"INSERT INTO {TERMS_TABLE}(term, id) SELECT term, s.id FROM {_OWNER} s"
        f" CROSS JOIN {TERMS_FUNCTION}(s.words, s.long_words, s.speaker_words) AS term",
        f"ALTER TABLE {TERMS_TABLE} ADD PRIMARY KEY (term, id)",
        _trigger_function(),
        f"CREATE TRIGGER {_TRIGGER}_added AFTER INSERT OR DELETE ON {_OWNER}"
        f" FOR EACH ROW EXECUTE FUNCTION {_TRIGGER}()",
        f"CREATE TRIGGER {_TRIGGER} AFTER UPDATE OF id, words, long_words, speaker_words ON {_OWNER} FOR EACH ROW"
        " WHEN (OLD.id <> NEW.id OR OLD.words <> NEW.words OR OLD.long_words IS DISTINCT FROM NEW.long_words"
        " OR OLD.speaker_words <> NEW.speaker_words)"
        f" EXECUTE FUNCTION {_TRIGGER}()",
    ]


def drop_statements() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {_TRIGGER}_added ON {_OWNER}",
        f"DROP TRIGGER IF EXISTS {_TRIGGER} ON {_OWNER}",
        f"DROP FUNCTION IF EXISTS {_TRIGGER}()",
        f"DROP TABLE IF EXISTS {TERMS_TABLE}",
        f"DROP FUNCTION IF EXISTS {TERMS_FUNCTION}(tsvector, text, tsvector)",
    ]


def add(connection: Any) -> None:
    """Give an index made before the table of terms its terms (revision 0012). Nothing to do for an index that
    has them, or for a project without a server index."""
    present = connection.exec_driver_sql(
        f"SELECT to_regclass('{_OWNER}') IS NOT NULL, to_regclass('{TERMS_TABLE}') IS NOT NULL"
    ).one()
    if not present[0] or present[1]:
        return
    for statement in [*create_statements(), *fill_statements()]:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(f"ANALYZE {TERMS_TABLE}")

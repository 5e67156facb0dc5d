"""Translating a parsed query (query_language.py) into one SQL condition over a server project's index.

The PostgreSQL counterpart of fts_query.py. Words go through FTS5's own rules (fts5_words.py) in Python and become
tsquery lexemes as they are (a `::tsquery` cast does not parse them again): `trust` -> `'trust'`, `trust*` ->
`'trust':*`, `"felt understood"` and `don't` -> `'felt' <-> 'understood'`, `'don' <-> 't'`. A subtree over one
column (the words, or the speaker's words) becomes one tsquery that the GIN index answers; the study fields
(dyad, session, perspective, kind) and mixed subtrees become SQL around them. A wildcard inside a word (`fath?r`)
is expanded to the index's words it fits, as the file project does, at most `MAX_EXPANDED_TERMS` of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.search.fts_query import MAX_EXPANDED_TERMS, fold
from app.search.query_language import BODY, Everything, Node, Not, Or, Phrase, Term
from app.storage import fts5_words
from app.storage.server_search_index import TURNS_TABLE
from app.storage.server_search_terms import TERMS_TABLE

COLUMNS = {BODY: "words", "speaker": "speaker_words"}
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


@dataclass(frozen=True)
class Matcher:
    """What a positive text leaf marks in a hit: runs of words equal to `words` (the last one a prefix when
    `prefix`), or any one word of `alternatives`."""

    words: tuple[str, ...] = ()
    prefix: bool = False
    alternatives: frozenset[str] = frozenset()


@dataclass
class Compiled:
    """Either one tsquery on one index column (`column`, `tsquery`) or an SQL condition with its parameters."""

    column: str | None = None
    tsquery: str | None = None
    sql: str | None = None
    params: list[object] = field(default_factory=list)
    study: bool = False  # it reads the study's tables (dyad, session, perspective, kind), not only the index

    def as_sql(self, alias: str) -> tuple[str, list[object]]:
        if self.tsquery is not None:
            return f"{alias}.{self.column} @@ CAST(%s AS tsquery)", [self.tsquery]
        assert self.sql is not None
        return self.sql, list(self.params)


NOTHING = Compiled(sql="FALSE")


def lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def glob_to_regex(pattern: str) -> str:
    """An SQLite GLOB pattern (`*`, `?`, `[a-z]`, `[^x]`) as a regular expression of the whole text, in the
    syntax both Python and PostgreSQL read."""
    pieces, at = [], 0
    while at < len(pattern):
        char = pattern[at]
        first = at + 1 + (pattern[at + 1 : at + 2] == "^")
        closing = pattern.find("]", first + 1) if char == "[" else -1
        if char == "*":
            pieces.append(".*")
        elif char == "?":
            pieces.append(".")
        elif closing != -1:
            inside = "".join("\\" + c if c in "\\[]^" else c for c in pattern[first:closing])
            pieces.append(("[^" if first > at + 1 else "[") + inside + "]")
            at = closing
        else:
            pieces.append(re.escape(char))
        at += 1
    return "^" + "".join(pieces) + "$"


class Compiler:
    """Compiles one query for one target; `matchers` collects the positive text leaves for highlighting."""

    def __init__(self, connection: Any, index_table: str, columns: dict[str, str]) -> None:
        self.connection = connection  # a psycopg connection
        self.index_table = index_table
        self.columns = columns  # dyad, session, perspective, kind -> SQL expression
        self.expanded: dict[Term, list[str]] = {}
        self._matchers: dict[Term | Phrase, Matcher | None] = {}

    def compile(self, node: Node) -> Compiled:
        if isinstance(node, Term | Phrase):
            return self._leaf(node)
        if isinstance(node, Everything):
            return Compiled(sql="TRUE")
        if isinstance(node, Not):
            child = self.compile(node.child)
            if child.tsquery is not None:
                return Compiled(column=child.column, tsquery=f"!({child.tsquery})")
            sql, params = child.as_sql("w")
            return Compiled(sql=f"NOT ({sql})", params=params, study=child.study)
        parts = [self.compile(child) for child in node.children]
        operator, joiner = (" | ", " OR ") if isinstance(node, Or) else (" & ", " AND ")
        columns = {part.column for part in parts}
        if len(columns) == 1 and all(part.tsquery is not None for part in parts):
            return Compiled(column=parts[0].column, tsquery=operator.join(f"({p.tsquery})" for p in parts))
        pieces, params = [], []
        for part in parts:
            sql, more = part.as_sql("w")
            pieces.append(f"({sql})")
            params.extend(more)
        return Compiled(sql=joiner.join(pieces), params=params, study=any(part.study for part in parts))

    def matcher(self, leaf: Term | Phrase) -> Matcher | None:
        """How to find this body leaf's words in a hit's text (None when it can match nothing)."""
        if leaf not in self._matchers:
            self._matchers[leaf] = self._new_matcher(leaf)
        return self._matchers[leaf]

    def _new_matcher(self, leaf: Term | Phrase) -> Matcher | None:
        if isinstance(leaf, Term) and leaf.pattern:
            stem = leaf.text.rstrip("*")
            if "*" not in stem and "?" not in stem and stem:
                words = fts5_words.folded_words(stem)
                return Matcher(tuple(words), prefix=True) if words else None
            expanded = self._expand(leaf)
            return Matcher(alternatives=frozenset(expanded)) if expanded else None
        words = fts5_words.folded_words(leaf.text)
        return Matcher(tuple(words)) if words else None

    def _leaf(self, leaf: Term | Phrase) -> Compiled:
        column = COLUMNS.get(leaf.field)
        if column is not None:
            found = self.matcher(leaf)
            if found is None:
                return NOTHING
            if found.alternatives:
                return Compiled(column=column, tsquery=" | ".join(map(lexeme, sorted(found.alternatives))))
            last = ":*" if found.prefix else ""
            query = " <-> ".join(map(lexeme, found.words)) + last
            if len(found.words) == 1 or column != COLUMNS[BODY]:
                return Compiled(column=column, tsquery=query)
            return self._phrase(found, query, " & ".join(map(lexeme, found.words)) + last)
        expression = f"coalesce(lower(CAST({self.columns[leaf.field]} AS TEXT) COLLATE \"C\"), '')"
        value = leaf.text.lower()
        if isinstance(leaf, Term) and leaf.pattern:
            return Compiled(sql=f"{expression} ~ %s", params=[glob_to_regex(value)], study=True)
        return Compiled(sql=f"{expression} = %s", params=[value], study=True)

    @staticmethod
    def _phrase(found: Matcher, phrase: str, every_word: str) -> Compiled:
        """A phrase of the text: `<->` on positions, or, for a text too long for its tsvector's positions
        (server_search_index.py), a regular expression over its words in order."""
        words = " ".join(_ASCII_PUNCTUATION.sub(r"\\\g<0>", word) for word in found.words)  # none, really
        pattern = "(^| )" + words + ("[^ ]*" if found.prefix else "") + "( |$)"
        return Compiled(
            sql="w.words @@ CAST(%s AS tsquery) AND CASE WHEN w.long_words IS NULL"
            " THEN w.words @@ CAST(%s AS tsquery) ELSE w.long_words ~ %s END",
            params=[every_word, phrase, pattern],
        )

    def _expand(self, term: Term) -> list[str]:
        """The index's words that fit a pattern with a wildcard inside (`fath?r`), in code point order."""
        if term in self.expanded:
            return self.expanded[term]
        pattern = fold(term.text).replace("[", "[[]")
        literal = pattern.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
        column = COLUMNS[term.field]
        if self.index_table == TURNS_TABLE and column == COLUMNS[BODY]:
            self.expanded[term] = self._expand_from_terms(pattern, literal)
            return self.expanded[term]
        inner = f"SELECT {column} FROM {self.index_table}"
        params: list[object] = []
        if literal and (stem := fts5_words.folded_words(literal)) and len(stem) == 1:
            inner += f" WHERE {column} @@ CAST(' || quote_literal(%s) || ' AS tsquery)"
            params.append(lexeme(stem[0]) + ":*")
        regex = re.compile(glob_to_regex(pattern), re.DOTALL)
        sql = f"SELECT word FROM ts_stat('{inner}') ORDER BY word COLLATE \"C\""
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params or None)
            words = [row[0] for row in cursor if regex.match(row[0])]
        self.expanded[term] = words[:MAX_EXPANDED_TERMS]
        return self.expanded[term]

    def _expand_from_terms(self, pattern: str, literal: str) -> list[str]:
        """The turns' words that fit `pattern`, from the table of terms: its distinct words in order, one probe of
        the B-tree each (a skip scan), within the range of the pattern's literal start (runs of words, which
        start with a space, sort before every word), checked by the pattern's regular expression on the server
        and stopped at MAX_EXPANDED_TERMS."""
        low, high = (literal, after_prefix(literal)) if literal else ("!", None)
        below = "" if high is None else " AND s.term < %(high)s"
        sql = f"""
WITH RECURSIVE words(term) AS (
    (SELECT s.term FROM {TERMS_TABLE} s WHERE s.term >= %(low)s{below} ORDER BY s.term LIMIT 1)
    UNION ALL
    SELECT (SELECT s.term FROM {TERMS_TABLE} s WHERE s.term > w.term{below} ORDER BY s.term LIMIT 1)
    FROM words w WHERE w.term IS NOT NULL
)
SELECT term FROM words WHERE term IS NOT NULL AND term ~ %(regex)s LIMIT {MAX_EXPANDED_TERMS}"""
        with self.connection.cursor() as cursor:
            cursor.execute(sql, {"low": low, "high": high, "regex": glob_to_regex(pattern)})
            return [row[0] for row in cursor]


def after_prefix(prefix: str) -> str | None:
    """The first string after every string that starts with `prefix`, in code point order (None past the last
    code point)."""
    last = ord(prefix[-1]) + 1
    if last > 0x10FFFF:
        return None
    return prefix[:-1] + chr(0xE000 if 0xD800 <= last <= 0xDFFF else last)

"""Translating a parsed query (query_language.py) into one SQL condition over turns or memos.

A subtree made only of words and phrases of the text or the speaker becomes one FTS5 MATCH expression, which
SQLite answers from the index alone: `"trust"`, `body : "felt" "safe"`... An FTS5 NOT needs something on its
left, and the dyad / session / perspective / kind fields are columns of the study, not words; a subtree holding
those becomes plain SQL (`r.id IN (SELECT rowid ... MATCH ?)` for its FTS5 parts). The common queries stay pure
FTS5. A wildcard inside a word (`fath?r`) is expanded to the words of the index it fits (FTS5 knows prefixes
only), at most `MAX_EXPANDED_TERMS` of them.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass, field

from app.search.query_language import BODY, And, Everything, Node, Not, Or, Phrase, Term

MAX_EXPANDED_TERMS = 512
FTS_COLUMNS = (BODY, "speaker")


@dataclass(frozen=True)
class Target:
    """What a query runs over: an FTS5 table, its base table aliased `r`, and the SQL of each study field."""

    fts_table: str
    base: str  # the table of the records, as r
    joins: str  # the tables its study fields come from
    columns: dict[str, str]  # dyad, session, perspective, kind -> SQL expression


@dataclass
class Compiled:
    """Either an FTS5 MATCH expression (`fts`) or an SQL condition with its parameters."""

    fts: str | None = None
    sql: str | None = None
    params: list[object] = field(default_factory=list)

    def as_sql(self, target: Target) -> tuple[str, list[object]]:
        if self.fts is not None:
            return f"r.id IN (SELECT rowid FROM {target.fts_table} WHERE {target.fts_table} MATCH ?)", [
                self.fts
            ]
        assert self.sql is not None
        return self.sql, list(self.params)


NOTHING = Compiled(sql="0")


def compile_query(connection: sqlite3.Connection, node: Node, target: Target) -> Compiled:
    return _Compiler(connection, target).compile(node)


def quoted(text: str) -> str:
    """An FTS5 string: the tokenizer splits it into words (a phrase when there are several)."""
    return '"' + text.replace('"', '""') + '"'


def fold(text: str) -> str:
    """Lower case without diacritics, as unicode61 remove_diacritics 2 stores words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def highlight_expression(
    connection: sqlite3.Connection, leaves: list[Term | Phrase], target: Target
) -> str | None:
    """One MATCH expression finding every positive text leaf, for highlight(); None when there is none."""
    compiler = _Compiler(connection, target)
    parts = []
    for leaf in leaves:
        if leaf.field != BODY:
            continue
        compiled = compiler.compile(leaf)
        if compiled.fts is not None:
            parts.append(f"({compiled.fts})")
    return " OR ".join(parts) or None


class _Compiler:
    def __init__(self, connection: sqlite3.Connection, target: Target) -> None:
        self.connection = connection
        self.target = target

    def compile(self, node: Node) -> Compiled:
        if isinstance(node, Term | Phrase):
            return self._leaf(node)
        if isinstance(node, Everything):
            return Compiled(sql="1")
        if isinstance(node, Not):
            sql, params = self.compile(node.child).as_sql(self.target)
            return Compiled(sql=f"NOT ({sql})", params=params)
        if isinstance(node, Or):
            return self._or([self.compile(child) for child in node.children])
        assert isinstance(node, And)
        return self._and(node)

    def _or(self, parts: list[Compiled]) -> Compiled:
        if all(part.fts is not None for part in parts):
            return Compiled(fts=" OR ".join(f"({part.fts})" for part in parts))
        return self._sql(parts, " OR ")

    def _and(self, node: And) -> Compiled:
        positives = [self.compile(child) for child in node.children if not isinstance(child, Not)]
        negatives = [self.compile(child.child) for child in node.children if isinstance(child, Not)]
        if positives and all(part.fts is not None for part in (*positives, *negatives)):
            expression = " AND ".join(f"({part.fts})" for part in positives)
            if negatives:
                expression = f"({expression}) NOT ({' OR '.join(f'({part.fts})' for part in negatives)})"
            return Compiled(fts=expression)
        parts = positives + [self._negated(part) for part in negatives]
        return self._sql(parts, " AND ")

    def _negated(self, part: Compiled) -> Compiled:
        sql, params = part.as_sql(self.target)
        return Compiled(sql=f"NOT ({sql})", params=params)

    def _sql(self, parts: list[Compiled], joiner: str) -> Compiled:
        pieces, params = [], []
        for part in parts:
            sql, more = part.as_sql(self.target)
            pieces.append(f"({sql})")
            params.extend(more)
        return Compiled(sql=joiner.join(pieces), params=params)

    def _leaf(self, leaf: Term | Phrase) -> Compiled:
        if leaf.field in FTS_COLUMNS:
            if isinstance(leaf, Phrase) or not leaf.pattern:
                return Compiled(fts=f"{leaf.field} : {quoted(leaf.text)}")
            return self._wildcard(leaf)
        column = self.target.columns[leaf.field]
        value = leaf.text.lower()
        if isinstance(leaf, Term) and leaf.pattern:
            return Compiled(sql=f"coalesce(lower(CAST({column} AS TEXT)), '') GLOB ?", params=[value])
        return Compiled(sql=f"coalesce(lower(CAST({column} AS TEXT)), '') = ?", params=[value])

    def _wildcard(self, term: Term) -> Compiled:
        stem = term.text.rstrip("*")
        if "*" not in stem and "?" not in stem and stem:
            return Compiled(fts=f"{term.field} : {quoted(stem)} *")  # a prefix: FTS5 does it natively
        words = self._expand(term)
        if not words:
            return NOTHING
        return Compiled(fts=f"{term.field} : ({' OR '.join(quoted(word) for word in words)})")

    def _expand(self, term: Term) -> list[str]:
        pattern = fold(term.text).replace("[", "[[]")
        literal = pattern.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
        vocabulary = f"temp.{self.target.fts_table}_words"
        self.connection.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocabulary}"
            f" USING fts5vocab(main, {self.target.fts_table}, col)"
        )
        sql = f"SELECT DISTINCT term FROM {vocabulary} WHERE col = ? AND term GLOB ?"
        params: list[object] = [term.field, pattern]
        if literal:
            sql += " AND term >= ? AND term < ?"
            params += [literal, literal + "\U0010ffff"]
        rows = self.connection.execute(sql + f" ORDER BY term LIMIT {MAX_EXPANDED_TERMS}", params)
        return [row[0] for row in rows]

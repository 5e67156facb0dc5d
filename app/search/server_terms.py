"""The turns a query's words are in, in turn order, from the server index's table of terms.

For the queries the table of terms can answer (app/storage/server_search_terms.py): a word, a phrase, and any of
them joined by AND, in the words of turns (not a speaker, a wildcard or a study field). A word, or a phrase of two
or three words, is one term: the turns holding it are exactly its hits, and AND of such terms is exactly the turns
holding them all. A longer phrase is its runs of three words: the turns holding them all are the only ones that
can match, in turn order, and each is checked against the whole query before it counts as a hit (the runs may
stand apart in a turn).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.search.query_language import BODY, And, Node, Phrase, Term
from app.search.tsquery import Compiler
from app.storage.server_search_terms import RUN, TERM_BYTES, TERMS_TABLE


@dataclass(frozen=True)
class Lookup:
    """The terms every hit holds; `exact` when every turn holding them is a hit."""

    terms: tuple[str, ...]
    exact: bool

    def turns(self) -> tuple[str, list[object]]:
        """SELECT of the ids of the turns holding every term, in id order (index-only scans, merged)."""
        first, *others = self.terms
        joins = "".join(
            f" JOIN {TERMS_TABLE} t{n} ON t{n}.id = t0.id AND t{n}.term = %s"
            for n in range(1, len(self.terms))
        )
        return f"SELECT t0.id FROM {TERMS_TABLE} t0{joins} WHERE t0.term = %s", [*others, first]

    def count(self) -> tuple[str, list[object]] | None:
        """SELECT of the count of the matches when the terms are exact (index-only scans, merged), or None when
        the GIN index counts them (the turns holding a longer phrase's runs are not all its hits)."""
        if not self.exact:
            return None
        turns, params = self.turns()
        return f"SELECT count(*) FROM ({turns}) c", params


def lookup(node: Node, compiler: Compiler) -> Lookup | None:
    """The terms of a query in the words of turns, or None when the table of terms cannot answer it."""
    if isinstance(node, Term | Phrase):
        return _leaf(node, compiler)
    if isinstance(node, And):
        parts = [lookup(child, compiler) for child in node.children]
        if not parts or any(part is None for part in parts):
            return None
        terms = tuple(dict.fromkeys(term for part in parts if part for term in part.terms))
        return Lookup(terms, all(part.exact for part in parts if part))
    return None


def _leaf(leaf: Term | Phrase, compiler: Compiler) -> Lookup | None:
    if leaf.field != BODY or (isinstance(leaf, Term) and leaf.pattern):  # a pattern's words are in no term
        return None
    found = compiler.matcher(leaf)
    if found is None or found.prefix or found.alternatives or not found.words:
        return None
    words = found.words
    run = min(len(words), RUN)
    terms = tuple(" ".join(words[start : start + run]) for start in range(len(words) - run + 1))
    if any(len(term.encode("utf-8")) > TERM_BYTES for term in terms):
        return None
    return Lookup(tuple(dict.fromkeys(terms)), exact=len(words) <= RUN)

"""The turns a query's words are in, from the server index's table of terms (app/storage/server_search_terms.py).

A query in the words of turns and of their speakers (words, prefixes, phrases, AND, NOT; not a wildcard inside a
word or a study field) becomes a set of turns read from the B-tree of terms alone. A word, or a phrase of two or
three words, is one term: the turns holding it are exactly its hits; a prefix (`trust*`) is a range of words. AND
of them is the turns holding them all (their ranges merged in turn order), NOT the turns without them. A longer
phrase is its runs of three words: the turns holding them all are the only ones that can match, and each is
checked against the whole query before it counts as a hit (the runs may stand apart in a turn). Such a set is
`exact` when every turn in it is a hit.

OR, as a whole query, reads the first hits of each part (`Either`) and leaves the count to the GIN index: a
union's count has to gather every turn of every part and sort them (PostgreSQL 15 sorts appended ranges rather
than merging them), which measured slower than GIN. OR inside AND or NOT is left to the GIN index whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.search.query_language import BODY, And, Node, Not, Or, Phrase, Term
from app.search.tsquery import Compiler, after_prefix
from app.storage.server_search_index import TURNS_TABLE
from app.storage.server_search_terms import RUN, RUN_BYTES, SPEAKER_MARK, TERMS_TABLE


@dataclass(frozen=True)
class Lookup:
    """Turns from the table of terms: those holding every one of `terms`, or those the SELECT `sql` gives.
    `exact` when every one of them is a hit (else they are the only turns that can be)."""

    terms: tuple[str, ...] = ()
    exact: bool = True
    sql: str = ""
    params: tuple[object, ...] = ()
    countable: bool = True  # counted from the B-tree faster than by the GIN index
    counted: tuple[str, tuple[object, ...]] | None = None  # a SELECT of its count, when not a count of `sql`

    def turns(self) -> tuple[str, list[object]]:
        """SELECT of the ids of the turns, each once (a plain AND of terms: their index-only scans merged)."""
        if not self.terms:
            return self.sql, list(self.params)
        first, *others = self.terms
        joins = "".join(
            f" JOIN {TERMS_TABLE} t{n} ON t{n}.id = t0.id AND t{n}.term = %s"
            for n in range(1, len(self.terms))
        )
        return f"SELECT t0.id FROM {TERMS_TABLE} t0{joins} WHERE t0.term = %s", [*others, first]

    def first(self, limit: int, check: str, check_params: list[object]) -> tuple[str, list[object]]:
        """SELECT of the ids of the first `limit` hits, in order: the turns, each checked against the whole query
        (`check`, a condition on its row `w` of the index) when the set is not exact, until enough are found."""
        turns, params = self.turns()
        checked = ""
        if not self.exact:
            checked = f" WHERE (SELECT {check} FROM {TURNS_TABLE} w WHERE w.id = c.id)"
            params = params + check_params
        return f"SELECT c.id FROM ({turns}) c{checked} ORDER BY c.id LIMIT {int(limit)}", params

    def count(self) -> tuple[str, list[object]] | None:
        """SELECT of the count of the matches when the set is exact, or None when the GIN index counts them (the
        turns holding a longer phrase's runs are not all its hits; a prefix's range joined to other terms is
        planned on a guess of its size, a loop over every turn of the range)."""
        if not self.exact or not self.countable:
            return None
        if self.counted is not None:
            return self.counted[0], list(self.counted[1])
        turns, params = self.turns()
        return f"SELECT count(*) FROM ({turns}) c", params


@dataclass(frozen=True)
class Either:
    """OR of parts: the query's first hits are among each part's first hits (each part's turns checked against
    the whole query), so a few of each are read in order. A union's count needs every turn of every part, which
    the GIN index counts faster."""

    parts: tuple[Lookup, ...]

    def first(self, limit: int, check: str, check_params: list[object]) -> tuple[str, list[object]]:
        firsts = [part.first(limit, check, check_params) for part in self.parts]
        union = " UNION ".join(f"({sql})" for sql, _ in firsts)
        params = [value for _, more in firsts for value in more]
        return f"SELECT id FROM ({union}) e ORDER BY id LIMIT {int(limit)}", params

    def count(self) -> None:
        return None


EVERY_TURN = Lookup(sql=f"SELECT id FROM {TURNS_TABLE}")


def first_hits(node: Node, compiler: Compiler) -> Lookup | Either | None:
    """Where the first hits of a query in the words of turns are read from the table of terms, or None when it
    cannot say."""
    if isinstance(node, Or):
        parts = [lookup(child, compiler) for child in node.children]
        return Either(tuple(part for part in parts if part)) if all(parts) else None
    return lookup(node, compiler)


def lookup(node: Node, compiler: Compiler) -> Lookup | None:
    """The turns that can match a query in the words of turns, or None when the table of terms cannot say."""
    if isinstance(node, Term | Phrase):
        return _leaf(node, compiler)
    if isinstance(node, Not):
        return _but_not(EVERY_TURN, [lookup(node.child, compiler)])
    if isinstance(node, And):
        wanted = [lookup(child, compiler) for child in node.children if not isinstance(child, Not)]
        unwanted = [lookup(child.child, compiler) for child in node.children if isinstance(child, Not)]
        found = _all_of(wanted) if wanted else EVERY_TURN
        return _but_not(found, unwanted) if unwanted and found is not None else found
    return None


def _all_of(parts: list[Lookup | None]) -> Lookup | None:
    """The turns in every part: one merge of their terms when each is a plain AND of terms."""
    known = [part for part in parts if part is not None]
    if not known or len(known) < len(parts):
        return None
    exact = all(part.exact for part in known)
    if all(part.terms for part in known):
        return Lookup(tuple(dict.fromkeys(term for part in known for term in part.terms)), exact)
    selects = [part.turns() for part in known]
    joins = "".join(f" JOIN ({sql}) a{n} ON a{n}.id = a0.id" for n, (sql, _) in enumerate(selects) if n)
    params = tuple(value for _, more in selects for value in more)
    return Lookup(
        exact=exact, sql=f"SELECT a0.id FROM ({selects[0][0]}) a0{joins}", params=params, countable=False
    )


def _but_not(found: Lookup, unwanted: list[Lookup | None]) -> Lookup | None:
    """The turns of `found` in no unwanted part. The unwanted must be exact (taking away more turns than match
    them would lose hits), and be terms unless they are taken from every turn: a prefix's range, taken from a
    word's turns, is planned on a guess of its size and measured slower than the GIN index."""
    if any(part is None or not part.exact for part in unwanted):
        return None
    if found is not EVERY_TURN and not all(part.terms for part in unwanted if part is not None):
        return None
    parts = [part for part in unwanted if part is not None]
    sql, params = found.turns()
    for part in parts:
        taken, more = part.turns()
        sql = f"SELECT f.id FROM ({sql}) f WHERE NOT EXISTS (SELECT 1 FROM ({taken}) u WHERE u.id = f.id)"
        params = params + more
    counted = _difference_count(found, parts)
    countable = counted is not None and found.countable and all(part.countable for part in parts)
    return Lookup(exact=found.exact, sql=sql, params=tuple(params), countable=countable, counted=counted)


def _difference_count(found: Lookup, parts: list[Lookup]) -> tuple[str, tuple[object, ...]] | None:
    """The count of the turns of `found` without those of one part, as the count of the found less the count of
    the turns in both (two merges of B-tree ranges; an anti-join is planned on a guess of a term's size, which
    can make it a loop over every turn of the found with a probe for each). None for anything else."""
    if len(parts) != 1:
        return None
    if found is EVERY_TURN:
        both = parts[0]
    elif found.terms and parts[0].terms:
        both = Lookup(tuple(dict.fromkeys(found.terms + parts[0].terms)))
    else:
        return None
    (whole, params), (common, more) = found.turns(), both.turns()
    counted = f"SELECT (SELECT count(*) FROM ({whole}) f) - (SELECT count(*) FROM ({common}) b)"
    return counted, (*params, *more)


def _leaf(leaf: Term | Phrase, compiler: Compiler) -> Lookup | None:
    mark = _MARKS.get(leaf.field)
    if mark is None:
        return None
    if isinstance(leaf, Term) and leaf.pattern:
        return _prefix(leaf, compiler, mark)
    found = compiler.matcher(leaf)
    if found is None or found.prefix or found.alternatives or not found.words:
        return None
    words = found.words
    if len(words) == 1:
        return Lookup((mark + words[0],), exact=True)
    if mark:  # a speaker's name of several words: turns whose speaker has them all, each checked
        return Lookup(tuple(dict.fromkeys(mark + word for word in words)), exact=False)
    run = min(len(words), RUN)
    runs = tuple(dict.fromkeys(" " + " ".join(words[at : at + run]) for at in range(len(words) - run + 1)))
    if any(len(term.encode("utf-8")) > RUN_BYTES for term in runs):
        return None
    return Lookup(runs, exact=len(words) <= RUN)


_MARKS = {BODY: "", "speaker": SPEAKER_MARK}  # what comes before a field's words in the table of terms


def _prefix(leaf: Term, compiler: Compiler, mark: str) -> Lookup | None:
    """`trust*`: the turns holding a word that starts so, a range of the B-tree's words (runs, starting with a
    space, and speakers' words, with a tab, sort apart). A wildcard inside a word (`fath?r`) is left to the GIN
    index."""
    stem = leaf.text.rstrip("*")
    if not stem or "*" in stem or "?" in stem:
        return None
    found = compiler.matcher(leaf)
    if found is None or not found.prefix or len(found.words) != 1:
        return None
    start = mark + found.words[0]
    end = after_prefix(start)
    if end is None:
        return None
    range_sql = f"SELECT DISTINCT id FROM {TERMS_TABLE} WHERE term >= %s AND term < %s"
    return Lookup(exact=True, sql=range_sql, params=(start, end))

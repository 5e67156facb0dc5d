"""Phrases of three or more words, found through the word-pair field instead of word positions.

Checking word positions costs whoosh tens of microseconds a candidate turn, and a common phrase ("it sounds
like") has thousands of candidates in a large study. The ``pairs`` field (see `schema.py`) holds each turn's
pairs of adjacent words, a marker for every word repeated in the turn, and the three words around each
occurrence of a repeated word. For the phrase w1 .. wn, a turn is a candidate when it holds every pair. Then, for
each inner word (w2 .. wn-1):
- occurring once in the turn, it anchors its neighbours: the one "b" must be the "b" of the pairs "a b" and
  "b c", so w(i-1) stands right before it and w(i+1) right after;
- repeated in the turn, the turn must hold the three words around it ("a b c"), else the phrase cannot be
  there; when it does and a neighbour is an anchor or an end of the phrase, that triple is placed by the anchor.
Chained together this proves the phrase is in the turn, except where two inner words next to each other are
both repeated: only those turns have their word positions read. The result is exact, never an estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from whoosh import matching, query
from whoosh.reading import IndexReader

from app.search.schema import PAIRS_FIELD, TEXT_FIELD, pair_term, repeated_term, triple_term

# Below this ratio of a posting list's length to the candidates left, walking the list beats skipping in it.
_SKIP_RATIO = 16


class ChainedPhrase(query.Query):
    """A plain phrase of three or more (stemmed) words in the ``text`` field, matched via word pairs."""

    def __init__(self, words: Sequence[str], boost: float = 1.0) -> None:
        if len(words) < 3:
            raise ValueError("a chained phrase needs at least three words")
        self.words = tuple(words)
        self.boost = boost

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChainedPhrase) and other.words == self.words and other.boost == self.boost

    def __hash__(self) -> int:
        return hash((ChainedPhrase, self.words, self.boost))

    def __repr__(self) -> str:
        return f"ChainedPhrase({self.words!r})"

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader: IndexReader) -> int:
        return min(ixreader.doc_frequency(PAIRS_FIELD, pair_term(a, b)) for a, b in pairwise(self.words))

    def matcher(self, searcher, context=None) -> matching.Matcher:
        docnums: list[int] = []
        for subsearcher, offset in searcher.leaf_searchers():
            docnums.extend(offset + docnum for docnum in phrase_docnums(subsearcher.reader(), self.words))
        if not docnums:
            return matching.NullMatcher()
        return matching.ListMatcher(docnums, all_weights=self.boost)


def phrase_docnums(reader: IndexReader, words: Sequence[str]) -> list[int]:
    """The (live) records of one segment holding the words one after another, in docnum order."""
    pairs = sorted({pair_term(a, b) for a, b in pairwise(words)})
    if any((PAIRS_FIELD, pair) not in reader for pair in pairs):
        return []
    pairs.sort(key=lambda pair: reader.doc_frequency(PAIRS_FIELD, pair))
    candidates = set(_ids(reader, pairs[0]))
    for pair in pairs[1:]:
        if not candidates:
            return []
        candidates = _keep_holding(reader, pair, candidates)
    repeated: list[set[int]] = []  # per inner word: the candidates where it occurs more than once
    for index in range(1, len(words) - 1):
        word = words[index]
        here = _keep_holding(reader, repeated_term(word), candidates) if candidates else set()
        if here:
            triple = triple_term(words[index - 1], word, words[index + 1])
            candidates -= here - _keep_holding(reader, triple, here)
            here &= candidates
        repeated.append(here)
    uncertain: set[int] = set()
    for left, right in pairwise(repeated):
        uncertain |= left & right & candidates
    certain = candidates - uncertain
    certain.update(_with_run(reader, words, sorted(uncertain)))
    return sorted(certain)


def _ids(reader: IndexReader, term: str) -> Iterable[int]:
    return reader.postings(PAIRS_FIELD, term).all_ids()  # deleted records are left out by the reader


def _keep_holding(reader: IndexReader, term: str, candidates: set[int]) -> set[int]:
    """The candidates whose record holds `term` (a pair, a triple or a repetition marker)."""
    if not candidates or (PAIRS_FIELD, term) not in reader:
        return set()
    if reader.doc_frequency(PAIRS_FIELD, term) < _SKIP_RATIO * len(candidates):
        return candidates.intersection(_ids(reader, term))
    matcher = reader.postings(PAIRS_FIELD, term)
    kept: set[int] = set()
    for docnum in sorted(candidates):
        if not matcher.is_active():
            break
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            kept.add(docnum)
    return kept


def _with_run(reader: IndexReader, words: Sequence[str], docnums: list[int]) -> list[int]:
    """Of `docnums` (ascending), those where the words stand at consecutive positions."""
    if not docnums:
        return []
    matchers = {word: reader.postings(TEXT_FIELD, word) for word in set(words)}
    found = []
    for docnum in docnums:
        positions: dict[str, set[int]] = {}
        for word, matcher in matchers.items():
            if matcher.is_active():
                matcher.skip_to(docnum)
            if not matcher.is_active() or matcher.id() != docnum:
                break
            positions[word] = set(matcher.value_as("positions"))
        else:
            if any(
                all(start + step in positions[word] for step, word in enumerate(words))
                for start in positions[words[0]]
            ):
                found.append(docnum)
    return found

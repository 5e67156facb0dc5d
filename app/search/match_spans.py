"""Where exactly a query matched inside each hit: code-point spans read from the index, never re-tokenized.

Both text fields store every posting's character range (whoosh's `Characters` format). The turn was indexed
exactly as stored, so a posting's range is a code-point range into the turn text (Python `str` indices, so an
emoji before a word does not shift it). For each positive leaf of the query (not under NOT):
- a word, stem, wildcard or fuzzy term: every occurrence of every index term it expands to;
- a phrase: each run of its words at consecutive positions (within the phrase's slop), from the first word's
  start to the last word's end, so a phrase across a line break is one span that contains the line break.
Overlapping spans are merged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from whoosh import query
from whoosh.searching import Searcher

from app.search.schema import TEXT_FIELDS

Span = tuple[int, int]
Posting = tuple[int, int, int]  # (position, startchar, endchar)
MAX_EXPANDED_TERMS = 512  # a wildcard such as `a*` may expand to thousands of words; highlight the first ones


def positive_leaves(node: query.Query) -> Iterator[query.Query]:
    """Leaves whose matches show as highlights: everything except what is negated."""
    if isinstance(node, query.Not):
        return
    if isinstance(node, query.AndNot):
        yield from positive_leaves(node.a)
        return
    if isinstance(node, query.Phrase) or node.is_leaf():
        yield node
        return
    for child in node.children():
        yield from positive_leaves(child)


class _PostingCache:
    """Character postings of (field, term) for the wanted documents, read once per term."""

    def __init__(self, searcher: Searcher, docnums: Sequence[int]) -> None:
        self._searcher = searcher
        self._docnums = sorted(set(docnums))
        self._cache: dict[tuple[str, bytes], dict[int, list[Posting]]] = {}

    def get(self, fieldname: str, btext: bytes) -> dict[int, list[Posting]]:
        key = (fieldname, btext)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._read(fieldname, btext)
        return found

    def _read(self, fieldname: str, btext: bytes) -> dict[int, list[Posting]]:
        result: dict[int, list[Posting]] = {}
        try:
            matcher = self._searcher.postings(fieldname, btext)
        except Exception:  # the term is not in the index (whoosh raises TermNotFound)
            return result
        for docnum in self._docnums:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                result[docnum] = list(matcher.value_as("characters"))
        return result


def match_spans(searcher: Searcher, parsed: query.Query, docnums: Sequence[int]) -> dict[int, list[Span]]:
    """{docnum: sorted, merged spans into that record's indexed text} for the given hits."""
    spans: dict[int, list[Span]] = {docnum: [] for docnum in docnums}
    if not docnums:
        return spans
    cache = _PostingCache(searcher, docnums)
    reader = searcher.reader()
    for leaf in positive_leaves(parsed):
        fieldname = getattr(leaf, "fieldname", None)
        if fieldname not in TEXT_FIELDS:
            continue
        if isinstance(leaf, query.Phrase):
            _phrase_spans(leaf, cache, searcher, spans)
            continue
        terms = [t for f, t in leaf.existing_terms(reader, phrases=False, expand=True) if f == fieldname]
        for btext in sorted(terms)[:MAX_EXPANDED_TERMS]:
            for docnum, postings in cache.get(fieldname, btext).items():
                spans[docnum].extend((start, end) for _, start, end in postings)
    return {docnum: _merged(found) for docnum, found in spans.items()}


def _phrase_spans(
    phrase: query.Phrase, cache: _PostingCache, searcher: Searcher, spans: dict[int, list[Span]]
) -> None:
    field = searcher.schema[phrase.fieldname]
    per_word = [cache.get(phrase.fieldname, field.to_bytes(word)) for word in phrase.words]
    if not per_word:
        return
    slop = max(1, int(phrase.slop))
    for docnum, first_postings in per_word[0].items():
        others: list[dict[int, Posting]] = []
        for word_postings in per_word[1:]:
            postings = word_postings.get(docnum)
            if not postings:
                break
            others.append({posting[0]: posting for posting in postings})
        else:
            for position, start, end in first_postings:
                last_end = _phrase_end(position, end, others, slop)
                if last_end is not None:
                    spans[docnum].append((start, last_end))


def _phrase_end(position: int, end: int, others: list[dict[int, Posting]], slop: int) -> int | None:
    current, last_end = position, end
    for by_position in others:
        for step in range(1, slop + 1):
            posting = by_position.get(current + step)
            if posting is not None:
                current, last_end = posting[0], posting[2]
                break
        else:
            return None
    return last_end


def _merged(found: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged

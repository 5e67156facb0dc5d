"""Running a parsed query fast: phrases on word pairs, exact totals without scoring, early stop.

Whoosh's own collector scores every matching turn (BM25, pure Python) even when only the first hundred are
shown, and checks word positions in every candidate turn for a phrase. On a study of two million words a common
word matches over ten thousand turns, so that costs a tenth of a second a query. Here:
- hits come in index order (documents in the order they were indexed, turns in text order), unscored: for
  qualitative work the order of the transcript is the natural one, and nothing needs scoring;
- the total is exact: for a single term it is the term's document frequency (less the deleted records that
  held it), otherwise the matching ids are counted;
- a phrase of plain words is looked up in the `pairs` field: two words are one term, a longer phrase is a
  `ChainedPhrase` (turns holding all its pairs; positions are read only where an inner word repeats).
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import query
from whoosh.searching import Searcher

from app.search.phrases import ChainedPhrase
from app.search.schema import PAIRS_FIELD, TEXT_FIELD, pair_term


def on_pairs(node: query.Query) -> query.Query:
    """The same query with every plain stemmed phrase searched on the word-pair field."""
    if isinstance(node, query.Phrase):
        words = list(node.words)
        if node.fieldname != TEXT_FIELD or node.slop != 1 or len(words) < 2:
            return node
        if len(words) == 2:
            return query.Term(PAIRS_FIELD, pair_term(*words), boost=node.boost)
        return ChainedPhrase(words, boost=node.boost)
    if node.is_leaf():
        return node
    return node.apply(on_pairs)


def can_match_everything(node: query.Query) -> bool:
    """True when the query may match records without text (bookkeeping records): a NOT or a match-all."""
    if isinstance(node, query.Not | query.Every):
        return True
    return any(can_match_everything(child) for child in node.children())


def collect(
    searcher: Searcher, parsed: query.Query, limit: int | None, excluded: frozenset[int] = frozenset()
) -> tuple[int, list[int]]:
    """(exact number of matching records, the first `limit` docnums in index order)."""
    if isinstance(parsed, query.Term) and not excluded:
        total = _term_total(searcher, parsed)
        wanted = total if limit is None else min(limit, total)
        first: list[int] = []
        if wanted:
            for docnum in _matching_ids(searcher, parsed, excluded):
                first.append(docnum)
                if len(first) >= wanted:
                    break
        return total, first
    total = 0
    first = []
    for docnum in _matching_ids(searcher, parsed, excluded):
        total += 1
        if limit is None or len(first) < limit:
            first.append(docnum)
    return total, first


def _term_total(searcher: Searcher, term: query.Term) -> int:
    """Records holding the term: its document frequency in each segment, less the deleted records holding it
    (whoosh keeps a segment's frequencies as written; deletions only mark records)."""
    field = searcher.schema[term.fieldname]
    btext = field.to_bytes(term.text) if isinstance(term.text, str) else term.text
    total = 0
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if (term.fieldname, btext) not in reader:
            continue
        total += reader.doc_frequency(term.fieldname, btext)
        deleted = sorted(getattr(reader, "deleted_docs_set", ())) if reader.has_deletions() else []
        if deleted:
            matcher = reader.postings(term.fieldname, btext)
            raw = getattr(matcher, "child", matcher)  # the postings without the deletions filter...
            raw.reset()  # ...from their start (the filter has already moved past deleted records)
            for docnum in deleted:
                if not raw.is_active():
                    break
                raw.skip_to(docnum)
                if raw.is_active() and raw.id() == docnum:
                    total -= 1
    return total


def _matching_ids(searcher: Searcher, parsed: query.Query, excluded: frozenset[int]) -> Iterator[int]:
    context = searcher.boolean_context()
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = parsed.matcher(subsearcher, context)
        for docnum in matcher.all_ids():
            docnum += offset
            if docnum not in excluded:
                yield docnum

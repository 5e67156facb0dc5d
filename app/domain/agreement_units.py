"""Units of agreement built from coded spans, by interval arithmetic (never one array cell per character).

Spans are half-open code point ranges `(start, end)` on one document's text. Three units:

- character (NVivo): every code point of the text is a unit, coded with the code or not by each coder. The
  2x2 table comes from lengths of merged spans: both = |A n B|, only_a = |A| - both, only_b = |B| - both,
  neither = text length - |A u B|. Cost O(codings log codings) per document, whatever the text length.
- segment (MAXQDA): each coding is a unit; see `match_segments` for when two codings agree.
- presence: each document is a unit; did the coder use the code in it at all.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.agreement_stats import Table2x2
from app.domain.spans import Span, covered, intersection_length, merge_spans


class AgreementUnit(StrEnum):
    """What one unit of agreement is; the values are the CLI's `--unit` words and the JSON's `unit`."""

    CHARACTER = "character"  # every code point of the text (NVivo)
    SEGMENT = "segment"  # every coding (MAXQDA)
    PRESENCE = "presence"  # every document: was the code used in it at all


class OverlapMode(StrEnum):
    """How the overlap of two codings is measured at the segment unit (see `overlap_ratio`)."""

    UNION = "union"  # |a n b| / |a u b|
    OWN = "own"  # |a n b| / |a|


OVERLAP_MEASURES = tuple(OverlapMode)


def character_table(length: int, spans_a: Iterable[Span], spans_b: Iterable[Span]) -> Table2x2:
    """The character-level 2x2 table of one code in one document of `length` code points."""
    a = merge_spans(spans_a, length=length)
    b = merge_spans(spans_b, length=length)
    both = intersection_length(a, b)
    len_a, len_b = covered(a), covered(b)
    return Table2x2(both, len_a - both, len_b - both, length - len_a - len_b + both)


def presence_table(pairs: Iterable[tuple[bool, bool]]) -> Table2x2:
    """Code presence: one unit per document, (used by A, used by B)."""
    counts = [0, 0, 0, 0]
    for used_a, used_b in pairs:
        counts[(0 if used_a else 2) + (0 if used_b else 1)] += 1
    both, only_a, only_b, neither = counts
    return Table2x2(both, only_a, only_b, neither)


# -- segment level ---------------------------------------------------------------------------------


def overlap_ratio(a: Span, b: Span, measure: str = OverlapMode.UNION) -> float:
    """How much two codings overlap, 0..1.

    `union` (default, the MAXQDA-style symmetric criterion): |a n b| / |a u b|, the Jaccard index of the two
    ranges; a 90 % threshold then means both boundaries nearly coincide. `own`: |a n b| / |a|, the share of
    coding `a` covered by `b` (asymmetric: a short coding inside a long one counts as fully covered).
    """
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    if measure == "own":
        return inter / (a[1] - a[0])
    if measure != "union":
        raise ValueError(f"unknown overlap measure {measure!r}; use one of {', '.join(OVERLAP_MEASURES)}")
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


@dataclass(frozen=True)
class SegmentMatch:
    """Codings of one code in one document after matching: agreed pairs, and each coder's unmatched codings."""

    pairs: tuple[tuple[Span, Span], ...]
    only_a: tuple[Span, ...]
    only_b: tuple[Span, ...]

    @property
    def table(self) -> Table2x2:
        """a = agreed pairs, b/c = unmatched codings of A/B, d = 0 (uncoded text is no segment)."""
        return Table2x2(len(self.pairs), len(self.only_a), len(self.only_b), 0)


def match_segments(
    spans_a: Iterable[Span], spans_b: Iterable[Span], threshold: float = 0.9, measure: str = "union"
) -> SegmentMatch:
    """Pair codings of two coders one-to-one where they overlap by at least `threshold`.

    A coding agrees when the other coder applied the same code to a segment overlapping it by at least the
    threshold (Kuckartz & Raediker 2019, ch. 18, MAXQDA's segment-level intercoder agreement). Matching is
    one-to-one and greedy by decreasing overlap, so one long coding cannot "agree" with three short ones;
    with `measure="own"` a pair must reach the threshold from both sides' point of view (min of the two).
    Exact duplicate codings of one coder count once.
    """
    if not 0 < threshold <= 1:
        raise ValueError("the overlap threshold must be above 0 and at most 1")
    a = sorted(set(spans_a))
    b = sorted(set(spans_b))
    candidates: list[tuple[float, int, int]] = []
    starts_b = [span[0] for span in b]
    for i, span_a in enumerate(a):
        for j in range(bisect_left(starts_b, span_a[1])):  # codings of B starting before this one ends
            span_b = b[j]
            if span_b[1] <= span_a[0]:
                continue
            ratio = min(overlap_ratio(span_a, span_b, measure), overlap_ratio(span_b, span_a, measure))
            if ratio >= threshold:
                candidates.append((-ratio, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _ratio, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    pairs.sort()
    return SegmentMatch(
        tuple(pairs),
        tuple(s for i, s in enumerate(a) if i not in used_a),
        tuple(s for j, s in enumerate(b) if j not in used_b),
    )


# -- disagreement stretches -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stretch:
    """A maximal range where the two coders' sets of codes differ (one coded, the other not, or other codes)."""

    start: int
    end: int
    codes_a: frozenset[int]
    codes_b: frozenset[int]


def disagreement_stretches(
    length: int, spans_a: dict[int, Sequence[Span]], spans_b: dict[int, Sequence[Span]]
) -> list[Stretch]:
    """Every stretch of a document where coder A's codes differ from coder B's (`{code: spans}` per coder).

    A boundary sweep over all codes' merged spans: between consecutive boundaries both coders' code sets are
    constant; neighbouring pieces with the same pair of sets join into one stretch.
    """
    events: dict[int, list[tuple[int, int, int]]] = {}  # position -> (coder, code, +1/-1)
    for coder, by_code in ((0, spans_a), (1, spans_b)):
        for code, spans in by_code.items():
            for start, end in merge_spans(spans, length=length):
                events.setdefault(start, []).append((coder, code, 1))
                events.setdefault(end, []).append((coder, code, -1))
    active: tuple[set[int], set[int]] = (set(), set())
    result: list[Stretch] = []
    positions = sorted(events)
    for index, position in enumerate(positions):
        for coder, code, delta in events[position]:
            if delta < 0:
                active[coder].discard(code)
        for coder, code, delta in events[position]:
            if delta > 0:
                active[coder].add(code)
        if index + 1 == len(positions) or active[0] == active[1]:
            continue
        end = positions[index + 1]
        codes_a, codes_b = frozenset(active[0]), frozenset(active[1])
        last = result[-1] if result else None
        if last and last.end == position and last.codes_a == codes_a and last.codes_b == codes_b:
            result[-1] = Stretch(last.start, end, codes_a, codes_b)
        else:
            result.append(Stretch(position, end, codes_a, codes_b))
    return result

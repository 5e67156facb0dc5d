"""Half-open code point ranges `(start, end)` on one document's text: union, coverage, intersection, overlap.

The one implementation of span arithmetic; agreement, search, comparison and word counts all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Span = tuple[int, int]


def merge_spans(spans: Iterable[Span], *, length: int | None = None, touching: bool = True) -> list[Span]:
    """Sorted, non-overlapping spans covering the same code points (clipped to `[0, length)` when given).

    `touching=True` also joins spans that only touch (`(0, 5)` and `(5, 9)`): right for counting characters;
    `touching=False` keeps them apart, as separate units or highlights.
    """
    clipped = []
    for start, end in spans:
        if length is not None:
            start, end = max(0, start), min(end, length)
        if end > start:
            clipped.append((start, end))
    clipped.sort()
    merged: list[Span] = []
    for start, end in clipped:
        if merged and (start < merged[-1][1] or (touching and start == merged[-1][1])):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covered(merged: Sequence[Span]) -> int:
    """Code points covered by merged (non-overlapping) spans."""
    return sum(end - start for start, end in merged)


def intersection_length(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Code points covered by both of two merged span lists (two-pointer sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            total += end - start
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def overlaps_any(span: Span, ranges: Sequence[Span]) -> bool:
    """Whether `span` shares at least one code point with any of `ranges`."""
    return any(s < span[1] and span[0] < e for s, e in ranges)

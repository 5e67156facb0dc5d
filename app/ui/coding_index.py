"""Fast answers about the codings shown in one document: what covers a range, where stripes go.

Built once per refresh of a document (thousands of codings in a few milliseconds) and then queried on every paint:
the highlighter asks for the painted segments of each block, the stripe margin for the codings in the visible
range, and mouse handling for what lies under a point. Positions are code points; this module knows nothing of
Qt so it can be tested and benchmarked on its own.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable
from itertools import pairwise
from typing import NamedTuple

LONG = 4096  # code points; codings longer than this are kept apart for lookups


class ShownCoding(NamedTuple):
    """A coding as the editor shows it: where, which code, whose, in which colour, with its memo if any.

    A NamedTuple, not a dataclass: the editor builds thousands on every refresh and tuples are built fastest.
    """

    id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    color: str  # the stripe/highlight colour: the code's, or the coder's hue when comparing coders
    code_name: str
    coder_name: str = ""
    memo: str = ""


class Segment(NamedTuple):
    """A maximal range covered by the same set of codings (the unit the highlighter paints)."""

    start: int
    end: int
    codings: tuple[ShownCoding, ...]


class CodingIndex:
    """Codings sorted by start with a bisect lookup, stripe columns and painted segments precomputed."""

    def __init__(self, codings: Iterable[ShownCoding]) -> None:
        self.codings: list[ShownCoding] = sorted(codings, key=_order)
        # Short codings are found with a bisect window of the longest short one; the few long ones (a whole
        # answer, a whole document) are checked one by one, so one huge coding cannot slow every lookup.
        self._short = [c for c in self.codings if c.end - c.start <= LONG]
        self._long = [c for c in self.codings if c.end - c.start > LONG]
        self._starts = [c.start for c in self._short]
        self._max_length = max((c.end - c.start for c in self._short), default=0)
        self.by_id = {c.id: c for c in self.codings}
        self.columns, self.column_count = _assign_columns(self.codings)

    def with_added(self, added: Iterable[ShownCoding]) -> CodingIndex:
        """A new index with a few more codings, built incrementally (about a millisecond for thousands).

        Each new coding takes the lowest column free along its range; the existing stripes keep their columns,
        so nothing jumps sideways under the analyst's eye when one coding is added.
        """
        new = CodingIndex.__new__(CodingIndex)
        new.codings, new._short, new._long = list(self.codings), list(self._short), list(self._long)
        new._starts, new._max_length = list(self._starts), self._max_length
        new.by_id, new.columns, new.column_count = dict(self.by_id), dict(self.columns), self.column_count
        for coding in added:
            taken = {new.columns[c.id] for c in new.overlapping(coding.start, coding.end)}
            column = next(n for n in range(len(taken) + 1) if n not in taken)
            insort(new.codings, coding, key=_order)
            if coding.end - coding.start > LONG:
                new._long.append(coding)
            else:
                at = bisect_left(new._starts, coding.start)
                new._starts.insert(at, coding.start)
                new._short.insert(at, coding)
                new._max_length = max(new._max_length, coding.end - coding.start)
            new.by_id[coding.id] = coding
            new.columns[coding.id] = column
            new.column_count = max(new.column_count, column + 1)
        return new

    def without(self, ids: Iterable[int]) -> CodingIndex:
        """A new index without these codings; the others keep their stripe columns."""
        gone = set(ids) & self.by_id.keys()
        if not gone:
            return self
        new = CodingIndex.__new__(CodingIndex)
        new.codings = [c for c in self.codings if c.id not in gone]
        new._short = [c for c in self._short if c.id not in gone]
        new._long = [c for c in self._long if c.id not in gone]
        new._starts = [c.start for c in new._short]
        new._max_length = max((c.end - c.start for c in new._short), default=0)
        new.by_id = {c.id: c for c in new.codings}
        new.columns = {i: column for i, column in self.columns.items() if i not in gone}
        new.column_count = max(new.columns.values(), default=-1) + 1
        return new

    def __len__(self) -> int:
        return len(self.codings)

    def overlapping(self, start: int, end: int) -> list[ShownCoding]:
        """Codings sharing at least one character with [start, end) (or containing `start` when empty)."""
        end = max(end, start + 1)
        low = bisect_left(self._starts, start - self._max_length)
        high = bisect_left(self._starts, end)
        found = [c for c in self._short[low:high] if c.end > start]
        if self._long:
            found.extend(c for c in self._long if c.start < end and c.end > start)
            found.sort(key=_order)
        return found

    def at(self, position: int) -> list[ShownCoding]:
        return self.overlapping(position, position + 1)

    def segments_in(self, start: int, end: int) -> list[Segment]:
        """Painted segments inside [start, end): between any two neighbouring coding boundaries the set of
        codings is constant. Computed per request (per paragraph), so no document-wide sweep is needed."""
        found = self.overlapping(start, end)
        if not found:
            return []
        cuts = sorted(
            {
                start,
                end,
                *(c.start for c in found if start < c.start < end),
                *(c.end for c in found if start < c.end < end),
            }
        )
        segments = []
        for low, high in pairwise(cuts):
            covering = tuple(c for c in found if c.start <= low and c.end >= high)
            if covering:
                segments.append(Segment(low, high, covering))
        return segments


def _order(coding: ShownCoding) -> tuple[int, int, int]:
    return (coding.start, -coding.end, coding.id)


def _assign_columns(codings: list[ShownCoding]) -> tuple[dict[int, int], int]:
    """Greedy interval colouring: each coding takes the lowest column free at its start.

    Codings come sorted by start (longer first on ties), which makes the greedy choice optimal: the number of
    columns equals the deepest overlap, and a long coding keeps the column nearest the text.
    """
    columns: dict[int, int] = {}
    busy: list[tuple[int, int]] = []  # (end, column) of codings still open
    free: list[int] = []
    count = 0
    for coding in codings:
        while busy and busy[0][0] <= coding.start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            column = heapq.heappop(free)
        else:
            column = count
            count += 1
        columns[coding.id] = column
        heapq.heappush(busy, (coding.end, column))
    return columns, count

"""Span arithmetic against a set-of-code-points oracle."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from app.domain.spans import covered, intersection_length, merge_spans, overlaps_any

spans = st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60)), max_size=12)


def points(items) -> set[int]:
    return {i for s, e in items for i in range(s, e)}


@given(spans, st.one_of(st.none(), st.integers(0, 50)))
def test_merged_spans_cover_exactly_the_union(items, length) -> None:
    merged = merge_spans(items, length=length)
    expected = points(items)
    if length is not None:
        expected = {i for i in expected if 0 <= i < length}
    assert points(merged) == expected
    assert covered(merged) == len(expected)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))  # touching spans were joined


@given(spans)
def test_without_touching_spans_that_only_meet_stay_apart(items) -> None:
    merged = merge_spans(items, touching=False)
    assert points(merged) == points(items)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(merged))


@given(spans, spans)
def test_intersection_length_and_overlap(a, b) -> None:
    assert intersection_length(merge_spans(a), merge_spans(b)) == len(points(a) & points(b))
    for span in (s for s in a if s[0] < s[1]):
        assert overlaps_any(span, [o for o in b if o[0] < o[1]]) == bool(points([span]) & points(b))


def test_touching_spans_meet_without_overlapping() -> None:
    assert merge_spans([(0, 5), (5, 9)]) == [(0, 9)]
    assert merge_spans([(0, 5), (5, 9)], touching=False) == [(0, 5), (5, 9)]
    assert not overlaps_any((5, 9), [(0, 5)])

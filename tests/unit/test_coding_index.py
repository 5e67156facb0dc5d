"""The editor's coding lookups: overlap queries, painted segments and stripe columns, checked against brute force."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.ui.coding_index import LONG, CodingIndex, ShownCoding
from app.ui.views.editor_support import in_vivo_name, nearest_turn, parse_time, snap_to_words


def shown(cid: int, start: int, end: int) -> ShownCoding:
    return ShownCoding(cid, 1, 1, start, end, "#123456", f"code {cid}")


spans = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=30)


@given(spans, st.integers(0, 260), st.integers(0, 40))
def test_overlapping_matches_brute_force(pairs, start, length) -> None:
    codings = [shown(i, s, s + n) for i, (s, n) in enumerate(pairs)]
    index = CodingIndex(codings)
    end = start + length
    expected = {c.id for c in codings if c.start < max(end, start + 1) and c.end > start}
    assert {c.id for c in index.overlapping(start, end)} == expected


@given(spans)
def test_columns_never_put_overlapping_codings_together_and_use_the_minimum(pairs) -> None:
    codings = [shown(i, s, s + n) for i, (s, n) in enumerate(pairs)]
    index = CodingIndex(codings)
    for a in codings:
        for b in codings:
            if a.id < b.id and a.start < b.end and b.start < a.end:
                assert index.columns[a.id] != index.columns[b.id]
    depth = max((sum(1 for c in codings if c.start <= p < c.end) for p in range(0, 261)), default=0)
    assert index.column_count == depth


@given(spans, st.integers(0, 200), st.integers(1, 80))
def test_segments_tile_coded_text_with_the_right_codings(pairs, start, length) -> None:
    codings = [shown(i, s, s + n) for i, (s, n) in enumerate(pairs)]
    index = CodingIndex(codings)
    end = start + length
    covered: dict[int, set[int]] = {}
    for segment in index.segments_in(start, end):
        assert start <= segment.start < segment.end <= end
        for p in range(segment.start, segment.end):
            covered[p] = {c.id for c in segment.codings}
    for p in range(start, end):
        expected = {c.id for c in codings if c.start <= p < c.end}
        assert covered.get(p, set()) == expected


def test_a_very_long_coding_is_still_found_everywhere() -> None:
    codings = [shown(1, 0, LONG * 3), shown(2, 10, 20), shown(3, LONG * 2, LONG * 2 + 5)]
    index = CodingIndex(codings)
    assert [c.id for c in index.at(LONG * 2 + 1)] == [1, 3]
    assert [c.id for c in index.at(15)] == [1, 2]
    assert index.column_count == 2
    assert len(index.with_added([shown(4, 12, 14)]).at(13)) == 3


def test_snap_to_words() -> None:
    text = "I felt 😀😀 safe here, honestly."
    assert snap_to_words(text, text.index("elt"), text.index("afe") + 2) == (2, text.index("safe") + 4)
    assert snap_to_words(text, 1, 6) == (2, 6)  # leading space dropped
    here = text.index("here")
    assert snap_to_words(text, here, here + 4) == (here, here + 4)
    assert snap_to_words(text, here + 1, here + 3) == (here, here + 4)


def test_in_vivo_name_and_times() -> None:
    assert in_vivo_name(" “said too much,”\n ") == "said too much"
    assert len(in_vivo_name("word " * 40)) <= 61
    assert parse_time("[video 00:12:31]") == 751_000
    assert parse_time("1:02:03.5") == 3_723_500
    assert parse_time("95") == 95_000
    assert parse_time("soon") is None


def test_nearest_turn_uses_start_times_or_video_references() -> None:
    from types import SimpleNamespace as T

    turns = [
        T(start=0, time_start_ms=0, video_ref_ms=None),
        T(start=10, time_start_ms=40_000, video_ref_ms=751_000),
    ]
    assert nearest_turn(turns, 30_000).start == 10
    assert nearest_turn(turns, 5_000).start == 0
    assert nearest_turn(turns, 700_000, video=True).start == 10


@given(spans, spans)
def test_adding_codings_keeps_lookups_exact_and_columns_apart(before, after) -> None:
    old = [shown(i, s, s + n) for i, (s, n) in enumerate(before)]
    new = [shown(100 + i, s, s + n) for i, (s, n) in enumerate(after)]
    base = CodingIndex(old)
    grown = base.with_added(new)
    fresh = CodingIndex(old + new)
    for p in range(0, 262, 7):
        assert {c.id for c in grown.overlapping(p, p + 5)} == {c.id for c in fresh.overlapping(p, p + 5)}
    assert {c.id: grown.columns[c.id] for c in old} == base.columns  # existing stripes do not move
    everything = old + new
    for a in everything:
        for b in everything:
            if a.id < b.id and a.start < b.end and b.start < a.end:
                assert grown.columns[a.id] != grown.columns[b.id]
    assert len(grown) == len(everything) and len(base) == len(old)

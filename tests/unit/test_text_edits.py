"""Positions through edits: codings keep their words, turns keep tiling, diffs reproduce the new text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.text_edits import (
    TextEdit,
    apply_edit,
    apply_edits,
    diff_edits,
    map_span,
    map_spans,
    map_tiling,
)

TEXT = "Client: I felt really sad about it.\nTherapist: Sad, or angry?\n"


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_correcting_a_misheard_word_inside_a_coding() -> None:
    coded = span_of(TEXT, "I felt really sad about it.")
    edit = TextEdit(*span_of(TEXT, "sad"), "mad")
    new_text = apply_edit(TEXT, edit)
    start, end = map_span(*coded, edit)
    assert new_text[start:end] == "I felt really mad about it."


def test_codings_after_an_edit_shift_and_keep_their_words() -> None:
    coded = span_of(TEXT, "Sad, or angry?")
    edit = TextEdit(*span_of(TEXT, "really "), "")
    new_text = apply_edit(TEXT, edit)
    start, end = map_span(*coded, edit)
    assert new_text[start:end] == "Sad, or angry?"


def test_a_coding_whose_whole_text_is_deleted_disappears() -> None:
    coded = span_of(TEXT, "really")
    edit = TextEdit(*span_of(TEXT, "really sad"), "")
    assert map_span(*coded, edit) is None


def test_a_coding_whose_text_is_replaced_covers_the_replacement() -> None:
    text = "Client: Jon told me to come."
    coded = span_of(text, "Jon")
    edit = TextEdit(*span_of(text, "Jon"), "P1")
    start, end = map_span(*coded, edit)
    assert apply_edit(text, edit)[start:end] == "P1"


def test_a_boundary_inside_a_replaced_word_takes_the_whole_new_word() -> None:
    text = "I was frustated today"
    coded = (0, text.index("frustated") + 4)  # "I was frus"
    edit = TextEdit(*span_of(text, "frustated"), "frustrated")
    start, end = map_span(*coded, edit)
    assert apply_edit(text, edit)[start:end] == "I was frustrated"


def test_insertions_at_the_edges_stay_outside_and_inside_grow() -> None:
    text = "one two three"
    coded = span_of(text, "two")
    at_start = TextEdit(coded[0], coded[0], "big ")
    at_end = TextEdit(coded[1], coded[1], "!")
    inside = TextEdit(coded[0] + 1, coded[0] + 1, "oo")
    for edit, expected in ((at_start, "two"), (at_end, "two"), (inside, "toowo")):
        start, end = map_span(*coded, edit)
        assert apply_edit(text, edit)[start:end] == expected


def test_diff_finds_a_small_edit_in_a_long_text() -> None:
    old = "\n".join(f"Client: line {i} about trust" for i in range(2000))
    new = old.replace("line 1500 about trust", "line 1500 about mistrust")
    edits = diff_edits(old, new)
    assert len(edits) == 1
    assert edits[0].replacement == "mis"
    assert apply_edits(old, edits) == new


words = st.text(alphabet="ab😀 \n", max_size=40)


@st.composite
def text_and_edits(draw):
    text = draw(words)
    current = text
    edits = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(current)))
        end = draw(st.integers(start, len(current)))
        edit = TextEdit(start, end, draw(st.text(alphabet="xy😀\n", max_size=6)))
        edits.append(edit)
        current = apply_edit(current, edit)
    return text, edits


@st.composite
def spans_in(draw, text: str):
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text)))
        spans.append((start, draw(st.integers(start, len(text)))))
    return spans


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_untouched_codings_keep_exactly_their_text(data) -> None:
    text, edits = data.draw(text_and_edits())
    spans = [s for s in data.draw(spans_in(text)) if s[0] < s[1]]
    current_text, current_spans = text, list(spans)
    for edit in edits:
        new_text = apply_edit(current_text, edit)
        new_spans = []
        for span in current_spans:
            if span is None:
                new_spans.append(None)
                continue
            mapped = map_span(span[0], span[1], edit)
            untouched = (
                span[1] < edit.start
                or span[0] > edit.end
                or (edit.start == edit.end and span[1] == edit.start)
                or (span[1] == edit.start and edit.start < edit.end)
                or (span[0] == edit.end and span[0] > edit.start)
            )
            if untouched:
                assert mapped is not None
                assert new_text[mapped[0] : mapped[1]] == current_text[span[0] : span[1]]
            if mapped is not None:
                assert 0 <= mapped[0] < mapped[1] <= len(new_text)
            new_spans.append(mapped)
        current_text, current_spans = new_text, new_spans
    assert map_spans(spans, edits) == current_spans


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_turn_boundaries_still_tile_the_text(data) -> None:
    text, edits = data.draw(text_and_edits())
    inner = sorted(set(data.draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=6))))
    boundaries = [0, *(b for b in inner if 0 < b < len(text)), len(text)]
    mapped = map_tiling(boundaries, edits)
    new_text = apply_edits(text, edits)
    assert mapped[0] == 0
    assert mapped[-1] == len(new_text)
    assert mapped == sorted(mapped)


@settings(max_examples=300, deadline=None)
@given(old=words, new=words)
def test_diff_edits_reproduce_the_new_text(old: str, new: str) -> None:
    edits = diff_edits(old, new)
    assert apply_edits(old, edits) == new
    assert (edits == []) == (old == new)

"""Snippets and the ranges "code all hits" codes (pure text helpers of app/domain/search_spans.py)."""

from __future__ import annotations

from app.domain.search_spans import sentence_around, snippet, turn_body
from app.domain.spans import merge_spans, overlaps_any


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_snippet_keeps_matches_exact_and_marks_cuts() -> None:
    text = "Client: " + "word " * 40 + "I 😀 trust\nher now. " + "more " * 60
    match = span_of(text, "trust")
    piece = snippet(text, 0, len(text), [match])
    assert piece.text.startswith("…") and piece.text.endswith("…")
    assert "\n" not in piece.text
    [(s, e)] = piece.matches
    assert piece.text[s:e] == "trust"


def test_snippet_of_a_short_turn_is_the_whole_turn() -> None:
    text = "Therapist: You trusted her?\n"
    piece = snippet(text, 0, len(text), [span_of(text, "trusted")])
    assert piece.text == "Therapist: You trusted her?"
    assert piece.text[slice(*piece.matches[0])] == "trusted"


def test_turn_body_skips_timestamp_and_label() -> None:
    text = "[00:01:02] Client: I felt safe.\n\n"
    assert text[slice(*turn_body(text, 0, len(text), "Client"))] == "I felt safe."
    assert text[slice(*turn_body(text, 0, len(text), None))] == text.strip()
    other = "Mr Smith said: fine\n"
    assert other[slice(*turn_body(other, 0, len(other), "Client"))] == other.strip()


def test_sentence_around_a_match() -> None:
    text = "Client: I was scared. Then I felt safe\nwith her! And later (pause) no.\n\nNew paragraph here.\n"
    assert text[slice(*sentence_around(text, 0, len(text), span_of(text, "safe"), "Client"))] == (
        "Then I felt safe\nwith her!"
    )
    assert (
        text[slice(*sentence_around(text, 0, len(text), span_of(text, "scared"), "Client"))]
        == "I was scared."
    )
    assert text[slice(*sentence_around(text, 0, len(text), span_of(text, "later"), "Client"))] == (
        "And later (pause) no."
    )
    assert text[slice(*sentence_around(text, 0, len(text), span_of(text, "paragraph"), "Client"))] == (
        "New paragraph here."
    )


def test_merged_and_overlaps() -> None:
    assert merge_spans([(5, 9), (0, 3), (2, 4), (9, 10)], touching=False) == [(0, 4), (5, 9), (9, 10)]
    assert overlaps_any((3, 5), [(0, 4)]) and not overlaps_any((4, 5), [(0, 4)])

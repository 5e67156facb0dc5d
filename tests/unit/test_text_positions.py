"""Code points (Rapport) against UTF-16 units (Qt): the conversion every highlight and selection depends on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.ui.text_positions import TextPositions, utf16_length

EMOJI_TEXT = "I felt 😀😀 safe.\nT: 🇳🇱 flags, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and é (e + ́) too 👩‍👩‍👧.\n"


def reference_to_qt(text: str, position: int) -> int:
    return len(text[:position].encode("utf-16-le")) // 2


def test_ascii_text_maps_one_to_one() -> None:
    positions = TextPositions("plain words only")
    assert positions.is_identity
    assert positions.to_qt(7) == 7
    assert positions.to_rapport(7) == 7


def test_emoji_shift_every_later_position() -> None:
    text = "I felt 😀😀 safe"
    positions = TextPositions(text)
    start = text.index("safe")
    assert start == 10
    assert positions.to_qt(start) == 12
    assert positions.to_rapport(12) == start
    assert positions.range_to_rapport(12, 16) == (10, 14)
    assert positions.utf16_length == 16 == utf16_length(text)


def test_round_trip_on_every_position_of_emoji_rich_text() -> None:
    positions = TextPositions(EMOJI_TEXT)
    for cp in range(len(EMOJI_TEXT) + 1):
        qt = positions.to_qt(cp)
        assert qt == reference_to_qt(EMOJI_TEXT, cp)
        assert positions.to_rapport(qt) == cp


def test_position_inside_a_surrogate_pair_never_splits_the_character() -> None:
    text = "a😀b"
    positions = TextPositions(text)
    assert positions.to_rapport(2) == 1  # inside the pair: the emoji's start
    assert positions.to_rapport(2, round_up=True) == 2  # or just past it
    assert positions.range_to_rapport(2, 2) == (1, 2)
    assert positions.nearest_boundary(2) == 1
    assert positions.nearest_boundary(3) == 3


def test_in_block_gives_offsets_relative_to_the_block() -> None:
    text = "😀 one\nI felt 😀😀 safe"
    positions = TextPositions(text)
    block_start_qt = positions.to_qt(text.index("I"))
    block_len_qt = utf16_length("I felt 😀😀 safe")
    start = text.index("safe")
    offset, length = positions.in_block(block_start_qt, block_len_qt, start, start + 4)
    assert (offset, length) == (12, 4)
    assert positions.in_block(0, positions.to_qt(5), start, start + 4) is None


def test_matches_qt_text_cursor_positions(qapp) -> None:
    from PySide6.QtGui import QTextCursor, QTextDocument

    document = QTextDocument()
    document.setPlainText(EMOJI_TEXT)
    assert document.toPlainText() == EMOJI_TEXT
    positions = TextPositions(EMOJI_TEXT)
    start = EMOJI_TEXT.index("flags")
    cursor = QTextCursor(document)
    cursor.setPosition(positions.to_qt(start))
    cursor.setPosition(positions.to_qt(start + 5), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "flags"
    block = document.findBlock(positions.to_qt(start))
    assert positions.to_rapport(block.position()) == EMOJI_TEXT.index("T:")


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "é", "😀", "𝔘", "中"]), max_size=60))
def test_conversion_agrees_with_utf16_encoding(text: str) -> None:
    positions = TextPositions(text)
    assert positions.utf16_length == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        assert positions.to_qt(cp) == reference_to_qt(text, cp)
        assert positions.to_rapport(positions.to_qt(cp)) == cp
    for cp in range(len(text)):
        assert positions.utf16_between(cp, len(text)) == reference_to_qt(text, len(text)) - reference_to_qt(
            text, cp
        )

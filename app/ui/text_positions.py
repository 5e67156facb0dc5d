"""The one place that converts between Rapport positions and Qt positions.

Rapport counts Unicode code points into a document's stored text (Python `str` indexing). Qt counts UTF-16
code units (`QTextCursor.position`, `QTextBlock.position`, `QSyntaxHighlighter.setFormat` offsets), so every
character outside the Basic Multilingual Plane (emoji, some CJK, historic scripts) takes two Qt positions.
Converting anywhere else is how highlights drift after the first emoji.

The editor displays exactly the stored text (speaker labels and times are styled, never inserted), so the two
position systems differ only by those surrogate pairs. A table of where the non-BMP characters sit, built once
per text with a regular expression (fast: no Python loop over the characters), answers each conversion with a
binary search.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class TextPositions:
    """Converts positions for one text. Build it once per displayed text; it is immutable and cheap to query."""

    __slots__ = ("_astral_cp", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        # Code point index of every non-BMP character, and the UTF-16 index at which its surrogate pair starts.
        self._astral_cp: list[int] = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
        self._astral_u16: list[int] = [cp + k for k, cp in enumerate(self._astral_cp)]
        self.length = len(text)
        self.utf16_length = len(text) + len(self._astral_cp)

    @property
    def is_identity(self) -> bool:
        """True when the text has no surrogate pairs, so both position systems agree everywhere."""
        return not self._astral_cp

    def to_qt(self, position: int) -> int:
        """UTF-16 position of the code point position `position` (0 <= position <= len(text))."""
        if not self._astral_cp:
            return position
        return position + bisect_left(self._astral_cp, position)

    def to_rapport(self, qt_position: int, *, round_up: bool = False) -> int:
        """Code point position of a UTF-16 position.

        A position inside a surrogate pair (Qt can report one, e.g. from a mouse selection in a broken state)
        is moved to the start of its character, or past it with `round_up` (use that for a range's end, so a
        range never cuts a character in half).
        """
        if not self._astral_cp:
            return qt_position
        before = bisect_left(self._astral_u16, qt_position)  # non-BMP characters starting before qt_position
        position = qt_position - before
        if (
            before and self._astral_u16[before - 1] + 1 == qt_position
        ):  # inside the pair of character before-1
            position = self._astral_cp[before - 1] + (1 if round_up else 0)
        return position

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_to_rapport(self, qt_start: int, qt_end: int) -> tuple[int, int]:
        """A Qt selection as a code point range; a half-selected character at either edge is included whole."""
        low, high = min(qt_start, qt_end), max(qt_start, qt_end)
        return self.to_rapport(low), self.to_rapport(high, round_up=True)

    def count_astral(self, start: int, end: int) -> int:
        """How many non-BMP characters lie in the code point range [start, end)."""
        return bisect_left(self._astral_cp, end) - bisect_left(self._astral_cp, start)

    def in_block(
        self, block_qt_start: int, block_qt_length: int, start: int, end: int
    ) -> tuple[int, int] | None:
        """Offsets (UTF-16, relative to a block) of the part of [start, end) lying in that block, or None.

        This is what a syntax highlighter needs: Qt hands it a block at a UTF-16 position and expects format
        ranges relative to the block's start.
        """
        qs, qe = self.to_qt(start), self.to_qt(end)
        lo, hi = max(qs, block_qt_start), min(qe, block_qt_start + block_qt_length)
        if lo >= hi:
            return None
        return lo - block_qt_start, hi - lo

    def astral_positions(self) -> list[int]:
        """Code point positions of the non-BMP characters (for tests and diagnostics)."""
        return list(self._astral_cp)

    def utf16_between(self, start: int, end: int) -> int:
        """UTF-16 length of the code point range [start, end)."""
        return (end - start) + self.count_astral(start, end)

    def nearest_boundary(self, qt_position: int) -> int:
        """The UTF-16 position rounded down so that it does not split a surrogate pair."""
        if not self._astral_u16:
            return qt_position
        k = bisect_right(self._astral_u16, qt_position - 1) - 1
        if k >= 0 and self._astral_u16[k] + 1 == qt_position:
            return qt_position - 1
        return qt_position


def utf16_length(text: str) -> int:
    """Length of `text` in UTF-16 code units (what Qt calls its length)."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))

"""Convert selection positions written by other tools into Rapport's positions.

Rapport stores text normalised (no BOM, LF line ends) and counts positions in code points. Tools count in
their own way on their own file: NVivo counts UTF-16 code units (an emoji is 2) on the text after the BOM, with
CRLF as 2 units; tools written in Python (QualCoder, Taguette) and Rapport count code points. A `PositionMap`
is built once per source from the original text and maps any original offset to the normalised text.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable

UTF16 = "utf16"
CODE_POINTS = "codepoints"

_UTF16_ORIGINS = ("nvivo",)
_CODE_POINT_ORIGINS = ("rapport", "qualcoder", "taguette", "qc ", "requal", "maxqda", "atlas.ti")


def convention_for_origin(origin: str) -> str | None:
    """The position unit a tool is known to use, or None when the origin names no tool we know."""
    lowered = origin.lower()
    if any(tool in lowered for tool in _UTF16_ORIGINS):
        return UTF16
    if any(tool in lowered for tool in _CODE_POINT_ORIGINS):
        return CODE_POINTS
    return None


class PositionMap:
    """Offsets in `original` (counted in `unit`) mapped to code points of its normalised form.

    Normalisation drops a leading BOM (tools count after it) and turns CRLF and lone CR into LF.
    """

    def __init__(self, original: str, unit: str) -> None:
        if original.startswith("\ufeff"):
            original = original[1:]
        # For each original character: its starting offset in the tool's units, and in the normalised text.
        unit_starts = array("q")
        norm_starts = array("q")
        units = 0
        norm = 0
        previous = ""
        wide = unit == UTF16
        for ch in original:
            unit_starts.append(units)
            norm_starts.append(norm)
            units += 2 if wide and ord(ch) > 0xFFFF else 1
            if not (ch == "\n" and previous == "\r"):
                norm += 1  # the LF of a CRLF collapses into the CR, which becomes the LF
            previous = ch
        self._unit_starts = unit_starts
        self._norm_starts = norm_starts
        self.total_units = units
        self.normalised_length = norm

    def to_normalised(self, offset: int) -> int:
        """The normalised code-point offset of an original offset (clamped to the text)."""
        if offset <= 0:
            return 0
        if offset >= self.total_units:
            return self.normalised_length
        index = bisect.bisect_right(self._unit_starts, offset) - 1
        # An offset inside a surrogate pair (never written by a sane tool) falls to the character's start.
        return self._norm_starts[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_normalised(start), self.to_normalised(end)


_WORD = re.compile(r"\w")


def _boundary_score(text: str, spans: Iterable[tuple[int, int]]) -> int:
    """How many span edges fall on word boundaries: a right convention lands most edges between words."""
    score = 0
    for start, end in spans:
        if 0 <= start <= len(text) and (
            start == 0
            or start == len(text)
            or not (_WORD.match(text[start - 1]) and _WORD.match(text[start]))
        ):
            score += 1
        if 0 <= end <= len(text) and (
            end == 0 or end == len(text) or not (_WORD.match(text[end - 1]) and _WORD.match(text[end]))
        ):
            score += 1
    return score


def guess_convention(original: str, spans: list[tuple[int, int]]) -> str:
    """For a tool we do not know: UTF-16 units when they put clearly more edges on word boundaries.

    Only text with characters outside the Basic Multilingual Plane (emoji) can tell the two apart.
    """
    if not spans or not any(ord(ch) > 0xFFFF for ch in original):
        return CODE_POINTS
    candidates = {}
    for unit in (CODE_POINTS, UTF16):
        mapping = PositionMap(original, unit)
        normalised = original.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        candidates[unit] = _boundary_score(normalised, (mapping.span(s, e) for s, e in spans))
    return UTF16 if candidates[UTF16] > candidates[CODE_POINTS] * 1.2 else CODE_POINTS

"""Convert selection positions written by other tools into Rapport's positions.

Rapport stores text normalised (no BOM, LF line ends) and counts positions in code points. Tools count in
their own way on their own file: NVivo counts UTF-16 code units (an emoji is 2) on the text after the BOM, with
CRLF as 2 units; tools written in Python (QualCoder, Taguette) and Rapport count code points. A `PositionMap`
is built once per source from the original text and maps any original offset to the normalised text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

UTF16 = "utf16"
CODE_POINTS = "codepoints"

_UTF16_ORIGINS = ("nvivo",)
# Tools written in Python or R count code points. For the others (MAXQDA, ATLAS.ti...) no real sample with
# selections on text beyond the BMP was available, so their convention is guessed per source (see below).
_CODE_POINT_ORIGINS = ("rapport", "qualcoder", "taguette", "qc ", "requal")


def convention_for_origin(origin: str) -> str | None:
    """The position unit a tool is known to use, or None when the origin names no tool we know."""
    lowered = origin.lower()
    if any(tool in lowered for tool in _UTF16_ORIGINS):
        return UTF16
    if any(tool in lowered for tool in _CODE_POINT_ORIGINS):
        return CODE_POINTS
    return None


_CRLF_OR_WIDE = re.compile("\r\n|[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")


class PositionMap:
    """Offsets in `original` (counted in `unit`) mapped to code points of its normalised form.

    Normalisation drops a leading BOM (tools count after it) and turns CRLF and lone CR into LF. Only two
    things make the two countings drift: a CRLF (2 original units, 1 normalised character) and, in UTF-16,
    a character outside the Basic Multilingual Plane (2 units, 1 character). Between those "special" spots
    the mapping is a straight line, so the map keeps only the specials and answers by bisection: fast even
    on a megabyte transcript, where walking every character took seconds.
    """

    def __init__(self, original: str, unit: str) -> None:
        if original.startswith("\ufeff"):
            original = original[1:]
        pattern = _CRLF_OR_WIDE if unit == UTF16 else _CRLF
        self._units: list[int] = []  # original offset where each special starts
        self._norms: list[int] = []  # normalised offset of that same spot
        self._crlf: list[bool] = []
        shift = 0  # original units minus normalised characters, before the current special
        extra_chars = 0  # original characters minus original units so far (negative for wide characters)
        for match in pattern.finditer(original):
            index = match.start()
            units = index - extra_chars  # a wide character before added one unit beyond its one character
            self._units.append(units)
            self._norms.append(units - shift)
            is_crlf = match.group() == "\r\n"
            self._crlf.append(is_crlf)
            shift += 1  # either way: 2 units become 1 character
            if not is_crlf:
                extra_chars -= 1
        self.total_units = len(original) - extra_chars
        self.normalised_length = self.total_units - shift

    def to_normalised(self, offset: int) -> int:
        """The normalised code-point offset of an original offset (clamped to the text)."""
        if offset <= 0:
            return 0
        if offset >= self.total_units:
            return self.normalised_length
        index = bisect.bisect_right(self._units, offset) - 1
        if index < 0:
            return offset
        start, norm = self._units[index], self._norms[index]
        if offset == start:
            return norm
        if offset == start + 1:
            # Between CR and LF: just after the line break. Inside a surrogate pair (never written by a sane
            # tool): the character's start.
            return norm + 1 if self._crlf[index] else norm
        return norm + 1 + (offset - start - 2)

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

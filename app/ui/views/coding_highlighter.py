"""Paints a transcript: speaker labels bold, times and video references grey, coded text tinted.

Painting is lazy. Qt would highlight every paragraph of a 100,000-word transcript when its text is set; instead
the highlighter only paints when asked for the paragraphs in view (`paint_blocks`, called by the editor as the
reader scrolls) and leaves the others plain until they come into view. Each paragraph costs a bisect into the
`CodingIndex` and a handful of `setFormat` calls, never one format merge per coding. Formats are cached by the
colours they blend, so equal overlaps share one QTextCharFormat.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

from app.domain.transcript import leading_timestamp, split_label
from app.ui.coding_index import CodingIndex, ShownCoding
from app.ui.text_positions import TextPositions

VIDEO_PATTERN = re.compile(
    r"[\[(][ \t]*video[ \t]*:?[ \t]*(?:at[ \t]+)?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[ \t]*[\])]",
    re.IGNORECASE,
)
TIME_GREY = QColor("#7a7f87")
VIDEO_COLOR = QColor("#5b7083")


def tint(colors: tuple[str, ...], strength: float = 0.0) -> QColor:
    """Background for text covered by codings of these colours: a light wash, deeper where codings overlap
    (and deeper still, by `strength`, for the coding under the mouse)."""
    red = green = blue = 0.0
    for name in colors:
        c = QColor(name)
        red, green, blue = red + c.redF(), green + c.greenF(), blue + c.blueF()
    n = len(colors)
    alpha = min(0.22 + 0.12 * (n - 1), 0.5) + strength
    mix = [(1 - alpha) + alpha * channel / n for channel in (red, green, blue)]
    return QColor.fromRgbF(*mix)


class CodingHighlighter(QSyntaxHighlighter):
    """Styles blocks from the current `CodingIndex`; the editor swaps the index and re-highlights what changed."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.positions = TextPositions("")
        self.index = CodingIndex([])
        self.turn_starts: frozenset[int] = frozenset()  # where turns with a speaker begin (code points)
        self.emphasised: int | None = None  # a coding id painted stronger (the stripe under the mouse)
        self._cache: dict[tuple, QTextCharFormat] = {}
        self.painted: set[int] = set()  # block numbers painted with the current index
        self._asked = False  # True only while `paint_blocks` runs: Qt's own passes leave blocks plain

    def paint_blocks(self, blocks: Iterable[QTextBlock], *, again: bool = False) -> None:
        """Paint these blocks (those in view); with `again`, also those painted before (their codings changed)."""
        self._asked = True
        try:
            for block in blocks:
                if again or block.blockNumber() not in self.painted:
                    self.rehighlightBlock(block)
        finally:
            self._asked = False

    def forget_painting(self) -> None:
        """Everything must be painted afresh when next in view (new text, or the whole index changed)."""
        self.painted.clear()

    def set_content(self, positions: TextPositions, index: CodingIndex, turn_starts: frozenset[int]) -> None:
        """New text (or a new document): the caller sets the text afterwards, then paints what is in view."""
        self.positions, self.index, self.turn_starts = positions, index, turn_starts

    def set_index(self, index: CodingIndex) -> None:
        self.index = index

    # -- painting ---------------------------------------------------------------------------------
    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        if not self._asked:
            self.painted.discard(block.blockNumber())
            return
        self.painted.add(block.blockNumber())
        q_start = block.position()
        positions = self.positions
        cp_start = positions.to_rapport(q_start)
        cp_end = cp_start + len(text)
        # Block-relative code point spans: (start, end, style) for labels, (start, end, codings) for codings.
        styles = self._label_spans(text, cp_start in self.turn_starts)
        segments = [
            (max(s.start, cp_start) - cp_start, min(s.end, cp_end) - cp_start, s.codings)
            for s in self.index.segments_in(cp_start, cp_end)
        ]
        if not styles and not segments:
            return
        cuts = sorted(
            {0, len(text)}
            | {p for a, b, _ in styles for p in (a, b)}
            | {p for a, b, _ in segments for p in (a, b)}
        )
        si = gi = 0
        for a, b in itertools.pairwise(cuts):
            while si < len(styles) and styles[si][1] <= a:
                si += 1
            while gi < len(segments) and segments[gi][1] <= a:
                gi += 1
            style = styles[si][2] if si < len(styles) and styles[si][0] <= a else ""
            codings = segments[gi][2] if gi < len(segments) and segments[gi][0] <= a else ()
            if not style and not codings:
                continue
            qa = positions.to_qt(cp_start + a) - q_start
            qb = positions.to_qt(cp_start + b) - q_start
            self.setFormat(qa, qb - qa, self._format(style, codings))

    def _label_spans(self, text: str, opens_turn: bool) -> list[tuple[int, int, str]]:
        """Time stamp and speaker label opening a turn (as the importer parsed them), and video references."""
        spans: list[tuple[int, int, str]] = []
        milliseconds, after_time, _alone = leading_timestamp(text)
        if milliseconds is not None:
            spans.append((len(text) - len(text.lstrip()), len(text[:after_time].rstrip()), "time"))
        if opens_turn:
            label = split_label(text[after_time:])
            if label is not None:
                begin = after_time + len(text[after_time:]) - len(text[after_time:].lstrip())
                spans.append((begin, after_time + label[1], "speaker"))
        for video in VIDEO_PATTERN.finditer(text):
            if not spans or video.start() >= spans[-1][1]:
                spans.append((video.start(), video.end(), "video"))
        return spans

    def _format(self, style: str, codings: tuple[ShownCoding, ...]) -> QTextCharFormat:
        colors = tuple(sorted(c.color for c in codings))
        strong = self.emphasised is not None and any(c.id == self.emphasised for c in codings)
        key = (style, colors, strong)
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if style == "speaker":
                fmt.setFontWeight(QFont.Weight.Bold)
            elif style == "time":
                fmt.setForeground(TIME_GREY)
            elif style == "video":
                fmt.setForeground(VIDEO_COLOR)
                fmt.setFontItalic(True)
            if colors:
                fmt.setBackground(tint(colors, 0.2 if strong else 0.0))
            self._cache[key] = fmt
        return fmt

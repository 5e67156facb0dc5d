"""Small, separately testable pieces of the transcript editor: options, coder filter and hues, word snapping,
in-vivo names, times and find-match painting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.text_positions import TextPositions


@dataclass
class EditorOptions:
    snap_to_words: bool = False
    highlight: bool = True
    zoom: int = 0


@dataclass(frozen=True)
class CoderFilter:
    """Whose codings are shown: the active coder's ("mine"), everyone's ("all"), or a chosen set."""

    mode: str = "mine"
    coders: frozenset[int] = field(default_factory=frozenset)

    def accepts(self, active_coder: int | None) -> Callable[[int], bool]:
        if self.mode == "all" or (self.mode == "mine" and active_coder is None):
            return lambda _coder: True
        if self.mode == "mine":
            return lambda coder: coder == active_coder
        chosen = self.coders
        return lambda coder: coder in chosen


def coder_palette(coders: Mapping[int, tuple[str, str]]) -> dict[int, str]:
    """A distinct hue a coder: the coder's own colour unless two coders share one, then golden-angle hues."""
    palette: dict[int, str] = {}
    used: set[str] = set()
    for n, (coder_id, (_name, color)) in enumerate(sorted(coders.items())):
        if not color or color.lower() in used:
            color = QColor.fromHsv(int((n * 137.508) % 360), 170, 200).name()
        used.add(color.lower())
        palette[coder_id] = color
    return palette


_WORD = re.compile(r"[\w'’\-]")


def _is_word(ch: str) -> bool:
    return bool(_WORD.match(ch))


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a range to whole words and drop white space at its edges (what a coder means by "this phrase")."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return start, start
    while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and _is_word(text[end]) and _is_word(text[end - 1]):
        end += 1
    return start, end


def in_vivo_name(excerpt: str, limit: int = 60) -> str:
    """A code name from the participant's own words: one line, trimmed quotes and punctuation, at most ~60
    characters cut at a word boundary."""
    name = " ".join(excerpt.split()).strip(" \"'“”‘’.,;:!?-–—()[]")
    if len(name) > limit:
        name = name[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return name


_CLOCK = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")


def parse_time(text: str) -> int | None:
    """Milliseconds from "1:02:03", "02:03", "[video 00:12:31]", "12:31.5" or plain seconds ("95")."""
    match = _CLOCK.search(text)
    if match:
        hours, minutes, seconds, fraction = match.groups()
        total = (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)) * 1000
        if fraction:
            total += int(fraction.ljust(3, "0"))
        return total
    digits = re.search(r"\d+(?:\.\d+)?", text)
    return int(float(digits.group()) * 1000) if digits else None


def nearest_turn(turns: Iterable, milliseconds: int, *, video: bool = False):
    """The turn whose time (its video reference when `video`, else its start time) is nearest."""
    best, distance = None, None
    for turn in turns:
        moment = turn.video_ref_ms if video else turn.time_start_ms
        if moment is None and not video:
            moment = turn.video_ref_ms
        if moment is None:
            continue
        gap = abs(moment - milliseconds)
        if distance is None or gap < distance:
            best, distance = turn, gap
    return best


def match_selections(
    document: QTextDocument, positions: TextPositions, matches: list[tuple[int, int]], current: int
) -> list[QTextEdit.ExtraSelection]:
    """Find hits painted over the text: all in soft yellow, the current one in orange."""
    every, here = QTextCharFormat(), QTextCharFormat()
    every.setBackground(QColor("#fff1a8"))
    here.setBackground(QColor("#ffb347"))
    selections = []
    for n, (start, end) in enumerate(matches[:5000]):
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(document)
        cursor.setPosition(positions.to_qt(start))
        cursor.setPosition(positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format = here if n == current else every
        selections.append(selection)
    return selections


def ask_coders(
    parent: QWidget, coders: Mapping[int, tuple[str, str]], chosen: Iterable[int]
) -> set[int] | None:
    """A small checklist of coders; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Show codings of")
    listing = QListWidget(dialog)
    chosen = set(chosen)
    palette = coder_palette(coders)
    for coder_id, (name, _color) in sorted(coders.items(), key=lambda kv: kv[1][0].lower()):
        item = QListWidgetItem(name, listing)
        item.setData(256, coder_id)
        item.setForeground(QColor(palette[coder_id]))
        item.setCheckState(_checked(coder_id in chosen))
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(listing)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return {
        listing.item(i).data(256)
        for i in range(listing.count())
        if listing.item(i).checkState() == _checked(True)
    }


def _checked(on: bool):
    from PySide6.QtCore import Qt

    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked

"""Rows of filters that may shrink: a dock under the text must not force the text to be wider than it needs.

A combo box sized to its contents refuses to be narrower than its longest entry, so one row of five filters
made the bottom panels 720 px wide at least and squeezed the study tree to a sliver at 1280x800. Shrinkable
widgets keep their natural width when there is room and give way (eliding their text) when there is not.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QWidget

MIN_FILTER_WIDTH = 64


def shrinkable(widgets: Iterable[QWidget], minimum: int = MIN_FILTER_WIDTH) -> None:
    for widget in widgets:
        widget.setMinimumWidth(min(minimum, widget.sizeHint().width()))

"""Controls shared by the agreement window's tabs (per code and per code set)."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox

DEFAULT_THRESHOLD = 0.9


def threshold_box(tooltip: str) -> QDoubleSpinBox:
    """How much two codings must overlap (segment unit), 0.05 to 1 in steps of 0.05, 0.9 to begin with."""
    box = QDoubleSpinBox()
    box.setRange(0.05, 1.0)
    box.setSingleStep(0.05)
    box.setValue(DEFAULT_THRESHOLD)
    box.setToolTip(tooltip)
    return box

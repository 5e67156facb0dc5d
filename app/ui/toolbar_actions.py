"""Toolbar buttons with a steady label for actions whose text changes (Undo "Code 'safe here' as Trust").

The menu keeps saying what will be undone; the toolbar button keeps its width and shows that in its tooltip.
"""

from __future__ import annotations

from PySide6.QtGui import QAction


def steady_copy(action: QAction, label: str) -> QAction:
    """An action for the toolbar that triggers `action`, follows its enabled state, and keeps `label`."""
    copy = QAction(action.icon(), label, action.parent())
    copy.setObjectName(f"toolbar_{label.lower()}")
    copy.setStatusTip(action.statusTip())
    copy.triggered.connect(action.trigger)

    def follow() -> None:
        copy.setEnabled(action.isEnabled())
        copy.setToolTip(action.text().replace("&", "") or label)

    action.changed.connect(follow)
    follow()
    return copy

"""The status bar: project name, read-only badge, study counts and the active coder (a combo to switch)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QStatusBar, QWidget

from app.domain.plural import count
from app.services import coding
from app.services.changes import Change
from app.services.project import headline_counts
from app.ui.context import AppContext
from app.ui.icons import swatch
from app.ui.live_updates import LIVE

NEW_CODER = -1
BLIND_COLOR = "#6c3483"  # deep purple: white text on it passes WCAG AA (contrast above 8:1)
BLIND_BADGE_STYLE = (
    f"QPushButton#blindBadge {{ background-color: {BLIND_COLOR}; color: white; font-weight: bold;"
    f" border: 1px solid #4a235a; border-radius: 3px; padding: 2px 10px; }}"
    " QPushButton#blindBadge:hover { background-color: #7d3c98; }"
    " QPushButton#blindBadge:pressed { background-color: #4a235a; }"
)


class StatusBar(QStatusBar):
    newCoderRequested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.project_label = QLabel(self)
        self.project_label.setObjectName("projectLabel")
        self.read_only_label = QLabel("READ-ONLY", self)
        self.read_only_label.setObjectName("readOnlyBadge")
        self.read_only_label.setToolTip(
            "Another Rapport has this project open for writing: nothing can be changed"
        )
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("countsLabel")
        self.live_label = QLabel(self)
        self.live_label.setObjectName("liveLabel")
        self.live_label.setVisible(False)
        self.coder_caption = coder_caption = QLabel("Coder:", self)
        self.coder_combo = QComboBox(self)
        self.coder_combo.setMinimumContentsLength(12)
        self.coder_combo.setToolTip("The active coder: new codings are recorded under this name")
        self.coder_combo.activated.connect(self._coder_chosen)
        self.addPermanentWidget(self.project_label)
        self.addPermanentWidget(self.counts_label)
        self.addPermanentWidget(self.live_label)
        self.addPermanentWidget(self.read_only_label)
        self.blind_button = QPushButton("BLIND CODING: only my codings are shown  ✕", self)
        self.blind_button.setObjectName("blindBadge")
        # A style sheet paints a button's background only with a border of its own (a flat button paints none).
        self.blind_button.setStyleSheet(BLIND_BADGE_STYLE)
        self.blind_button.setToolTip(
            "Blind coding is on: other coders' codings are hidden. Click to show them."
        )
        self.blind_button.clicked.connect(lambda: context.set_blind(False))
        self.blind_button.setVisible(context.blind)
        context.blindChanged.connect(self.blind_button.setVisible)
        self.addPermanentWidget(self.blind_button)
        self.addPermanentWidget(coder_caption)
        self.addPermanentWidget(self.coder_combo)
        context.projectChanged.connect(lambda _p: self.refresh())
        context.activeCoderChanged.connect(lambda _c: self.refresh_coders())
        context.changed.connect(self._on_change)
        context.live.stateChanged.connect(self.show_live_state)
        context.undoCleared.connect(lambda reason: self.show_message(reason, 10000))
        self.refresh()

    def show_live_state(self, state: str) -> None:
        """On a server project: whether the other coders' changes are arriving."""
        self.live_label.setVisible(bool(state))
        if state == LIVE:
            self.live_label.setText("● live")
            self.live_label.setToolTip("Codings, memos and codes other coders save appear here as they save them")
        elif state:
            self.live_label.setText("○ connecting…")
            self.live_label.setToolTip(
                "Not hearing other coders' changes right now (connecting to the server, or reconnecting after a"
                " dropped connection); your own work is saved as usual, and everything is refreshed once back"
            )

    def _on_change(self, change: Change) -> None:
        if change.everything or change.coders:
            self.refresh_coders()
        if change.everything or change.study or change.documents or change.codebook or change.codings:
            self.refresh_counts()

    def refresh(self) -> None:
        project = self.context.project
        self.project_label.setText(project.title if project else "No project open")
        self.project_label.setToolTip(project.location if project else "")
        self.read_only_label.setVisible(bool(project and project.read_only))
        self.refresh_counts()
        self.refresh_coders()

    def refresh_counts(self) -> None:
        project = self.context.project
        if project is None:
            self.counts_label.setText("")
            return
        counts = headline_counts(project)
        self.counts_label.setText(
            " · ".join(
                count(counts[key], key[:-1]) for key in ("dyads", "documents", "codes", "codings")
            )
        )

    def refresh_coders(self) -> None:
        project = self.context.project
        self.coder_combo.blockSignals(True)
        self.coder_combo.clear()
        if project is not None:
            if self.context.active_coder_id is None:
                self.coder_combo.addItem("Choose a coder…", None)
            for coder in coding.list_coders(project):
                self.coder_combo.addItem(swatch(coder.color), coder.name, coder.id)
            if not project.read_only:
                self.coder_combo.addItem("New coder…", NEW_CODER)
            found = self.coder_combo.findData(self.context.active_coder_id)
            self.coder_combo.setCurrentIndex(max(found, 0))
        self.coder_combo.setVisible(project is not None)
        self.coder_caption.setVisible(project is not None)
        self.coder_combo.blockSignals(False)

    def _coder_chosen(self, row: int) -> None:
        value = self.coder_combo.itemData(row)
        if value == NEW_CODER:
            self.refresh_coders()
            self.newCoderRequested.emit()
        elif value is not None:
            self.context.set_active_coder(int(value))

    def show_message(self, text: str, ms: int = 4000) -> None:
        self.showMessage(text, ms)


def coder_caption(context: AppContext) -> str:
    project = context.project
    if project is None or context.active_coder_id is None:
        return ""
    names = {c.id: c.name for c in coding.list_coders(project)}
    return names.get(context.active_coder_id, "")

"""The centre of the window: the welcome page without a project, a hint until a document is chosen, then the
transcript editor."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import codebook
from app.ui.context import AppContext
from app.ui.icons import app_icon, standard
from app.ui.recent_projects import recent_label, recent_projects
from app.ui.views.transcript_editor import TranscriptEditor


class WelcomePage(QWidget):
    """What a researcher sees with no project open: the three ways in, and recent projects."""

    newRequested = Signal()
    openRequested = Signal()
    demoRequested = Signal()
    recentRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("<h1>Rapport</h1>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle = QLabel("Code psychotherapy transcripts, compare perspectives, check agreement.", self)
        subtitle.setObjectName("welcomeSubtitle")
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for text, icon, signal, tip in (
            ("New project…", "document-new", self.newRequested, "Start an empty study (Ctrl+N)"),
            ("Open project…", "document-open", self.openRequested, "Open a .rapport file (Ctrl+O)"),
            ("Open the demo study", "help-about", self.demoRequested, "A fictional study to explore Rapport"),
        ):
            button = QPushButton(standard(icon), text, self)
            button.setToolTip(tip)
            button.setMinimumHeight(34)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentList")
        self.recent.setMinimumWidth(520)
        self.recent.setMaximumWidth(640)
        self.recent.itemActivated.connect(
            lambda item: self.recentRequested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.recent_label = QLabel("<b>Recent projects</b>", self)
        column = QVBoxLayout(self)
        column.addStretch(2)
        column.addWidget(logo)
        column.addWidget(title)
        column.addWidget(subtitle)
        column.addSpacing(18)
        column.addLayout(buttons)
        column.addSpacing(18)
        column.addWidget(self.recent_label, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.recent, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)
        self.refresh()

    def refresh(self) -> None:
        self.recent.clear()
        for path in recent_projects():
            name, where = recent_label(path)
            item = QListWidgetItem(app_icon(), f"{name}   ·   {where}", self.recent)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
        self.recent.setVisible(self.recent.count() > 0)
        self.recent_label.setVisible(self.recent.count() > 0)
        self.recent.setFixedHeight(min(8, max(self.recent.count(), 1)) * 24 + 6)


class DocumentPane(QStackedWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.welcome = WelcomePage(self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.setObjectName("documentHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.view = TranscriptEditor(context, self)
        for page in (self.welcome, self.hint, self.view):
            self.addWidget(page)
        context.projectChanged.connect(self._project_changed)
        context.changed.connect(self._on_change)
        self._project_changed(context.project)

    @property
    def current_document_id(self) -> int | None:
        return self.view.current_document_id if self.currentWidget() is self.view else None

    def show_document(self, doc_id: int, start: int | None = None, end: int | None = None) -> None:
        self.view.show_document(doc_id, start, end)
        self.setCurrentWidget(self.view)

    def show_coders(self, coder_ids: set[int]) -> None:
        """Show these coders' codings in the editor (blind coding, when on, still shows only one's own)."""
        self.view.set_coder_filter("chosen", set(coder_ids))

    def show_matches(self, doc_id: int, matches: list, current: int) -> None:
        """Highlight search matches in the document shown (ignored when another document is shown)."""
        if self.current_document_id == doc_id:
            self.view.show_matches(matches, current)

    def apply_code(self, code_id: int) -> bool:
        if self.currentWidget() is not self.view:
            return False
        return bool(self.view.apply_code(code_id))

    def _on_change(self, change) -> None:
        if change.everything or change.codebook:
            self.hint.setText(coding_hint(self.context.project))

    def _project_changed(self, project) -> None:
        self.hint.setText(coding_hint(project))
        if project is None:
            self.welcome.refresh()
            self.setCurrentWidget(self.welcome)
        else:
            self.setCurrentWidget(self.hint)


def coding_hint(project) -> str:
    """The empty document page: how to code, with the codebook's keys 1-9 (or how to give codes keys)."""
    head = "<p style='font-size:14pt'>Choose a document in the <b>Study</b> panel.</p>"
    keyed = codebook.keyed_codes(project) if project else []  # one small query, not the whole codebook
    if not keyed:
        return (
            f"{head}<p>Select words, then click a code (or drag it onto them) to code them.</p>"
            "<p style='color:#555'>No code has a key yet: give up to nine codes a key 1–9 with the "
            "codebook's key button, then press the key to code a selection.</p>"
        )
    keys = " &nbsp;·&nbsp; ".join(f"<b>{digit}</b>&nbsp;{escape(name)}" for digit, name in keyed)
    return f"{head}<p>Select words, then click a code or press its key:</p><p>{keys}</p>"

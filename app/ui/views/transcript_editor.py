"""The transcript editor: read a document, code it, see every coding as a stripe beside the text.

Coding is direct: select words, then click a code in the codebook (`apply_code`), drop a code on the text, press
the code's digit, or pick it from the context menu (recent codes first); in-vivo coding names a new code after
the selection. Every edit is one undoable command calling the coding services; the view itself only re-reads
the document's codings when the project says they changed. Positions stay code points everywhere except at the
Qt boundary, which `TextPositions` guards.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services import study
from app.services.changes import Change
from app.ui import coder_choice
from app.ui.coding_index import CodingIndex, ShownCoding
from app.ui.context import AppContext
from app.ui.icons import kind_label
from app.ui.text_positions import TextPositions
from app.ui.views import coding_menus
from app.ui.views.coding_highlighter import CodingHighlighter
from app.ui.views.edit_mode import EditMode
from app.ui.views.editor_actions import make_editor_actions
from app.ui.views.editor_coding import EditorCoding
from app.ui.views.editor_navigation import DocumentNavigator
from app.ui.views.editor_options import ReadingOptions, ShownCoders
from app.ui.views.editor_support import CoderFilter, EditorOptions, ask_coders, snap_to_words
from app.ui.views.find_bar import FindBar
from app.ui.views.text_view import TextView


class TranscriptEditor(QWidget):
    """Hosts one document at a time; F1's main window shows it in the centre.

    The widget shows the text and paints the codings; its collaborators do the rest: `coding` owns the coding
    index and the coding commands, `navigator` finding, going to a time and zooming, `shown_coders` whose
    codings are shown, `reading` the reading options.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current_document_id: int | None = None
        self.document = None  # study.DocumentData
        self.positions = TextPositions("")
        self.options = EditorOptions()
        self.coding = EditorCoding(context, self)
        self.navigator = DocumentNavigator(self)
        self.reading = ReadingOptions(self)
        self._painting = False
        self._build()
        self.shown_coders = ShownCoders(context, self.coder_box, self)
        context.changed.connect(self._on_change)
        context.projectChanged.connect(self._on_project)
        context.activeCoderChanged.connect(lambda _id: self.reload_codings())
        context.blindChanged.connect(self.shown_coders.on_blind)
        if context.blind:
            self.shown_coders.on_blind(True)

    # -- what the collaborators own, as the editor's public face ---------------------------------------------
    @property
    def index(self) -> CodingIndex:
        return self.coding.index

    @property
    def recent_codes(self) -> list[int]:
        return self.coding.recent_codes

    @property
    def coder_filter(self) -> CoderFilter:
        return self.shown_coders.filter

    def set_coder_filter(self, mode: str, coders: set[int] | None = None) -> None:
        self.shown_coders.set_filter(mode, coders)

    def reload_codings(self) -> None:
        """Re-read the codings shown; only the paragraphs whose codings changed are repainted."""
        self.coding.reload()

    def shown_filter(self) -> CoderFilter:
        """Whose codings are shown (blind coding shows only the active coder's)."""
        return self.shown_coders.shown()

    def apply_code(self, code_id: int) -> bool:
        """Code the current selection with a code for the active coder; False when there is nothing to code."""
        return self.coding.apply_code(code_id)

    def apply_shortcut(self, digit: int) -> bool:
        return self.coding.apply_shortcut(digit)

    def in_vivo(self) -> bool:
        return self.coding.in_vivo()

    def remove_coding(self, coding_id: int) -> None:
        self.coding.remove(coding_id)

    def recode(self, coding_id: int, code_id: int) -> None:
        self.coding.recode(coding_id, code_id)

    def edit_coding_memo(self, coding_id: int) -> None:
        self.coding.edit_memo(coding_id)

    def zoom(self, step: int) -> None:
        self.navigator.zoom(step)

    def open_find(self) -> None:
        self.navigator.open_find()

    def find_step(self, step: int) -> None:
        self.navigator.step(step)

    def show_matches(self, matches: list[tuple[int, int]], current: int = 0) -> None:
        """Paint matches found elsewhere (a search) like find results and select the current one."""
        self.navigator.show_matches(matches, current)

    def ask_go_to_time(self) -> None:
        self.navigator.ask_go_to_time()

    def go_to_time(self, text: str) -> bool:
        return self.navigator.go_to_time(text)

    # -- questions, overridable in tests ------------------------------------------------------------------------
    def ask_replace_value(self, message: str) -> bool:
        """Overridable in tests: replace the coder's other value of the set on this passage?"""
        answer = QMessageBox.question(
            self,
            "One value per passage",
            message.replace(", or remove it first.", "?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def report_error(self, error: RapportError) -> None:
        """Overridable in tests: tell the user why an action was refused."""
        QMessageBox.warning(self, "Rapport", str(error))

    def ask_memo_text(self, title: str, current: str) -> str | None:
        """Overridable in tests: ask for a memo's text; None when cancelled."""
        text, ok = QInputDialog.getMultiLineText(self, title, "Memo:", current)
        return text if ok else None

    def ask_coder_name(self, parent) -> str | None:
        """Overridable in tests: ask the researcher's name before their first coding."""
        return coder_choice.ask_name(parent)

    def choose_coders(self) -> set[int] | None:
        """Overridable in tests: ask which coders to show."""
        return ask_coders(self, self.coding.coders, self.shown_coders.filter.coders)

    # -- construction -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        # Wraps rather than holding the text pane at the title's full width (which kept the study tree narrow).
        self.title.setWordWrap(True)
        self.coder_box = QComboBox(self)
        self.coder_box.addItems(["My codings", "All coders", "Chosen coders…"])
        self.coder_box.setToolTip("Whose codings the stripes show; with several coders each has its own hue")
        self.options_button = QToolButton(self, text="View")
        self.options_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 4)
        header.addWidget(self.title, 1)
        header.addWidget(self.coder_box)
        header.addWidget(self.options_button)
        self.view = TextView(self)
        self.highlighter = CodingHighlighter(self.view.document())
        self.stripes = self.view.stripes
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        self.edit_mode = EditMode(self)
        layout.addWidget(self.edit_mode.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        make_editor_actions(self)
        self.view.updateRequest.connect(lambda _rect, _dy: self.paint_visible())
        self.view.shortcutPressed.connect(self.apply_shortcut)
        self.view.codesDropped.connect(self._on_drop)
        self.view.contextMenuAt.connect(self._text_menu)
        self.view.selectionReleased.connect(self._snap_selection)
        self.stripes.codingClicked.connect(self.select_coding)
        self.stripes.codingContextMenu.connect(self._stripe_menu)
        self.stripes.hoveredChanged.connect(self._emphasise)
        self.find_bar.searchChanged.connect(self.navigator.run_find)
        self.find_bar.nextRequested.connect(lambda: self.find_step(+1))
        self.find_bar.previousRequested.connect(lambda: self.find_step(-1))
        self.find_bar.closed.connect(self.navigator.close_find)
        self._show_title()

    # -- showing documents ----------------------------------------------------------------------------
    def show_document(self, doc_id: int, start: int | None = None, end: int | None = None) -> None:
        """Show a document and, when given, scroll to and select the code point range [start, end)."""
        if doc_id != self.current_document_id:
            if self.edit_mode.active and not self.edit_mode.finish():
                return  # the correction was refused: stay on it
            self._load(doc_id)
        if start is not None:
            self.select_range(start, end if end is not None else start)

    def _load(self, doc_id: int | None) -> None:
        project = self.context.project
        self.current_document_id = doc_id
        if project is None or doc_id is None:
            self.document, text = None, ""
        else:
            self.document = study.get_document(project, doc_id)
            text = self.document.text
        self.positions = TextPositions(text)
        turns = self.document.turns if self.document else []
        turn_starts = frozenset(t.start for t in turns if t.speaker)
        self.coding.load()
        self.stripes.show_coder = self.coding.by_coder
        self.highlighter.set_content(self.positions, self._painted_index(), turn_starts)
        self.view.set_stored_text(text)
        self.highlighter.forget_painting()
        self.paint_visible()
        self.stripes.set_index(self.index, self.positions)
        self.view.update_stripe_margin()
        self.navigator.document_loaded()
        self._show_title()

    def _show_title(self) -> None:
        doc = self.document
        if doc is None:
            self.title.setText("<span style='color:#888'>No document open</span>")
            return
        facts = [  # "Session transcript · dyad D01 · session 1", not "session 1 · session"
            kind_label(doc.kind),
            f"dyad {doc.dyad}" if doc.dyad else "",
            f"session {doc.session}" if doc.session else "",
            f"{doc.perspective}'s view" if doc.perspective and doc.kind != "session" else "",
        ]
        detail = " · ".join(f for f in facts if f)
        self.title.setText(f"<b>{_html(doc.name)}</b> <span style='color:#777'>{_html(detail)}</span>")

    def reload_document(self) -> None:
        """Reload text and codings (after an edit or an undo of a merge) keeping the reader's place."""
        scroll = self.view.verticalScrollBar().value()
        doc = self.current_document_id
        try:
            self._load(doc)
        except RapportError:  # the document was deleted
            self._load(None)
        self.view.verticalScrollBar().setValue(scroll)

    def _on_project(self, project) -> None:
        self._load(None)
        self.coding.reset()  # no recent codes; codebook and coders ready before the first document opens

    def _on_change(self, change: Change) -> None:
        doc = self.current_document_id
        if self.context.project is None:
            return
        if self.edit_mode.active:  # while editing, the text on screen is the truth; finishing reloads
            if doc is not None and (change.everything or doc in change.documents):
                self.edit_mode.follow_version()
            return
        if change.everything or change.codebook or change.coders:
            self.coding.forget_tables(codebook_too=change.everything or change.codebook)
        if doc is None:
            return
        if change.everything or doc in change.documents:
            self.reload_document()
        elif change.codebook or change.coders:
            self.coding.fresh_tables()  # marked stale above: the codebook only when it changed
            self.coding.reload()
        elif doc in change.codings or change.memos:
            if change.initiator is self and not change.memos:
                return  # apply_code updates the index itself, from the records it got back
            if change.only_codings and not change.memos:
                self.coding.patch(change.touched_codings)  # e.g. an undo: only those codings
            else:
                self.coding.reload()

    # -- painting the codings ----------------------------------------------------------------------------
    def _painted_index(self) -> CodingIndex:
        return self.index if self.options.highlight else CodingIndex([])

    def show_index(self, old: CodingIndex, changed: set[ShownCoding] | None) -> None:
        """Show the coding index, repainting only paragraphs whose codings differ (`changed`, when known)."""
        index = self.index
        self.stripes.show_coder = self.coding.by_coder
        self.highlighter.set_index(self._painted_index())
        if self.options.highlight:
            self._rehighlight(set(old.codings) ^ set(index.codings) if changed is None else changed)
        self.stripes.set_index(index, self.positions)
        if self.stripes.preferred_width() != self.stripes.width():
            self.view.update_stripe_margin()

    def repaint_codings(self) -> None:
        """Repaint all highlighting (it was switched on or off)."""
        self.highlighter.set_index(self._painted_index())
        self.highlighter.forget_painting()
        self.paint_visible()

    def _rehighlight(self, changed: set[ShownCoding]) -> None:
        """Repaint the painted paragraphs touched by these codings (the others are painted when in view)."""
        if len(changed) > 300:
            self.highlighter.forget_painting()
            self.paint_visible()
            return
        document, painted = self.view.document(), self.highlighter.painted
        numbers: set[int] = set()
        for c in changed:
            first = document.findBlock(self.positions.to_qt(c.start)).blockNumber()
            last = document.findBlock(self.positions.to_qt(max(c.end - 1, c.start))).blockNumber()
            numbers.update(n for n in range(first, last + 1) if n in painted)
        self.highlighter.paint_blocks((document.findBlockByNumber(n) for n in sorted(numbers)), again=True)

    def paint_visible(self) -> None:
        """Highlight the paragraphs in view (and a few beyond) that are not painted yet."""
        if self._painting:
            return
        self._painting = True
        try:
            block = self.view.firstVisibleBlock()
            offset = self.view.contentOffset()
            limit = self.view.viewport().height()
            blocks, extra = [], 8
            while block.isValid() and extra > 0:
                blocks.append(block)
                if self.view.blockGeometry(block).translated(offset).top() > limit:
                    extra -= 1
                block = block.next()
            self.highlighter.paint_blocks(blocks)
        finally:
            self._painting = False

    def _emphasise(self, coding_id: int | None) -> None:
        previous = self.highlighter.emphasised
        self.highlighter.emphasised = coding_id
        for cid in {previous, coding_id} - {None}:
            shown = self.index.by_id.get(cid)
            if shown is not None:
                self._rehighlight({shown})

    # -- selection -----------------------------------------------------------------------------------
    def selected_range(self) -> tuple[int, int] | None:
        """The selection in code points (snapped to whole words when that option is on), or None."""
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = self.positions.range_to_rapport(cursor.selectionStart(), cursor.selectionEnd())
        if self.options.snap_to_words:
            start, end = snap_to_words(self.view.stored_text(), start, end)
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        length = len(self.view.stored_text())
        start, end = max(0, min(start, length)), max(0, min(end, length))
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self.positions.to_qt(end))
        self.view.setTextCursor(cursor)
        self.view.centerCursor()
        cursor.setPosition(self.positions.to_qt(start), QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()

    def select_coding(self, coding_id: int) -> None:
        shown = self.index.by_id.get(coding_id)
        if shown is not None:
            self.stripes.selected = coding_id
            self.select_range(shown.start, shown.end)
            self.stripes.update()

    def _snap_selection(self) -> None:
        if not self.options.snap_to_words:
            return
        chosen = self.selected_range()
        if chosen is not None:
            cursor = self.view.textCursor()
            forward = cursor.position() >= cursor.anchor()
            a, b = chosen if forward else chosen[::-1]
            cursor.setPosition(self.positions.to_qt(a))
            cursor.setPosition(self.positions.to_qt(b), QTextCursor.MoveMode.KeepAnchor)
            self.view.setTextCursor(cursor)

    def _on_drop(self, code_ids: list[int], qt_position: int) -> None:
        cursor = self.view.textCursor()
        inside = cursor.hasSelection() and cursor.selectionStart() <= qt_position <= cursor.selectionEnd()
        if not inside:  # dropped away from the selection: code the paragraph under the drop
            block = self.view.document().findBlock(qt_position)
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            if not cursor.hasSelection():
                return
            self.view.setTextCursor(cursor)
        if len(code_ids) == 1:
            self.apply_code(code_ids[0])
            return
        self.context.undo_stack.beginMacro("Code selection with several codes")
        try:
            for code_id in code_ids:
                self.apply_code(code_id)
        finally:
            self.context.undo_stack.endMacro()

    # -- menus -----------------------------------------------------------------------------------------
    def _menu_callbacks(self) -> dict:
        return dict(
            remove=self.remove_coding,
            recode=self.recode,
            memo=self.edit_coding_memo,
            select_coding=self.select_coding,
        )

    def build_text_menu(self, qt_position: int):
        cp = self.positions.to_rapport(qt_position)
        self.coding.fresh_tables()
        codes = self.coding.codes
        return coding_menus.build_text_menu(
            self,
            has_selection=self.selected_range() is not None,
            recent=[codes[i] for i in self.recent_codes if i in codes],
            codes=list(codes.values()),
            under_mouse=self.index.at(cp),
            apply_code=self.apply_code,
            in_vivo=self.in_vivo,
            standard=[self.find_action, self.goto_action],
            **self._menu_callbacks(),
        )

    def _text_menu(self, global_pos, qt_position: int) -> None:
        self.build_text_menu(qt_position).exec(global_pos)

    def build_stripe_menu(self, coding_id: int):
        shown = self.index.by_id[coding_id]
        return coding_menus.build_stripe_menu(
            self, shown, list(self.coding.codes.values()), **self._menu_callbacks()
        )

    def _stripe_menu(self, coding_id: int, global_pos) -> None:
        if coding_id in self.index.by_id:
            self.build_stripe_menu(coding_id).exec(global_pos)


def _html(text: str) -> str:
    return escape(text)

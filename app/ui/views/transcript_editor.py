"""The transcript editor: read a document, code it, see every coding as a stripe beside the text.

Coding is direct: select words, then click a code in the codebook (`apply_code`), drop a code on the text, press
the code's digit, or pick it from the context menu (recent codes first); in-vivo coding names a new code after
the selection. Every edit is one undoable command calling the coding services; the view itself only re-reads
the document's codings when the project says they changed. Positions stay code points everywhere except at the
Qt boundary, which `TextPositions` guards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
from app.services import codebook, coding, memos, study
from app.services.changes import Change
from app.services.code_sets import SetValueConflict
from app.ui import coder_choice
from app.ui.coding_index import CodingIndex, ShownCoding
from app.ui.context import AppContext
from app.ui.editor_commands import (
    AddCodingsCommand,
    DeleteCodingsCommand,
    InVivoCommand,
    NewCoderCommand,
    RecodeCodingsCommand,
    ReplaceSetValueCommand,
    run_and_push,
)
from app.ui.icons import kind_label
from app.ui.text_positions import TextPositions
from app.ui.views import coding_menus
from app.ui.views.coding_highlighter import CodingHighlighter
from app.ui.views.edit_mode import EditMode
from app.ui.views.editor_actions import make_editor_actions
from app.ui.views.editor_navigation import NavigationMixin
from app.ui.views.editor_options import ShownCodersMixin
from app.ui.views.editor_support import (
    CoderFilter,
    EditorOptions,
    coder_palette,
    in_vivo_name,
    snap_to_words,
)
from app.ui.views.find_bar import FindBar
from app.ui.views.text_view import TextView

RECENT_CODES = 5


class TranscriptEditor(NavigationMixin, ShownCodersMixin, QWidget):
    """Hosts one document at a time; F1's main window shows it in the centre."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current_document_id: int | None = None
        self.document = None  # study.DocumentData
        self.positions = TextPositions("")
        self.index = CodingIndex([])
        self.options = EditorOptions()
        self.coder_filter = CoderFilter()
        self.recent_codes: list[int] = []
        self._codes: dict[int, object] = {}  # id -> codebook.CodeData, in tree order
        self._coders: dict[int, tuple[str, str]] = {}  # id -> (name, colour)
        self._matches: list[tuple[int, int]] = []
        self._match = 0
        self._painting = False
        self._tables_for: object = None  # the project whose codebook and coders are cached
        self._build()
        context.changed.connect(self._on_change)
        context.projectChanged.connect(self._on_project)
        context.activeCoderChanged.connect(lambda _id: self._reload_codings())
        context.blindChanged.connect(self._on_blind)
        if context.blind:
            self._on_blind(True)

    # -- construction -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.coder_box = QComboBox(self)
        self.coder_box.addItems(["My codings", "All coders", "Chosen coders…"])
        self.coder_box.setToolTip("Whose codings the stripes show; with several coders each has its own hue")
        self.coder_box.activated.connect(self._on_coder_mode)
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
        self._make_actions()
        self.view.updateRequest.connect(lambda _rect, _dy: self.paint_visible())
        self.view.shortcutPressed.connect(self.apply_shortcut)
        self.view.codesDropped.connect(self._on_drop)
        self.view.contextMenuAt.connect(self._text_menu)
        self.view.selectionReleased.connect(self._snap_selection)
        self.stripes.codingClicked.connect(self.select_coding)
        self.stripes.codingContextMenu.connect(self._stripe_menu)
        self.stripes.hoveredChanged.connect(self._emphasise)
        self.find_bar.searchChanged.connect(self._run_find)
        self.find_bar.nextRequested.connect(lambda: self.find_step(+1))
        self.find_bar.previousRequested.connect(lambda: self.find_step(-1))
        self.find_bar.closed.connect(self._close_find)
        self._show_title()

    def _make_actions(self) -> None:
        make_editor_actions(self)

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
        if self._tables_for is not project:
            self._refresh_lookup_tables()
        self.index = self._build_index()
        self.highlighter.set_content(self.positions, self._painted_index(), turn_starts)
        self.view.set_stored_text(text)
        self.highlighter.forget_painting()
        self.paint_visible()
        self.stripes.set_index(self.index, self.positions)
        self.view.update_stripe_margin()
        self._matches = []
        if self.find_bar.isVisible():
            self._run_find()
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

    # -- codings shown -------------------------------------------------------------------------------
    def _refresh_lookup_tables(self) -> None:
        """Codebook and coders, kept between documents (menus and digit shortcuts need them at once) and
        re-read when the project says they changed."""
        project = self.context.project
        self._tables_for = project
        if project is None:
            self._codes, self._coders = {}, {}
            return
        self._codes = {c.id: c for c in codebook.list_codes(project, with_usage=False)}
        self._coders = {c.id: (c.name, c.color) for c in coding.list_coders(project)}

    def _build_index(self) -> CodingIndex:
        project = self.context.project
        if project is None or self.current_document_id is None:
            return CodingIndex([])
        records = coding.codings_for_document(project, self.current_document_id)
        shown = self._shown_filter()
        wanted = shown.accepts(self.context.active_coder_id)
        records = [r for r in records if wanted(r.coder_id)]
        by_coder = len({r.coder_id for r in records}) > 1 or shown.mode != "mine"
        palette = coder_palette(self._coders) if by_coder else {}
        self.stripes.show_coder = by_coder
        memo_texts = memos.coding_memo_texts(project, self.current_document_id)
        return CodingIndex([self._shown(r, palette, memo_texts) for r in records])

    def _shown(self, record, palette: dict[int, str], memo_texts: dict[int, str]) -> ShownCoding:
        code = self._codes.get(record.code_id)
        coder_name = self._coders.get(record.coder_id, ("?", ""))[0]
        color = palette.get(record.coder_id) if palette else (code.color if code else None)
        return ShownCoding(
            record.id,
            record.code_id,
            record.coder_id,
            record.start,
            record.end,
            color or "#888888",
            code.name if code else "?",
            coder_name,
            memo_texts.get(record.id, ""),
        )

    def _painted_index(self) -> CodingIndex:
        return self.index if self.options.highlight else CodingIndex([])

    def _reload_codings(self) -> None:
        """Re-read the codings and repaint only the paragraphs whose codings changed."""
        if self.current_document_id is None:
            return
        self._swap_index(self._build_index())

    def _swap_index(self, index: CodingIndex, changed: set[ShownCoding] | None = None) -> None:
        """Show a new index, repainting only paragraphs whose codings differ (`changed`, when known)."""
        old, self.index = self.index, index
        self.highlighter.set_index(self._painted_index())
        if self.options.highlight:
            self._rehighlight(set(old.codings) ^ set(index.codings) if changed is None else changed)
        self.stripes.set_index(index, self.positions)
        if self.stripes.preferred_width() != self.stripes.width():
            self.view.update_stripe_margin()

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

    def _on_change(self, change: Change) -> None:
        doc = self.current_document_id
        if self.context.project is None or self.edit_mode.active:
            return  # while editing, the text on screen is the truth; finishing reloads
        if change.everything or change.codebook or change.coders:
            self._tables_for = None  # stale: re-read on the next use
        if doc is None:
            return
        if change.everything or doc in change.documents:
            self._reload_document()
        elif change.codebook or change.coders:
            self._refresh_lookup_tables()
            self._reload_codings()
        elif doc in change.codings or change.memos:
            if change.initiator is self and not change.memos:
                return  # apply_code updates the index itself, from the records it got back
            if change.only_codings and not change.memos:
                self._patch_codings(change.touched_codings)  # e.g. an undo: only those codings
            else:
                self._reload_codings()

    def _patch_codings(self, touched) -> None:
        """Re-read only these codings (removed, added or changed) and repaint the paragraphs they touch."""
        project = self.context.project
        shown = self._shown_filter()
        wanted = shown.accepts(self.context.active_coder_id)
        fresh = [
            r
            for r in coding.codings_by_ids(project, touched)
            if r.document_id == self.current_document_id and wanted(r.coder_id)
        ]
        remaining = self.index.without(touched)
        coders = {c.coder_id for c in remaining.codings} | {r.coder_id for r in fresh}
        if self.stripes.show_coder != (len(coders) > 1 or shown.mode != "mine"):
            self._reload_codings()  # the stripes switch between code colours and coder colours
            return
        palette = coder_palette(self._coders) if self.stripes.show_coder else {}
        removed = [self.index.by_id[i] for i in touched if i in self.index.by_id]
        added = [self._shown(r, palette, {}) for r in fresh]
        self._swap_index(remaining.with_added(added), changed=set(removed) | set(added))

    def _reload_document(self) -> None:
        """Reload text and codings (after an edit or an undo of a merge) keeping the reader's place."""
        scroll = self.view.verticalScrollBar().value()
        doc = self.current_document_id
        try:
            self._load(doc)
        except RapportError:  # the document was deleted
            self._load(None)
        self.view.verticalScrollBar().setValue(scroll)

    def _on_project(self, project) -> None:
        self.recent_codes = []
        self._load(None)
        self._refresh_lookup_tables()  # ready before the first document opens

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

    # -- coding ---------------------------------------------------------------------------------------
    def apply_code(self, code_id: int) -> bool:
        """Code the current selection with a code for the active coder; False when there is nothing to code."""
        chosen = self.selected_range()
        project = self.context.project
        if chosen is None or project is None or self.current_document_id is None or project.read_only:
            return False
        code = self._codes.get(code_id)
        if code is None:
            self._refresh_lookup_tables()
            code = self._codes.get(code_id)
            if code is None:
                return False
        start, end = chosen
        spec = coding.CodingSpec(self.current_document_id, code_id, start, end)
        excerpt = _short(self.view.stored_text()[start:end])
        label = f"Code “{excerpt}” as {code.name}"
        with self._one_step(label):  # with the coder it may have to create first
            coder_id = self._coder_id()
            if coder_id is None:
                return False
            command = AddCodingsCommand(project, [spec], coder_id, label)
            # As the initiator, the editor grows its index from the command's records instead of re-reading.
            try:
                run_and_push(self.context, command, self)
            except SetValueConflict as conflict:
                return self._replace_set_value(conflict, spec, coder_id, f"{label} (replacing)")
            except RapportError as error:
                self.report_error(error)
                return False
        self._add_to_index(command.records)
        self._remember(code_id)
        return True

    def _replace_set_value(self, conflict: SetValueConflict, spec, coder_id: int, label: str) -> bool:
        """A second value of a code set on the passage: replace the first when the user says so."""
        if not self.ask_replace_value(str(conflict)):
            return False
        replaced = self._run(ReplaceSetValueCommand(self.context.project, [spec], coder_id, label))
        if replaced:  # the change notice re-reads this document's codings (one was removed)
            self._remember(spec.code_id)
        return replaced

    def ask_replace_value(self, message: str) -> bool:
        """Overridable in tests: replace the coder's other value of the set on this passage?"""
        answer = QMessageBox.question(
            self,
            "One value per passage",
            message.replace(", or remove it first.", "?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _run(self, command, initiator: object = None) -> bool:
        try:
            run_and_push(self.context, command, initiator)
        except RapportError as error:
            self.report_error(error)
            return False
        return True

    def report_error(self, error: RapportError) -> None:
        """Overridable in tests: tell the user why an action was refused."""
        QMessageBox.warning(self, "Rapport", str(error))

    def _add_to_index(self, records) -> None:
        wanted = self._shown_filter().accepts(self.context.active_coder_id)
        palette = coder_palette(self._coders) if self.stripes.show_coder else {}
        added = [
            self._shown(r, palette, {})
            for r in records
            if r.document_id == self.current_document_id and wanted(r.coder_id)
        ]
        self._swap_index(self.index.with_added(added), changed=set(added))

    def _fresh_tables(self) -> None:
        if self._tables_for is not self.context.project:
            self._refresh_lookup_tables()

    def apply_shortcut(self, digit: int) -> bool:
        self._fresh_tables()
        for code in self._codes.values():
            if code.shortcut == digit:
                return self.apply_code(code.id)
        return False

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

    def in_vivo(self) -> bool:
        chosen = self.selected_range()
        project = self.context.project
        if chosen is None or project is None or self.current_document_id is None or project.read_only:
            return False
        start, end = chosen
        name = in_vivo_name(self.view.stored_text()[start:end])
        if not name:
            return False
        doc = self.current_document_id

        def spec(code_id: int) -> coding.CodingSpec:
            return coding.CodingSpec(doc, code_id, start, end)

        label = f"In-vivo code “{name}”"
        with self._one_step(label):
            coder_id = self._coder_id()
            return coder_id is not None and self._run(InVivoCommand(project, name, spec, coder_id, label))

    def remove_coding(self, coding_id: int) -> None:
        shown = self.index.by_id.get(coding_id)
        project = self.context.project
        if shown is not None and project is not None:
            self._run(DeleteCodingsCommand(project, [coding_id], f"Remove coding {shown.code_name}"))

    def recode(self, coding_id: int, code_id: int) -> None:
        shown, code, project = self.index.by_id.get(coding_id), self._codes.get(code_id), self.context.project
        if shown is not None and code is not None and project is not None:
            text = f"Re-code {shown.code_name} as {code.name}"
            if self._run(RecodeCodingsCommand(project, [coding_id], code_id, text)):
                self._remember(code_id)

    def edit_coding_memo(self, coding_id: int) -> None:
        shown = self.index.by_id.get(coding_id)
        if shown is None:
            return
        text = self.ask_memo_text(f"Memo on {shown.code_name}", shown.memo)
        if text is None or text == shown.memo:
            return
        from app.ui.views.memo_panel import push_memo_text

        push_memo_text(self.context, "coding", coding_id, text)

    def ask_memo_text(self, title: str, current: str) -> str | None:
        """Overridable in tests: ask for a memo's text; None when cancelled."""
        text, ok = QInputDialog.getMultiLineText(self, title, "Memo:", current)
        return text if ok else None

    @contextmanager
    def _one_step(self, label: str) -> Iterator[None]:
        """Without an active coder, creating one and the action that needed one are one undo step."""
        if self.context.active_coder_id is not None:
            yield
            return
        self.context.undo_stack.beginMacro(label)
        try:
            yield
        finally:
            self.context.undo_stack.endMacro()

    def _coder_id(self) -> int | None:
        """The active coder; when nobody is chosen yet, ask who is coding (None: cancelled, nothing is coded).
        Creating that coder is undoable, in one step with the action that needed it (`_one_step`)."""
        return coder_choice.first_coder(self.context, self, self.ask_coder_name, create=self._create_coder)

    def _create_coder(self, name: str) -> int | None:
        command = NewCoderCommand(self.context, name)
        return command.coder_id if self._run(command) else None

    def ask_coder_name(self, parent) -> str | None:
        """Overridable in tests: ask the researcher's name before their first coding."""
        return coder_choice.ask_name(parent)

    def _remember(self, code_id: int) -> None:
        if code_id in self.recent_codes:
            self.recent_codes.remove(code_id)
        self.recent_codes.insert(0, code_id)
        del self.recent_codes[RECENT_CODES:]

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
        self._fresh_tables()
        codes = list(self._codes.values())
        recent = [self._codes[i] for i in self.recent_codes if i in self._codes]
        return coding_menus.build_text_menu(
            self,
            has_selection=self.selected_range() is not None,
            recent=recent,
            codes=codes,
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
            self, shown, list(self._codes.values()), **self._menu_callbacks()
        )

    def _stripe_menu(self, coding_id: int, global_pos) -> None:
        if coding_id in self.index.by_id:
            self.build_stripe_menu(coding_id).exec(global_pos)

    def _emphasise(self, coding_id: int | None) -> None:
        previous = self.highlighter.emphasised
        self.highlighter.emphasised = coding_id
        for cid in {previous, coding_id} - {None}:
            shown = self.index.by_id.get(cid)
            if shown is not None:
                self._rehighlight({shown})


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _html(text: str) -> str:
    return escape(text)

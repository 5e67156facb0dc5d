"""Everything coded with one code, across the study: the researcher's "show me all the trust moments" view.

Rows carry document, dyad, session, perspective and coder so client and therapist excerpts can be read side by
side; filters narrow them; the pane below shows the selected excerpt in its context; double-click opens it in
the transcript editor (via `context.documentRequested`). Copy as text and CSV export take the rows shown.

A code may have thousands of excerpts across a study of millions of words: they are read on a worker thread
(`BackgroundRefresh`), so choosing a code never freezes the window; the model then hands the table its first
rows, the rest as it scrolls. The first rows are read first, from their few documents, and shown before the
rest of a long list is read. Choosing another code while a load runs makes that load's result stale (it is
dropped). `loaded` fires each time all the rows of the code shown are in place.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RapportError
from app.services import anchors
from app.services.changes import Change
from app.services.csv_files import write_csv
from app.services.excerpts import CodeExcerpts, code_excerpts, excerpts_by_ids, shown_code
from app.ui.commands import ServiceCommand
from app.ui.compact import shrinkable
from app.ui.context import NOBODY, AppContext
from app.ui.dialogs.crash_dialog import report_error
from app.ui.models.excerpts_model import ANY, Excerpt, ExcerptFilter, ExcerptsModel, one_line
from app.ui.views.background_refresh import BackgroundRefresh
from app.ui.views.coding_highlighter import tint

CSV_COLUMNS = (
    "coding_id",
    "document",
    "dyad",
    "session",
    "perspective",
    "coder",
    "code",
    "start",
    "end",
    "text",
)


def excerpts_as_text(rows: list[Excerpt]) -> str:
    """Plain text for pasting into a paper or an e-mail to a co-author: source line, then the quoted excerpt."""
    parts = []
    for row in rows:
        facts = [
            f"dyad {row.dyad}" if row.dyad else "",
            f"session {row.session}" if row.session else "",
            row.perspective or "",
            f"coded {row.code} by {row.coder}",
        ]
        parts.append(
            f"{row.document} ({', '.join(f for f in facts if f)}) [{row.start}–{row.end}]\n“{row.text.strip()}”"
        )
    return "\n\n".join(parts) + ("\n" if parts else "")


def write_excerpts_csv(rows: list[Excerpt], path: Path) -> None:
    write_csv(
        path,
        CSV_COLUMNS,
        (
            [
                r.coding_id,
                r.document,
                r.dyad or "",
                r.session if r.session is not None else "",
                r.perspective or "",
                r.coder,
                r.code,
                r.start,
                r.end,
                r.text,
            ]
            for r in rows
        ),
    )


SIZED_ROWS = 60  # rows measured to size a column to its contents
FIRST_ROWS = 250  # read first (from their few documents) and shown before the rest of a long list is read
CELL_PADDING = 16  # the item's margins around its text
CODE_COLUMN = 6  # shows a colour swatch before the code's name


NARROW_HIDDEN = (2, 3, 4)  # dyad, session, perspective: hidden in this order when the panel is narrow


class ContextPreview(QTextBrowser):
    """The selected excerpt in its context: a few lines by default, so the list keeps most of the height."""

    LINES = 4

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.fontMetrics().lineSpacing() * self.LINES + 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.fontMetrics().lineSpacing() * 2 + 12)


class ExcerptsView(QWidget):
    # A load finished: the rows of the code shown are in the model (or its failure is shown).
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.code_id: int | None = None
        self._loader = BackgroundRefresh(self)  # reads a code's excerpts off the GUI thread
        self._read_the_rest = lambda: None  # after the first rows: read all of them (set by `refresh`)
        self._codes: set[int] = set()  # the code shown and, with sub-codes, its descendants
        self._code_shown = None  # its services.excerpts.ShownCode (name, colour, ids), read at refresh
        self._stale = False  # a change arrived while hidden: refresh when shown
        self.model = ExcerptsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._build()
        context.changed.connect(self._on_change)
        context.projectChanged.connect(lambda _p: self.show_code(None))
        context.blindChanged.connect(lambda _on: self.refresh())
        context.activeCoderChanged.connect(lambda _id: self.context.blind and self.refresh())

    def _build(self) -> None:
        self.heading = QLabel("Choose a code to see its excerpts", self)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.subcodes_box = QCheckBox("Include sub-codes", self)
        self.subcodes_box.toggled.connect(lambda _on: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        self.filters: dict[str, QComboBox] = {}
        filters = QHBoxLayout()
        for key, label in (
            ("dyad", "All dyads"),
            ("session", "All sessions"),
            ("perspective", "All perspectives"),
            ("coder", "All coders"),
        ):
            box = QComboBox(self)
            box.addItem(label, None)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(self._apply_filters)
            self.filters[key] = box
            filters.addWidget(box)
        filters.addStretch(1)
        filters.addWidget(self.subcodes_box)
        self.copy_button = QPushButton("Copy as text", self)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.clicked.connect(self.export_with_dialog)
        top.addWidget(self.copy_button)  # on the heading's line: the filters get the width of their own line
        top.addWidget(self.export_button)
        shrinkable([*self.filters.values(), self.heading])
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # study order first
        self.proxy.sort(-1)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().lineSpacing() + 8
        )  # one line a row
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.model.columnCount()):  # sized by `_fit_columns`, resizable by hand
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self._natural: dict[int, int] = {}  # column -> the width its contents need
        self._fitting = False
        header.geometriesChanged.connect(self._keep_the_excerpt_readable)
        self.table.doubleClicked.connect(self._open)
        self.table.selectionModel().currentRowChanged.connect(self._show_context)
        self.context_pane = ContextPreview(self)
        self.context_pane.setPlaceholderText("The selected excerpt in its context")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.context_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        copy = self.table.addAction("Copy")
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_to_clipboard)
        self.anchor_action = self.table.addAction("Anchor excerpt in the printed codebook (★)")
        self.anchor_action.setToolTip(
            "Choose up to three typical excerpts a code for File ▸ Export ▸ Codebook"
        )
        self.anchor_action.triggered.connect(self.toggle_anchor)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._keep_the_excerpt_readable()

    def _keep_the_excerpt_readable(self) -> None:
        """In a narrow panel the excerpt keeps at least 40% of the width: the dyad, session and perspective
        columns give way first (the document's name usually says them), and come back when there is room."""
        header = self.table.horizontalHeader()
        width = self.table.viewport().width()
        if width <= 0 or self._fitting:
            return
        self._fitting = True
        try:
            natural = {c: self._natural.get(c, header.sectionSize(c)) for c in range(1, header.count())}
            hidden: list[int] = []
            for column in NARROW_HIDDEN:
                if width - sum(w for c, w in natural.items() if c not in hidden) >= width * 0.4:
                    break
                hidden.append(column)
            for column in NARROW_HIDDEN:
                if header.isSectionHidden(column) != (column in hidden):
                    header.setSectionHidden(column, column in hidden)
        finally:
            self._fitting = False

    def _fit_columns(self) -> None:
        """Size the fact columns to the longest text of the first rows, measured with the font: Qt's own
        resize-to-contents asks every cell of those rows for its size hint, thousands of data() calls after
        each load."""
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        rows = self.model.excerpts()[:SIZED_ROWS]
        columns = list(zip(*(ExcerptsModel.facts_shown(r) for r in rows))) if rows else []
        swatch = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        for column in range(1, self.model.columnCount()):
            texts = columns[column - 1] if columns else ()
            widest = max((metrics.horizontalAdvance(t) for t in set(texts)), default=0)
            extra = CELL_PADDING + (swatch + 4 if column == CODE_COLUMN else 0)
            self._natural[column] = max(widest + extra, header.sectionSizeHint(column))
            if header.sectionSize(column) != self._natural[column]:
                header.resizeSection(column, self._natural[column])
        self._keep_the_excerpt_readable()

    # -- content ------------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        """A load of the code shown is under way (its rows are not in the model yet)."""
        return self._loader.busy

    def show_code(self, code_id: int | None) -> None:
        if code_id != self.code_id:
            self.code_id = code_id
            self._code_shown, self._codes = None, set()
            self.model.set_excerpts([])  # the previous code's rows go at once; this one's follow
            self.context_pane.clear()
        self.refresh()

    def refresh(self) -> None:
        """Read the code's excerpts again, on a worker thread; the rows shown stay until the new ones arrive
        (a load still under way is superseded)."""
        self._stale = False
        project = self.context.project
        if project is None or self.code_id is None:
            self._loader.cancel()
            self._codes, self._code_shown = set(), None
            self.model.set_excerpts([])
            self.heading.setText("Choose a code to see its excerpts")
            self._fill_filters()
            self.loaded.emit()
            return
        shown = self.context.shown_coder()
        self.filters["coder"].setEnabled(shown is None)  # blind coding: only the active coder's rows load
        code_id, subcodes = self.code_id, self.subcodes_box.isChecked()
        coder, nobody = (None, True) if shown == NOBODY else (shown, False)

        def work(first: int | None) -> CodeExcerpts:
            return code_excerpts(
                project, code_id, include_subcodes=subcodes, coder_id=coder, nobody=nobody, first=first
            )

        self._read_the_rest = lambda: self._loader.request(
            lambda: work(None), self._show_the_rest, self._load_failed
        )
        if self._code_shown is None:
            self.heading.setText("Loading the excerpts…")
        self._loader.request(lambda: work(FIRST_ROWS), self._show_loaded, self._load_failed)

    def _show_loaded(self, loaded: CodeExcerpts) -> None:
        """The first rows (a screenful and more, read from a few documents): shown at once; the rest are read
        next, in the background."""
        if loaded.code is None:
            self.show_code(None)  # deleted or merged away while it loaded
            return
        self._code_shown, self._codes = loaded.code, set(loaded.code.ids)
        self.model.set_excerpts(loaded.rows, in_study_order=True)
        self.model.set_anchors(set(loaded.anchors))
        self._fill_filters()
        self._apply_filters()
        if loaded.complete:
            self.loaded.emit()
        else:
            self._read_the_rest()

    def _show_the_rest(self, loaded: CodeExcerpts) -> None:
        if loaded.code is None:
            self.show_code(None)
            return
        self._code_shown, self._codes = loaded.code, set(loaded.code.ids)
        self.model.complete(loaded.rows)
        self.model.set_anchors(set(loaded.anchors))
        self._fill_filters()
        self._update_heading()
        self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        if isinstance(error, RapportError):
            self.heading.setText(escape(f"The excerpts could not be read: {error}"))
        else:
            report_error(self, error, "Excerpts")
        self.loaded.emit()

    def _on_change(self, change: Change) -> None:
        if self.code_id is None:
            return
        if not (change.everything or change.codings or change.codebook or change.study or change.documents):
            return
        if self._loader.busy:
            self.refresh()  # the load under way may have read the project before this change: read again
            return
        if change.only_codings and not (change.codes & self._codes):
            return  # codings of other codes
        if change.only_code_edits and not (change.codes_edited & self._codes):
            return  # e.g. another code renamed: these rows show nothing of it
        if not self.isVisible():
            self._stale = True  # a closed dock or a hidden tab catches up when shown
            return
        if change.only_codings:
            self._patch(change)
            return
        project = self.context.project
        now = shown_code(project, self.code_id, False) if project is not None else None  # the outline, once
        if project is not None and now is None:
            self.show_code(None)  # the code was deleted or merged away
        elif self._only_other_codes_changed(change, now):
            return  # e.g. another code renamed: these rows show nothing of it
        else:
            self.refresh()

    def _only_other_codes_changed(self, change: Change, now) -> bool:
        """A codebook edit that touched no coding and left the code shown exactly as it was (name, colour and
        the set of codes listed: `now`, read after the change), with no sub-code rows whose names could have
        changed."""
        structural = change.everything or change.codings or change.study or change.documents
        if structural or self.subcodes_box.isChecked() or self.context.project is None:
            return False
        return now == self._code_shown

    def _patch(self, change: Change) -> None:
        """Remove and insert the rows of the codings this change touched: no reload, no reset."""
        project, shown = self.context.project, self.context.shown_coder()
        if project is None or shown == NOBODY:
            return
        touched = change.touched_codings
        self.model.patch(touched, excerpts_by_ids(project, touched, self._codes, shown))
        self._fit_columns()
        self._fill_filters()
        self._update_heading()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._on_change(Change(everything=True))

    def _fill_filters(self) -> None:
        rows = self.model.all_excerpts()
        values = {
            "dyad": sorted({r.dyad for r in rows if r.dyad}),
            "session": sorted({r.session for r in rows if r.session is not None}),
            "perspective": sorted({r.perspective for r in rows if r.perspective}),
            "coder": sorted({r.coder for r in rows}),
        }
        for key, box in self.filters.items():
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for value in values[key]:
                box.addItem(f"Session {value}" if key == "session" else str(value), value)
            found = box.findData(current) if current is not None else 0
            box.setCurrentIndex(max(found, 0))
            box.blockSignals(False)

    def set_filter(self, **values) -> None:
        """Choose filter values programmatically (dyad=..., session=..., perspective=..., coder=...)."""
        for key, value in values.items():
            box = self.filters[key]
            box.setCurrentIndex(max(box.findData(value), 0) if value is not None else 0)
        self._apply_filters()

    def _apply_filters(self) -> None:
        chosen = {key: box.currentData() for key, box in self.filters.items()}
        self.model.set_filter(ExcerptFilter(**{k: (ANY if v is None else v) for k, v in chosen.items()}))
        self._fit_columns()
        self._update_heading()
        self.context_pane.clear()

    def _update_heading(self) -> None:
        if self.code_id is None or self.context.project is None:
            return
        code = self._code_shown
        shown = self.model.excerpts()
        documents = len({r.document_id for r in shown})
        total = len(self.model.all_excerpts())
        of_total = f" of {total}" if total != len(shown) else ""
        name = escape(code.name) if code else "?"
        color = code.color if code else "#888"
        self.heading.setText(
            f"<span style='color:{color}'>■</span> <b>{name}</b> — {len(shown)}{of_total} "
            f"excerpt{'s' if total != 1 else ''} in {documents} document{'s' if documents != 1 else ''}"
        )

    # -- selection, jumping, copying ------------------------------------------------------------------
    def toggle_anchor(self) -> None:
        """Choose the selected excerpt as an anchor excerpt of its code, or drop it (one undoable step)."""
        project, selected = self.context.project, self.selected_excerpts()
        if project is None or len(selected) != 1:
            return
        coding_id = selected[0].coding_id
        on = coding_id not in anchors.anchor_ids(project)
        command = ServiceCommand(
            "Choose anchor excerpt" if on else "Drop anchor excerpt",
            lambda: anchors.set_anchor(project, coding_id, on),
            lambda was: anchors.set_anchor(project, coding_id, was),
        )
        try:
            self.context.push(command)
        except RapportError as exc:
            self.heading.setText(escape(str(exc)))

    def selected_excerpts(self) -> list[Excerpt]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.excerpt(r) for r in rows]

    def _open(self, proxy_index: QModelIndex) -> None:
        row = self.model.excerpt(self.proxy.mapToSource(proxy_index).row())
        self.context.documentRequested.emit(row.document_id, row.start, row.end)

    def open_row(self, row: int) -> None:
        """Jump to the excerpt shown in a (view) row, as a double-click does."""
        self._open(self.proxy.index(row, 0))

    def _show_context(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.context_pane.clear()
            return
        row = self.model.excerpt(self.proxy.mapToSource(current).row())
        facts = " · ".join(
            f
            for f in (row.document, f"dyad {row.dyad}" if row.dyad else "", row.perspective or "", row.coder)
            if f
        )
        self.context_pane.setHtml(
            f"<p style='color:#666'>{escape(facts)}</p><p><span style='color:#777'>{escape(one_line(row.before))}</span>"
            f" <span style='background:{tint((row.code_color,)).name()}'><b>{escape(row.text)}</b></span> "
            f"<span style='color:#777'>{escape(one_line(row.after))}</span></p>"
        )

    def copy_to_clipboard(self) -> str:
        text = excerpts_as_text(self.selected_excerpts() or self.model.excerpts())
        QGuiApplication.clipboard().setText(text)
        return text

    def ask_save_path(self) -> str:
        """Overridable in tests: where to write the CSV ("" when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(self, "Export excerpts", "excerpts.csv", "CSV files (*.csv)")
        return path

    def export_with_dialog(self) -> None:
        path = self.ask_save_path()
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        write_excerpts_csv(self.model.excerpts(), path)

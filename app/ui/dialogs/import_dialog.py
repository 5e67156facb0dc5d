"""File > Import: confirm each file's dyad, session, perspective and kind, preview its turns, import.

The guesses come from the file names (`D07_s2_client_recall.docx`); every cell can be corrected before
importing. The files are read one per event-loop turn after the dialog opens, so choosing a hundred files
does not freeze it; each row's status then says what was found or why the file cannot be imported. Selecting a file shows the turns Rapport detected in it (speaker, time, recall reference, first
words), so a researcher sees a mis-detected label before it is stored. Files that cannot be read are shown
with the reason and left unticked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.document_names import distinct_names, follows_study_style, study_style_name
from app.domain.errors import RapportError
from app.domain.plural import count
from app.domain.search_spans import turn_body
from app.domain.timecode import format_timecode
from app.domain.vocabulary import DOCUMENT_KINDS, PERSPECTIVES
from app.services import importing, study
from app.services.importing import DocumentMeta, ImportReport, LoadedTranscript, is_transcript_file
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.tasks import run_in_background

COL_FILE, COL_NAME, COL_DYAD, COL_SESSION, COL_PERSPECTIVE, COL_KIND, COL_TURNS, COL_STATUS = range(8)
NAME_LIKE_STUDY, NAME_LIKE_FILE = "study", "file"
PREVIEW_CHARS = 160
PREVIEW_TURNS = 200  # enough to judge the detection; a long transcript's later turns look the same
_NONE = "—"


class ImportDialog(QDialog):
    """Confirm metadata and preview turns for `paths`, then import them into `context.project`."""

    imported = Signal(object)  # the ImportReport, after an import finished

    def __init__(
        self, context: AppContext, paths: Sequence[Path | str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.paths = [Path(p) for p in paths]
        self.report: ImportReport | None = None
        self.run_in_background = True  # tests set False to import on the calling thread
        self.show_summary = True  # a message box naming what was imported and what failed
        self.summary_box: QMessageBox | None = None
        self.task: object | None = None  # the background import while it runs (app.ui.tasks.Task)
        self._loaded: dict[int, LoadedTranscript | RapportError] = {}
        self._unchecked: list[int] = []  # rows whose file has not been read yet
        self._check_timer = QTimer(self)
        self._check_timer.setInterval(0)
        self._check_timer.timeout.connect(self._check_next)
        self.setWindowTitle("Import transcripts")
        self.resize(900, 600)

        self.files = QTableWidget(len(self.paths), 8, self)
        self.files.setHorizontalHeaderLabels(
            ["File", "Document name", "Dyad", "Session", "Perspective", "Kind", "Turns", "Status"]
        )
        self.naming = QComboBox(self)
        self.naming.addItem("like the study's documents (D07 S2 client recall)", NAME_LIKE_STUDY)
        self.naming.addItem("after their files (D07_s2_client_recall)", NAME_LIKE_FILE)
        existing = [d.name for d in study.list_documents(context.project)] if context.project else []
        self.naming.setCurrentIndex(0 if follows_study_style(existing) else 1)
        self.naming.currentIndexChanged.connect(lambda _i: self.refresh_names())
        self._named_by_hand: set[int] = set()  # rows whose name the researcher typed
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.files.verticalHeader().hide()
        self.files.horizontalHeader().setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.Stretch)

        self.preview = QTableWidget(0, 4, self)
        self.preview.setHorizontalHeaderLabels(["Speaker", "Time", "Video", "Text"])
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().hide()
        self.preview.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.preview_label = QLabel("Select a file to see the turns Rapport found in it.", self)

        preview_box = QWidget(self)
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.preview_label)
        preview_layout.addWidget(self.preview)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.files)
        splitter.addWidget(preview_box)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Check where each file belongs (guessed from its name); untick files to leave out.", self)
        )
        naming_row = QHBoxLayout()
        naming_row.addWidget(QLabel("Name the documents", self))
        naming_row.addWidget(self.naming)
        naming_row.addStretch(1)
        layout.addLayout(naming_row)
        layout.addWidget(splitter)
        layout.addWidget(self.buttons)

        dyads = self._known_dyads()
        for row, path in enumerate(self.paths):
            self._fill_row(row, path, dyads)
        self.refresh_names()
        self.files.resizeColumnsToContents()
        self.files.setColumnWidth(COL_NAME, max(self.files.columnWidth(COL_NAME), 200))
        self.files.currentCellChanged.connect(lambda row, *_: self.show_preview(row))
        self.files.itemChanged.connect(lambda item: item.column() == COL_FILE and self.refresh_names())
        self.ok_button.setEnabled(self.context.project is not None and bool(self.paths))
        if self.paths:
            self.files.selectRow(0)
        self.setAcceptDrops(True)

    # -- building ---------------------------------------------------------------------------------
    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _known_dyads(self) -> list[str]:
        if self.context.project is None:
            return []
        return [d.name for d in study.list_dyads(self.context.project)]

    def _fill_row(self, row: int, path: Path, dyads: list[str]) -> None:
        guess = importing.guess_meta(path)
        name = QTableWidgetItem(path.name)
        name.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
        )
        name.setToolTip(str(path))
        self.files.setItem(row, COL_FILE, name)

        document_name = QLineEdit(self.files)
        document_name.textEdited.connect(lambda _text, p=path: self._named_by_hand.add(self.paths.index(p)))
        self.files.setCellWidget(row, COL_NAME, document_name)
        dyad = QLineEdit(guess.dyad or "", self.files)
        dyad.setPlaceholderText("no dyad")
        dyad.setCompleter(QCompleter(dyads, dyad))
        dyad.textChanged.connect(lambda _t: self.refresh_names())
        self.files.setCellWidget(row, COL_DYAD, dyad)
        session = QSpinBox(self.files)
        session.setRange(0, 999)
        session.setSpecialValueText(_NONE)
        session.setValue(guess.session or 0)
        session.valueChanged.connect(lambda _v: self.refresh_names())
        self.files.setCellWidget(row, COL_SESSION, session)
        self.files.setCellWidget(row, COL_PERSPECTIVE, self._combo([_NONE, *PERSPECTIVES], guess.perspective))
        self.files.setCellWidget(row, COL_KIND, self._combo(list(DOCUMENT_KINDS), guess.kind))

        turns = QTableWidgetItem("")
        status = QTableWidgetItem("Checking…")
        for item in (turns, status):
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.files.setItem(row, COL_TURNS, turns)
        self.files.setItem(row, COL_STATUS, status)
        name.setCheckState(Qt.CheckState.Checked)
        self._unchecked.append(row)
        self._check_timer.start()

    def _check_next(self) -> None:
        """Read one file not yet read; the timer calls this again until all are, keeping the dialog live."""
        while self._unchecked and self._unchecked[0] in self._loaded:
            self._unchecked.pop(0)
        if not self._unchecked:
            self._check_timer.stop()
            return
        self._show_loaded(self._unchecked.pop(0))

    @property
    def all_checked(self) -> bool:
        """Whether every file has been read and its status shown (tests wait for this)."""
        return all(row in self._loaded for row in range(len(self.paths)))

    def _show_loaded(self, row: int) -> LoadedTranscript | RapportError:
        loaded = self._load(row)
        failed = isinstance(loaded, RapportError)
        turns = 0 if failed else len(loaded.parsed.turns) - (1 if leading_heading(loaded.parsed) else 0)
        self.files.item(row, COL_TURNS).setText("" if failed else str(turns))
        self.files.item(row, COL_STATUS).setText(str(loaded) if failed else self._describe(loaded))
        if failed:
            self.files.item(row, COL_FILE).setCheckState(Qt.CheckState.Unchecked)
        return loaded

    def _combo(self, values: list[str], current: str | None) -> QComboBox:
        combo = QComboBox(self.files)
        combo.addItems(values)
        combo.setCurrentText(current or _NONE)
        combo.currentIndexChanged.connect(lambda _i: self.refresh_names())
        return combo

    def refresh_names(self) -> None:
        """Suggest each document's name (the study's style or the file's), distinct within this import; a
        name the researcher typed stays as typed."""
        rows = [r for r in range(len(self.paths)) if self.files.cellWidget(r, COL_NAME) is not None]
        if len(rows) < len(self.paths) or any(self.files.cellWidget(r, COL_KIND) is None for r in rows):
            return  # still filling the table
        like_study = self.naming.currentData() == NAME_LIKE_STUDY
        proposed = []
        for row in rows:
            path, meta = self.paths[row], self.meta_for_row(row)
            proposed.append(
                study_style_name(path.name, meta.dyad, meta.session, meta.perspective, meta.kind)
                if like_study
                else path.stem
            )
        checked = [r for r in rows if self.is_checked(r)]
        distinct = dict(
            zip(
                checked,
                distinct_names([proposed[r] for r in checked], [self.paths[r].name for r in checked]),
                strict=True,
            )
        )
        for row in rows:
            if row not in self._named_by_hand:
                editor = self.files.cellWidget(row, COL_NAME)
                editor.blockSignals(True)
                editor.setText(distinct.get(row, proposed[row]))
                editor.blockSignals(False)

    def names(self) -> dict[str, str]:
        """The ticked files' document names, keyed by path."""
        return {
            str(path): self.files.cellWidget(row, COL_NAME).text().strip() or path.stem
            for row, path in enumerate(self.paths)
            if self.is_checked(row)
        }

    @staticmethod
    def _describe(loaded: LoadedTranscript) -> str:
        speakers = loaded.parsed.speakers
        who = (
            ", ".join(speakers[:4]) + ("..." if len(speakers) > 4 else "")
            if speakers
            else "no speaker labels"
        )
        encoding = f", {loaded.encoding}" if loaded.encoding else ""
        return f"Ready ({loaded.format}{encoding}): {who}"

    def _load(self, row: int) -> LoadedTranscript | RapportError:
        if row not in self._loaded:
            try:
                self._loaded[row] = importing.preview_file(self.paths[row])
            except RapportError as exc:
                self._loaded[row] = exc
        return self._loaded[row]

    # -- adding files -----------------------------------------------------------------------------
    def add_paths(self, paths: Sequence[Path | str]) -> int:
        """Add files not already listed (dropped onto the dialog, say); returns how many were added."""
        known = {p.resolve() for p in self.paths}
        fresh = [Path(p) for p in paths if Path(p).resolve() not in known]
        dyads = self._known_dyads()
        for path in fresh:
            row = len(self.paths)
            self.paths.append(path)
            self.files.insertRow(row)
            self._fill_row(row, path, dyads)
        self.refresh_names()
        self.ok_button.setEnabled(self.context.project is not None and bool(self.paths))
        return len(fresh)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _dropped_files(event.mimeData())
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()

    # -- preview ----------------------------------------------------------------------------------
    def show_preview(self, row: int) -> None:
        self.preview.setRowCount(0)
        if not 0 <= row < len(self.paths):
            return
        loaded = self._show_loaded(row) if row not in self._loaded else self._loaded[row]
        if isinstance(loaded, RapportError):
            self.preview_label.setText(f"Cannot import: {loaded}")
            return
        turns = loaded.parsed.turns
        heading = leading_heading(loaded.parsed)
        spoken = len(turns) - (1 if heading else 0)
        shown = turns[:PREVIEW_TURNS]
        more = f" (showing the first {PREVIEW_TURNS})" if len(turns) > PREVIEW_TURNS else ""
        above = ", under a heading" if heading else ""
        self.preview_label.setText(f"{self.paths[row].name}: {count(spoken, 'turn')}{above}{more}")
        self.preview.setRowCount(len(shown))
        text = loaded.parsed.text
        for index, turn in enumerate(shown):
            start, end = turn_body(text, turn.start, turn.end, turn.speaker)  # the words, not the label again
            body = " ".join(text[start:end].split())
            cells = [
                "(heading)" if heading and index == 0 else turn.speaker or "",
                format_timecode(turn.time_start_ms),
                format_timecode(turn.video_ref_ms),
                shortened(body, PREVIEW_CHARS),
            ]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 3 and len(body) > PREVIEW_CHARS:
                    item.setToolTip(shortened(body, 1000))
                self.preview.setItem(index, column, item)

    # -- the metadata chosen ----------------------------------------------------------------------
    def is_checked(self, row: int) -> bool:
        return self.files.item(row, COL_FILE).checkState() == Qt.CheckState.Checked

    def meta_for_row(self, row: int) -> DocumentMeta:
        dyad = self.files.cellWidget(row, COL_DYAD).text().strip() or None
        session = self.files.cellWidget(row, COL_SESSION).value() or None
        perspective = self.files.cellWidget(row, COL_PERSPECTIVE).currentText()
        kind = self.files.cellWidget(row, COL_KIND).currentText()
        return DocumentMeta(
            dyad=dyad,
            session=session if dyad else None,
            perspective=None if perspective == _NONE else perspective,
            kind=kind,
        )

    def chosen(self) -> dict[str, DocumentMeta]:
        """The ticked files with their (possibly corrected) metadata, keyed by path."""
        return {
            str(path): self.meta_for_row(row) for row, path in enumerate(self.paths) if self.is_checked(row)
        }

    # -- importing --------------------------------------------------------------------------------
    def accept(self) -> None:
        project = self.context.project
        chosen = self.chosen()
        if project is None:
            self.reject()
            return
        if not chosen:
            self.preview_label.setText("Tick at least one file to import.")
            return
        paths = list(chosen)
        names = self.names()

        def work(progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> ImportReport:
            return importing.import_files(
                project, paths, chosen, progress=progress, cancelled=cancelled, names=names
            )

        if self.run_in_background:
            # Not self.setEnabled(False): that would also disable the progress dialog's Cancel button.
            self._set_busy(True)
            # Failures (a cancel included) are reported by the task runner; the dialog stays open to retry.
            self.task = run_in_background(self, "Importing transcripts", work, self._finished)
            self.task.finished.connect(lambda ok: None if ok else self._set_busy(False))
        else:
            self._finished(work(lambda *_: None, lambda: False))

    def _finished(self, report: ImportReport) -> None:
        self.report = report
        if report.documents and self.context.project is not None:
            self.context.push(self._undo_command(report))
        if self.show_summary:
            self._show_summary(report)
        self.imported.emit(report)
        super().accept()

    def _undo_command(self, report: ImportReport) -> ServiceCommand:
        """Undo deletes the imported documents (keeping a snapshot); redo restores them with their ids."""
        project = self.context.project
        ids = [d.id for d in report.documents]
        state: dict[str, study.DocumentsSnapshot] = {}

        def redo() -> None:
            snapshot = state.pop("snapshot", None)
            if snapshot is not None:
                study.restore_documents(project, snapshot)

        def undo(_result: object) -> None:
            state["snapshot"] = study.delete_documents(project, ids)

        return ServiceCommand(f"Import {count(len(ids), 'transcript')}", redo, undo)

    def _show_summary(self, report: ImportReport) -> None:
        """A non-blocking summary that outlives the dialog: what was imported, which files were not."""
        box = QMessageBox(self.parentWidget())
        box.setWindowTitle("Import finished")
        box.setIcon(QMessageBox.Icon.Warning if report.failures else QMessageBox.Icon.Information)
        box.setText(report.summary())
        if report.failures:
            box.setDetailedText("\n".join(f.reason for f in report.failures))
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.summary_box = box

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.files, self.buttons):
            widget.setEnabled(not busy)


def _dropped_files(mime: QMimeData) -> list[Path]:
    """Local transcript files among dropped URLs (other files and folders are ignored)."""
    if not mime.hasUrls():
        return []
    return [
        Path(url.toLocalFile())
        for url in mime.urls()
        if url.isLocalFile() and is_transcript_file(url.toLocalFile())
    ]


def leading_heading(parsed) -> bool:
    """Whether the first turn is a heading above the conversation (no speaker, while the others have one):
    it is kept in the text but not counted as a turn."""
    turns = parsed.turns
    return len(turns) > 1 and turns[0].speaker is None and any(t.speaker for t in turns[1:])


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"

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

from app.domain.errors import RapportError
from app.domain.plural import count
from app.domain.timecode import format_timecode
from app.services import importing, study
from app.services.importing import DocumentMeta, ImportReport, LoadedTranscript, is_transcript_file
from app.storage.models import DOCUMENT_KINDS, PERSPECTIVES
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext

COL_FILE, COL_DYAD, COL_SESSION, COL_PERSPECTIVE, COL_KIND, COL_TURNS, COL_STATUS = range(7)
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

        self.files = QTableWidget(len(self.paths), 7, self)
        self.files.setHorizontalHeaderLabels(
            ["File", "Dyad", "Session", "Perspective", "Kind", "Turns", "Status"]
        )
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
        layout.addWidget(splitter)
        layout.addWidget(self.buttons)

        dyads = self._known_dyads()
        for row, path in enumerate(self.paths):
            self._fill_row(row, path, dyads)
        self.files.resizeColumnsToContents()
        self.files.currentCellChanged.connect(lambda row, *_: self.show_preview(row))
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

        dyad = QLineEdit(guess.dyad or "", self.files)
        dyad.setPlaceholderText("no dyad")
        dyad.setCompleter(QCompleter(dyads, dyad))
        self.files.setCellWidget(row, COL_DYAD, dyad)
        session = QSpinBox(self.files)
        session.setRange(0, 999)
        session.setSpecialValueText(_NONE)
        session.setValue(guess.session or 0)
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
        self.files.item(row, COL_TURNS).setText("" if failed else str(len(loaded.parsed.turns)))
        self.files.item(row, COL_STATUS).setText(str(loaded) if failed else self._describe(loaded))
        if failed:
            self.files.item(row, COL_FILE).setCheckState(Qt.CheckState.Unchecked)
        return loaded

    def _combo(self, values: list[str], current: str | None) -> QComboBox:
        combo = QComboBox(self.files)
        combo.addItems(values)
        combo.setCurrentText(current or _NONE)
        return combo

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
        shown = turns[:PREVIEW_TURNS]
        more = f" (showing the first {PREVIEW_TURNS})" if len(turns) > PREVIEW_TURNS else ""
        self.preview_label.setText(f"{self.paths[row].name}: {count(len(turns), 'turn')}{more}")
        self.preview.setRowCount(len(shown))
        text = loaded.parsed.text
        for index, turn in enumerate(shown):
            words = " ".join(text[turn.start : turn.end].split()[:14])
            cells = [
                turn.speaker or "",
                format_timecode(turn.time_start_ms),
                format_timecode(turn.video_ref_ms),
                words,
            ]
            for column, value in enumerate(cells):
                self.preview.setItem(index, column, QTableWidgetItem(value))

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

        def work(progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> ImportReport:
            return importing.import_files(project, paths, chosen, progress=progress, cancelled=cancelled)

        if self.run_in_background:
            try:
                from app.ui.tasks import run_in_background
            except ImportError:  # the task runner is not there yet: import on this thread
                self._finished(work(lambda *_: None, lambda: False))
                return
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

"""File ▸ Export and File ▸ Import: codebooks and projects to and from other tools (REFI-QDA, DOCX, CSV).

The services in `app.services.exchange` and `app.services.reports` do the work; this module only asks for a
file name, runs the call on a worker thread with progress (`run_in_background`), and says what happened: an
export's path in the status bar, an import's summary in a small non-blocking box. Hostile or broken files
reach the user as the service's one-line RapportError, and the project is untouched (one transaction).

Imports are not undoable: the exchange services return reports, not snapshots with a restore function. So the
undo history is cleared after an import (the status bar says so), and a
backup of the project is taken just before every import (File ▸ Restore from backup brings it back), and the
summary says so. The services notify a Change, so every view refreshes by itself.

The file dialogs are the module-level functions `ask_save_path`, `ask_open_path` and `ask_title`; tests
replace them with plain functions, so nothing modal ever blocks a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from app.domain.errors import RapportError, ReadOnlyProject
from app.services import backups, exchange, export_losses, importing, reports
from app.services.exchange import CodebookImportReport
from app.services.importing import AttributesReport
from app.services.project import Project
from app.services.refi_import import ProjectImportReport
from app.ui import recent_projects as recent
from app.ui.context import NOBODY, AppContext
from app.ui.dialogs.crash_dialog import show_message
from app.ui.tasks import Task, run_in_background

_FOLDER_KEY = "exchange/last_folder"


# -- the questions (tests replace these module attributes) --------------------------------------------
def ask_save_path(parent: QWidget | None, caption: str, suggested: Path, file_filter: str) -> Path | None:
    """The file to write, or None when the researcher cancels. Qt asks before overwriting."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def ask_open_path(parent: QWidget | None, caption: str, folder: Path, file_filter: str) -> Path | None:
    """The file to read, or None when the researcher cancels."""
    chosen, _ = QFileDialog.getOpenFileName(parent, caption, str(folder), f"{file_filter};;All files (*)")
    return Path(chosen) if chosen else None


def ask_title(parent: QWidget | None, default: str) -> str | None:
    """The title printed on a DOCX document, or None when the researcher cancels."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Document title")
    dialog.setLabelText("Title printed at the top of the document:")
    dialog.setTextValue(default)
    # Wide enough to read the whole default title ("Codebook: Alliance study, second round"), never tiny.
    dialog.resize(
        min(900, max(480, dialog.fontMetrics().horizontalAdvance(default) + 120)), dialog.sizeHint().height()
    )
    ok = dialog.exec() == QInputDialog.DialogCode.Accepted
    text = dialog.textValue()
    return (text.strip() or default) if ok else None


# -- what can be exported and imported ---------------------------------------------------------------
@dataclass(frozen=True)
class Format:
    key: str
    text: str  # menu text
    tip: str
    suffix: str
    file_filter: str
    name_suffix: str = ""  # appended to the project name for the suggested file name


EXPORTS: tuple[Format, ...] = (
    Format("codebook_qdc", "Codebook as &REFI-QDA (.qdc)…", "The codebook for NVivo, ATLAS.ti, MAXQDA, "
           "QualCoder", ".qdc", "REFI-QDA codebook (*.qdc)", " codebook"),
    Format("codebook_docx", "Codebook as &Word document (.docx)…", "A printable codebook with definitions, "
           "criteria, counts and anchor excerpts", ".docx", "Word document (*.docx)", " codebook"),
    Format("codebook_csv", "Codebook as &CSV…", "One row a code, for a spreadsheet", ".csv",
           "CSV file (*.csv)", " codebook"),
    Format("project_qdpx", "&Project as REFI-QDA (.qdpx)…", "The whole project for another QDA tool",
           ".qdpx", "REFI-QDA project (*.qdpx)"),
    Format("excerpts_docx", "Coded &excerpts report (.docx)…", "Excerpts by code, grouped by dyad and "
           "perspective", ".docx", "Word document (*.docx)", " excerpts"),
    Format("codings_csv", "Co&dings (.csv)…", "One row a coding with its text, speaker and session", ".csv",
           "CSV file (*.csv)", " codings"),
)  # fmt: skip

IMPORTS: tuple[Format, ...] = (
    Format("project_qdpx", "REFI-QDA &project (.qdpx)…", "Add a project exported by NVivo, ATLAS.ti, MAXQDA, "
           "QualCoder or Rapport", ".qdpx", "REFI-QDA project (*.qdpx *.zip)"),
    Format("codebook_qdc", "REFI-QDA &codebook (.qdc)…", "Merge a codebook: by GUID, then by name path",
           ".qdc", "REFI-QDA codebook (*.qdc)"),
    Format("codebook_csv", "Codebook &CSV…", "Merge a codebook edited in a spreadsheet", ".csv",
           "CSV file (*.csv)"),
    Format("participants_csv", "P&articipants and attributes (.csv)…", "One row a participant: id, role, "
           "dyad, then any columns as typed attributes (dyad ones as dyad:NAME)", ".csv", "CSV file (*.csv)"),
)  # fmt: skip


def suggested_name(project: Project, fmt: Format) -> str:
    return f"{project.name}{fmt.name_suffix}{fmt.suffix}"


def with_suffix(path: Path, suffix: str) -> Path:
    """A name typed without the format's ending gets it (the services pick nothing by suffix here)."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


# -- summaries --------------------------------------------------------------------------------------
def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summarise(report: CodebookImportReport | ProjectImportReport | AttributesReport) -> tuple[str, str]:
    """A short summary and the details (code paths, skipped items) for the import's message box."""
    if isinstance(report, AttributesReport):
        short = (
            f"{_plural(report.participants, 'participant')} and {_plural(report.dyads, 'dyad')} created or "
            f"updated, {_plural(len(report.attributes), 'attribute')} read."
        )
        return short, "\n".join(f"{name}: {kind}" for name, kind in sorted(report.attributes.items()))
    if isinstance(report, CodebookImportReport):
        short = (
            f"{_plural(len(report.added), 'code')} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} left alone"
        )
        if report.sets:
            short += f", {_plural(report.sets, 'code set')} added"
        details = [f"Added: {p}" for p in report.added] + [f"Updated: {p}" for p in report.updated]
        return short + ".", "\n".join(details)
    short = (
        f"{_plural(report.documents, 'document')}, {_plural(report.codes_added, 'new code')} "
        f"({report.codes_merged} merged with existing ones), {_plural(report.codings, 'coding')}, "
        f"{_plural(report.coders, 'new coder')}, {_plural(report.memos, 'memo')}"
    )
    if report.dyads or report.participants:
        short += f", {_plural(report.dyads, 'dyad')}, {_plural(report.participants, 'participant')}"
    origin = f" from {report.origin}" if report.origin else ""
    details = [f"Skipped ({count}): {what}" for what, count in sorted(report.skipped.items())]
    details += [f"Changed ({count}): {what}" for what, count in sorted(report.changed.items())]
    if details:
        short += f"; {_plural(len(details), 'kind')} of things skipped or changed (see the details)"
    return f"Imported{origin}: {short}.", "\n".join(details)


# -- the actions --------------------------------------------------------------------------------------
class ExchangeActions(QObject):
    """The Export and Import submenus of a window with `context` and a status bar with `show_message`."""

    def __init__(self, window: QWidget, context: AppContext, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.task: Task | None = None  # the latest background task (tests wait on it)
        self.written: Path | None = None  # the latest export
        self.not_carried: dict[str, int] = {}  # what the latest export's format could not hold
        self.report: CodebookImportReport | ProjectImportReport | AttributesReport | None = None  # the latest
        self.summary_box: QMessageBox | None = None
        self.import_menu = menu.addMenu("I&mport from other tools")
        self.export_menu = menu.addMenu("&Export")
        self.exports: dict[str, QAction] = {}
        self.imports: dict[str, QAction] = {}
        for fmt in EXPORTS:
            if fmt.key == "project_qdpx" or fmt.key == "excerpts_docx":
                self.export_menu.addSeparator()
            self.exports[fmt.key] = self._action(self.export_menu, fmt, lambda f=fmt: self.export(f.key))
        for fmt in IMPORTS:
            self.imports[fmt.key] = self._action(self.import_menu, fmt, lambda f=fmt: self.import_(f.key))

    def _action(self, menu: QMenu, fmt: Format, slot: Callable[[], object]) -> QAction:
        action = menu.addAction(fmt.text)
        action.setStatusTip(fmt.tip)
        action.setToolTip(fmt.tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _folder(self, project: Project) -> Path:
        folder = recent.settings().value(_FOLDER_KEY)
        if folder and Path(str(folder)).is_dir():
            return Path(folder)
        return project.path.parent if project.path is not None else Path.home()

    def _remember_folder(self, path: Path) -> None:
        recent.settings().setValue(_FOLDER_KEY, str(path.parent))

    def _status(self, text: str) -> None:
        self.window.status.show_message(text, 10000)

    # -- export ----------------------------------------------------------------------------------------
    def export(self, key: str, path: Path | str | None = None) -> Task | None:
        """Ask for a file (unless given) and write the export in the background."""
        project = self.context.project
        if project is None:
            return None
        fmt = next(f for f in EXPORTS if f.key == key)
        shown = getattr(self.context, "shown_coder", lambda: None)()
        by_coder = key in ("excerpts_docx", "codings_csv")
        if by_coder and shown == NOBODY:
            show_message(
                self.window,
                "Export",
                "Blind coding is on and no coder is chosen: choose who you are (status bar) first, so only "
                "your own codings are exported.",
            )
            return None
        if path is None:
            path = ask_save_path(
                self.window, fmt.text.replace("&", "").rstrip("…"), self._folder(project) /
                suggested_name(project, fmt), fmt.file_filter,
            )  # fmt: skip
            if path is None:
                return None
        target = with_suffix(Path(path), fmt.suffix)
        options: dict[str, Any] = {}
        if key in ("codebook_docx", "excerpts_docx"):
            default = (
                f"Codebook: {project.name}" if key == "codebook_docx" else f"Coded excerpts: {project.name}"
            )
            title = ask_title(self.window, default)
            if title is None:
                return None
            options["title"] = title
        if by_coder and shown is not None:
            options["coder"] = shown  # blind coding: nobody exports another coder's codings by accident
        self._remember_folder(target)

        losses: dict[str, int] = {}

        def work(progress, cancelled) -> Path:
            progress(0, 0, f"Writing {target.name}…")
            written = _export(project, key, target, options, progress, cancelled)
            report = "excerpts" if key == "excerpts_docx" else ""
            losses.update(
                export_losses.not_carried(project, written, codebook_csv=key == "codebook_csv", report=report)
            )
            return written

        self.task = run_in_background(self.window, "Export", work, lambda w: self._exported(w, losses))
        return self.task

    def _exported(self, written: Path, losses: dict[str, int] | None = None) -> None:
        self.written = written
        self.not_carried = losses or {}
        note = export_losses.describe(self.not_carried, written)
        self._status(f"Exported to {written}" + (f". {note}" if note else ""))

    # -- import ----------------------------------------------------------------------------------------
    def import_(self, key: str, path: Path | str | None = None) -> Task | None:
        """Ask for a file (unless given) and merge it into the project in the background."""
        project = self.context.project
        if project is None:
            return None
        fmt = next(f for f in IMPORTS if f.key == key)
        if path is None:
            path = ask_open_path(
                self.window, fmt.text.replace("&", "").rstrip("…"), self._folder(project), fmt.file_filter
            )
            if path is None:
                return None
        source = Path(path)
        self._remember_folder(source)

        def work(progress, cancelled) -> Any:
            if project.read_only:
                raise ReadOnlyProject(f"{project.name} is open read-only; nothing can be imported into it.")
            progress(0, 0, f"Backing up {project.name} before the import…")
            try:
                backup: Path | None = backups.make_backup(project, "import")
            except (OSError, RapportError):
                backup = None  # a failed backup must not stop the work; the periodic backups remain
            progress(0, 0, f"Reading {source.name}…")
            if key == "project_qdpx":
                report = exchange.import_project_qdpx(project, source, progress=progress, cancelled=cancelled)
            elif key == "codebook_qdc":
                report = exchange.import_codebook_qdc(project, source)
            elif key == "participants_csv":
                report = importing.import_attributes(project, source)
            else:
                report = exchange.import_codebook_csv(project, source)
            return report, backup

        self.task = run_in_background(self.window, "Import", work, lambda r: self._imported(source, *r))
        return self.task

    def _imported(
        self, source: Path, report: CodebookImportReport | ProjectImportReport, backup: Path | None
    ) -> None:
        self.report = report
        short, details = summarise(report)
        # The actions before the import no longer describe the project they would undo.
        self.context.clear_undo("Imports cannot be undone: the undo history was cleared.")
        self._status(f"{source.name}: {short} (imports cannot be undone: the undo history was cleared)")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Import finished",
            f"{source.name}: {short}",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        undo = "Imports cannot be undone with Edit ▸ Undo"
        box.setInformativeText(
            f"{undo}; the project as it was just before is kept as a backup (File ▸ Restore from backup)."
            if backup is not None
            else f"{undo}, and no backup could be taken just before this one."
        )
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # non-blocking
        self.summary_box = box


def _export(project: Project, key: str, target: Path, options: dict[str, Any], progress, cancelled) -> Path:
    if key == "codebook_qdc":
        return exchange.export_codebook_qdc(project, target)
    if key == "codebook_docx":
        return exchange.export_codebook_docx(project, target, **options)
    if key == "codebook_csv":
        return exchange.export_codebook_csv(project, target)
    if key == "project_qdpx":
        return exchange.export_project_qdpx(project, target, progress=progress, cancelled=cancelled)
    if key == "excerpts_docx":
        return reports.export_excerpts_docx(project, target, **options)
    return reports.export_codings_csv(project, target, **options)

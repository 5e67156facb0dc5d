"""The main window: a thin shell that places the panels and routes between them.

Left: the study tree. Centre: the document. Right: the codebook (with the code's description) and memos.
Bottom: excerpts and search. Everything a panel does, it does itself; the window only connects
"show this document" and "apply this code" between them, opens and closes projects, and remembers its layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QTreeView,
    QUndoView,
    QWidget,
)

from app.domain.errors import NotARapportProject, NotOnServer, RapportError
from app.paths import fresh_demo_path
from app.services import backups, server_limits
from app.services.project import Project, is_server_address, needs_upgrade, open_project, redacted_address
from app.ui import coder_choice, protection_actions, server_projects, study_tree_menu
from app.ui import recent_projects as recent
from app.ui.backup_support import BackupKeeper, RestoreBackupDialog, restore_into
from app.ui.context import AppContext
from app.ui.dialogs.about_dialog import AboutDialog
from app.ui.dialogs.crash_dialog import report_error
from app.ui.dialogs.new_project_dialog import PROJECT_FILTER, NewProjectDialog, create_new_project
from app.ui.dialogs.open_project_errors import ask_read_only_dialog, open_with_questions
from app.ui.dock_layout import PanelLayout
from app.ui.document_pane import DocumentPane
from app.ui.hosted_views import DOCKS, ToolWindows, load_class
from app.ui.icons import app_icon
from app.ui.menus import build_menus
from app.ui.models.study_tree import DOCUMENT_ID_ROLE, StudyTreeModel
from app.ui.status_bar import StatusBar
from app.ui.tasks import Task, run_in_background
from app.ui.views.codebook_panel import CodebookPanel


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowIcon(app_icon())
        self.setDockNestingEnabled(True)
        self.setAcceptDrops(True)
        # The side panels run the full height; excerpts and search sit under the text only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._default_size()
        self.ask_read_only = ask_read_only_dialog  # tests replace the questions with plain functions
        self.dialogs: list[QWidget] = []
        self.demo_task: Task | None = None
        self.open_task: Task | None = None  # opening a project from an older Rapport (upgraded first)
        self.server_task: Task | None = None  # connecting to a server project, or creating one
        self.ask_create_server_project = lambda url: server_projects.ask_create_in_empty(self, url)
        self.docks: dict[str, QDockWidget] = {}
        self.panels = PanelLayout(self, self.docks)

        self.pane = DocumentPane(context, self)
        self.setCentralWidget(self.pane)
        self._build_docks()
        self.status = StatusBar(context, self)
        self.setStatusBar(self.status)
        self.tool_windows = ToolWindows(context, self)
        self.backup_keeper = BackupKeeper(context, self)
        self.actions = build_menus(self)
        self.panels.remember_start()
        self._connect()
        self.panels.restore()
        self.layout().activate()  # lay the docks out now, so the stray bars can be told from live ones
        self.panels.hide_stray_tab_bars()
        self._project_changed(context.project)

    def _default_size(self) -> None:
        """Large enough for tree, text and codebook side by side, never larger than the screen."""
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        width, height = 1440, 900
        if available is not None:
            width, height = (
                min(width, int(available.width() * 0.94)),
                min(height, int(available.height() * 0.92)),
            )
        self.resize(width, height)

    # -- panels ------------------------------------------------------------------------------------
    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, tip: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        dock.toggleViewAction().setStatusTip(tip)
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        return dock

    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.study_model = StudyTreeModel(self.context, self)
        self.study_tree = QTreeView(self)
        self.study_tree.setObjectName("studyTree")
        self.study_tree.setModel(self.study_model)
        self.study_tree.setUniformRowHeights(True)
        self.study_tree.header().setStretchLastSection(False)
        self.study_tree.header().setSectionResizeMode(0, self.study_tree.header().ResizeMode.Stretch)
        self.study_tree.header().setSectionResizeMode(1, self.study_tree.header().ResizeMode.ResizeToContents)
        self.study_model.modelReset.connect(self.study_tree.expandAll)
        self._dock("study", "Study", self.study_tree, left, "Dyads, sessions and their documents")

        self.codebook = CodebookPanel(self.context, self)
        self._dock("codebook", "Codebook", self.codebook, right, "The codes and what they mean")
        for key, title, area in (
            ("memos", "Memos", right),
            ("excerpts", "Excerpts", bottom),
            ("search", "Search", bottom),
        ):
            view = load_class(*DOCKS[key])(self.context, self)
            self._dock(key, title, view, area, f"Show or hide the {title.lower()} panel")
        self.undo_view = QUndoView(self.context.undo_stack, self)
        self.undo_view.setEmptyLabel("Project opened")
        self._dock("history", "Undo history", self.undo_view, right, "Every action since the project opened")
        self.tabifyDockWidget(self.docks["codebook"], self.docks["memos"])
        self.tabifyDockWidget(self.docks["memos"], self.docks["history"])
        self.tabifyDockWidget(self.docks["excerpts"], self.docks["search"])
        self.docks["codebook"].raise_()
        self.docks["excerpts"].raise_()
        self.panels.size()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.panels.first_shown()

    def _connect(self) -> None:
        context = self.context
        context.projectChanged.connect(self._project_changed)
        context.documentRequested.connect(self.show_document)
        context.matchesRequested.connect(self.pane.show_matches)
        context.memosRequested.connect(self.show_memos)
        context.codersShownRequested.connect(self.pane.show_coders)
        study_tree_menu.attach(self.study_tree, context)
        context.failed.connect(lambda error: report_error(self, error, "Undo"))
        context.undo_stack.indexChanged.connect(lambda _i: self._update_title())
        context.undo_stack.cleanChanged.connect(lambda _c: self._update_title())
        context.blindChanged.connect(lambda _on: self._update_title())
        self.study_tree.selectionModel().currentChanged.connect(self._study_item_chosen)
        self.codebook.codeActivated.connect(self.apply_code)
        self.status.newCoderRequested.connect(self.new_coder)
        excerpts = self.hosted("excerpts")
        if excerpts is not None:
            self.codebook.codeSelected.connect(
                lambda code_id: code_id is not None and excerpts.show_code(code_id)
            )

    def hosted(self, key: str) -> QWidget | None:
        dock = self.docks.get(key)
        return dock.widget() if dock is not None else None

    # -- routing -----------------------------------------------------------------------------------
    def show_memos(self, target: str, target_id: int | None) -> None:
        """Show the memos on a target in the memo dock, bringing the dock forward."""
        memos, dock = self.hosted("memos"), self.docks.get("memos")
        if memos is None or dock is None:
            return
        memos.show_for(target, target_id)
        dock.show()
        dock.raise_()

    def _study_item_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = current.data(DOCUMENT_ID_ROLE) if current.isValid() else None
        if doc_id is not None and doc_id != self.pane.current_document_id:
            self.show_document(doc_id, -1, -1)

    def show_document(self, doc_id: int, start: int = -1, end: int = -1) -> None:
        """Show a document, selecting [start, end) when given (negative: no range), and reveal it in the tree."""
        if self.context.project is None:
            return
        try:
            self.pane.show_document(doc_id, start if start >= 0 else None, end if end >= 0 else None)
        except RapportError as error:
            report_error(self, error, "Show document")
            return
        index = self.study_model.index_of_document(doc_id)
        if index.isValid() and self.study_tree.currentIndex() != index:
            self.study_tree.selectionModel().blockSignals(True)
            self.study_tree.setCurrentIndex(index)
            self.study_tree.selectionModel().blockSignals(False)
            self.study_tree.viewport().update()
        memos = self.hosted("memos")
        if memos is not None:
            memos.show_for("document", doc_id)
        self.status.show_message(f"Showing {index.data() if index.isValid() else 'document'}")

    def apply_code(self, code_id: int) -> None:
        self.pane.apply_code(code_id)

    def focus_search(self) -> None:
        dock = self.docks.get("search")
        if dock is not None:
            dock.show()
            dock.raise_()
            dock.widget().setFocus()

    def focus_code_filter(self) -> None:
        dock = self.docks["codebook"]
        dock.show()
        dock.raise_()
        self.codebook.filter.setFocus()
        self.codebook.filter.selectAll()

    # -- projects ----------------------------------------------------------------------------------
    def set_project(self, project: Project | None) -> None:
        self.codebook.editor.save()
        self.context.set_project(project)
        if project is not None:
            recent.add_recent(project.location if project.is_server else project.path)
            coder_choice.choose_on_open(self, project)
            protection_actions.record_open(self.context, project)
            if project.upgraded_from_backup:
                self.status.show_message(
                    f"Upgraded; the original was kept as {project.upgraded_from_backup.name}", 10000
                )
            elif project.read_only:
                self.status.show_message(
                    f"Opened read-only: {project.read_only_reason}", 10000
                )

    def open_path(self, path: Path | str) -> bool:
        """Open a project (a file, or a server's URL); the one open now stays open if the new one cannot be
        opened."""
        if is_server_address(path):
            return self.open_server_url(str(path))
        path = Path(path)
        if self.context.project is not None and self.context.project.path == path.resolve():
            return True
        self.codebook.editor.save()
        if not protection_actions.ensure_passphrase(self, path):
            return False
        if needs_upgrade(path):  # copying and migrating a large file takes a while: not on the GUI thread
            self._upgrade_and_open(path)
            return True
        try:
            project = open_with_questions(self, path, self.ask_read_only)
        except RapportError as error:
            if not path.exists():
                recent.forget_recent(path)
            if isinstance(error, NotARapportProject) and path.exists() and backups.backups_for_path(path):
                backup = self.choose_backup(path, backups.backups_for_path(path), str(error))
                return backup is not None and restore_into(self, path, backup)
            report_error(self, error, "Open project")
            return False
        if project is None:
            return False
        self.set_project(project)
        return True

    def _upgrade_and_open(self, path: Path) -> Task:
        """Open a project from an older Rapport in the background: it is backed up, upgraded, then opened."""

        def work(progress, cancelled) -> Project:
            progress(0, 0, f"Upgrading {path.name} for this Rapport; the original is kept as a backup…")
            return open_project(path)

        self.open_task = run_in_background(self, "Open project", work, self.set_project)
        return self.open_task

    def open_server_url(self, url: str) -> bool:
        """Connect off the GUI thread; True when the connection started (the project opens when it answers)."""
        current = self.context.project
        if current is not None and current.is_server and current.location == redacted_address(url):
            return True
        self.codebook.editor.save()

        def done(project: Project | None) -> None:
            if project is not None:
                self.set_project(project)

        def failed(error: BaseException) -> None:
            report_error(self, error, "Open server project")

        self.server_task = server_projects.open_server_project(self, url, done, failed)
        return True

    def open_server_dialog(self) -> None:
        dialog = server_projects.ServerProjectDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.open_path(dialog.address())

    def open_project_dialog(self) -> None:
        start = str(recent.last_project().parent) if recent.last_project() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open project", start, f"{PROJECT_FILTER};;All files (*)")
        if path:
            self.open_path(path)

    def new_project(self) -> None:
        dialog = NewProjectDialog(self)
        if dialog.exec() != NewProjectDialog.DialogCode.Accepted:
            return
        passphrase = None
        if dialog.encrypt.isChecked():
            passphrase = protection_actions.ask_passphrase(
                self, "New encrypted project", f"Choose a passphrase for {dialog.path().name}.", new=True
            )
            if passphrase is None:
                return
        self.create_project_at(dialog.path(), dialog.starter.isChecked(), passphrase)

    def create_project_at(self, path: Path, starter_codebook: bool, passphrase: str | None = None) -> bool:
        """Create a project and switch to it; when creating fails, the open project stays open."""
        try:
            project = create_new_project(path, starter_codebook, passphrase)
        except RapportError as error:
            report_error(self, error, "New project")
            return False
        self.set_project(project)
        return True

    def open_demo(self) -> Task:
        path = fresh_demo_path()

        def work(progress, cancelled) -> Path:
            from app.services.demo import build_demo

            progress(0, 0, "Building the demo study…")
            build_demo(path).close()
            return path

        self.demo_task = run_in_background(self, "Demo study", work, self.open_path)
        return self.demo_task

    def choose_backup(self, path: Path, found: list, problem: str = "") -> Path | None:
        """Ask which backup to restore (tests replace this with a plain function)."""
        dialog = RestoreBackupDialog(path, found, self)
        if problem:
            dialog.setWindowTitle("This project cannot be opened: restore from a backup?")
            dialog.layout().insertWidget(0, QLabel(problem))
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def restore_from_backup(self) -> bool:
        if self.context.project is not None and self.context.project.is_server:
            report_error(self, NotOnServer(server_limits.BACKUPS), "Restore from backup")
            return False
        if self.context.project is not None:
            path = self.context.project.path
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Project to restore", "", PROJECT_FILTER)
            if not chosen:
                return False
            path = Path(chosen)
        backup = self.choose_backup(path, backups.backups_for_path(path))
        return backup is not None and restore_into(self, path, backup)

    def close_project(self) -> None:
        self.codebook.editor.save()
        self.tool_windows.close_all()
        self.context.set_project(None)

    # -- coders -------------------------------------------------------------------------------------
    def ask_coder(self, names: list[str], current: str | None) -> str | None:
        """Which coder is working now (tests replace this)."""
        start = names.index(current) if current in names else 0
        name, ok = QInputDialog.getItem(
            self, "Who is coding?", "This project has several coders. Code as:", names, start, False
        )
        return name if ok else None

    def ask_new_coder_name(self) -> str | None:
        return coder_choice.ask_name(self)

    def choose_coder(self) -> None:
        coder_choice.choose(self)

    def new_coder(self) -> None:
        coder_choice.add_new(self)

    # -- other windows and dialogs -------------------------------------------------------------------
    def _keep_open(self, dialog: QWidget) -> QWidget:
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def import_transcripts(self, paths: list[str] | None = None) -> QWidget | None:
        if self.context.project is None:
            return None
        cls = load_class("app.ui.dialogs.import_dialog", "ImportDialog")
        if paths is None:
            from app.services.importing import FILE_DIALOG_FILTER

            paths, _ = QFileDialog.getOpenFileNames(
                self, "Import transcripts", str(Path.home()), FILE_DIALOG_FILTER
            )
            if not paths:
                return None
        return self._keep_open(cls(self.context, paths, self))

    def _open_dialog(self, module: str, name: str) -> QWidget | None:
        if self.context.project is None:
            return None
        return self._keep_open(load_class(module, name)(self.context, self))

    def pseudonymise(self) -> QWidget | None:
        return self._open_dialog("app.ui.dialogs.pseudonymise_dialog", "PseudonymiseDialog")

    def send_out_copies(self) -> QWidget | None:
        return self._open_dialog("app.ui.dialogs.team_dialogs", "SendOutDialog")

    def merge_copies(self) -> QWidget | None:
        return self._open_dialog("app.ui.dialogs.team_dialogs", "MergeDialog")

    # -- window state --------------------------------------------------------------------------------
    def _project_changed(self, project: Project | None) -> None:
        if self.panels.show_panels(project is not None):  # the welcome page: no message of the last project
            self.status.clearMessage()
        for action in self.actions.project_only:
            action.setEnabled(project is not None)
        for action in self.actions.writable_only:
            action.setEnabled(project is not None and not project.read_only)
        for action in (self.actions.send_out, self.actions.restore_backup):  # a project file's business
            action.setEnabled(project is None or not project.is_server)
        if (
            project is not None
            and self.study_model.rowCount()
            and not self.study_tree.currentIndex().isValid()
        ):
            self.study_tree.expandAll()
        self._update_title()

    def _update_title(self) -> None:
        project = self.context.project
        if project is None:
            self.setWindowTitle("Rapport")
            return
        suffix = " (read-only)" if project.read_only else ""
        suffix += " · BLIND CODING" if self.context.blind else ""
        self.setWindowTitle(f"{project.title}{suffix} — Rapport")
        self.setWindowFilePath("" if project.is_server else str(project.path))

    def reset_layout(self) -> None:
        self.panels.reset()

    # -- files dropped on the window: a project opens, transcripts go to the import dialog -------------
    def dropped_files(self, mime: QMimeData) -> tuple[Path | None, list[str]]:
        from app.services.importing import is_transcript_file

        paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        project = next((p for p in paths if p.suffix.lower() == ".rapport"), None)
        transcripts = [str(p) for p in paths if is_transcript_file(p)]
        writable = self.context.project is not None and not self.context.project.read_only
        return project, transcripts if writable else []

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        project, transcripts = self.dropped_files(event.mimeData())
        if project is not None or transcripts:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        project, transcripts = self.dropped_files(event.mimeData())
        if project is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_path(project))
        elif transcripts:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_transcripts(transcripts))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.codebook.editor.save()
        self.panels.save()
        self.tool_windows.close_all()
        self.context.set_project(None)
        super().closeEvent(event)

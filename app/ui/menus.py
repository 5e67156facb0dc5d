"""The menu bar and the main toolbar of the main window: actions with shortcuts, tips and status messages.

Actions only call the window's methods: the window decides what happens, this module only says how it is
offered (keeps main_window.py a thin shell and this file a readable list of what the user can do).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from app.ui.copy_actions import CopyActions
from app.ui.exchange_actions import ExchangeActions
from app.ui.icons import standard
from app.ui.protection_actions import ProtectionActions
from app.ui.recent_projects import clear_recent, recent_label, recent_projects
from app.ui.toolbar_actions import steady_copy

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def _action(window, text: str, slot: Callable[[], object], tip: str, shortcut=None, icon=None) -> QAction:
    action = QAction(text, window)
    action.setStatusTip(tip)
    action.setToolTip(tip if shortcut is None else f"{tip} ({QKeySequence(shortcut).toString()})")
    if shortcut is not None:
        action.setShortcut(shortcut)
    if icon is not None:
        action.setIcon(standard(icon))
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_menus(window: MainWindow) -> SimpleNamespace:
    a = SimpleNamespace()
    bar = window.menuBar()
    keys = QKeySequence.StandardKey

    # File
    a.new = _action(
        window, "&New project…", window.new_project, "Create a new project", keys.New, "document-new"
    )
    a.open = _action(
        window, "&Open project…", window.open_project_dialog, "Open a project", keys.Open, "document-open"
    )
    a.demo = _action(
        window, "Open the &demo study", window.open_demo, "Open a fresh copy of the fictional demo study"
    )
    a.import_ = _action(
        window,
        "&Import transcripts…",
        window.import_transcripts,
        "Import session transcripts and recall interviews (DOCX, text, subtitles)",
        QKeySequence("Ctrl+I"),
        "document-import",
    )
    a.close = _action(
        window, "&Close project", window.close_project, "Close the project", keys.Close, "window-close"
    )
    a.quit = _action(window, "&Quit", window.close, "Quit Rapport", keys.Quit)
    a.quit.setMenuRole(QAction.MenuRole.QuitRole)
    file_menu = bar.addMenu("&File")
    a.open_server = _action(
        window, "Open &server project…", window.open_server_dialog,
        "Open a project in a PostgreSQL database your lab shares (postgresql://user@host/database)",
    )  # fmt: skip
    file_menu.addActions([a.new, a.open, a.open_server])
    a.recent_menu = file_menu.addMenu("Open &recent")
    a.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(window, a.recent_menu))
    file_menu.addAction(a.demo)
    file_menu.addSeparator()
    file_menu.addAction(a.import_)
    a.exchange = ExchangeActions(window, window.context, file_menu)  # Export ▸ and Import from other tools ▸
    a.team_menu = file_menu.addMenu("&Team")
    a.send_out = a.team_menu.addAction("Send out copies for coders…", window.send_out_copies)
    a.merge_copies = a.team_menu.addAction("Merge coders' copies…", window.merge_copies)
    a.copying = CopyActions(window, window.context, file_menu)  # Copy to server…
    a.protection = ProtectionActions(window, window.context, file_menu)  # Protection ▸
    a.restore_backup = _action(
        window, "Restore from &backup…", window.restore_from_backup,
        "Replace the project with one of its automatic backups (the current file is kept)",
    )  # fmt: skip
    file_menu.addAction(a.restore_backup)
    file_menu.addSeparator()
    file_menu.addAction(a.close)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    # Edit
    stack = window.context.undo_stack
    a.undo = stack.createUndoAction(window, "&Undo")
    a.undo.setShortcut(keys.Undo)
    a.undo.setIcon(standard("edit-undo"))
    a.redo = stack.createRedoAction(window, "&Redo")
    a.redo.setShortcuts([QKeySequence(keys.Redo), QKeySequence("Ctrl+Shift+Z")])
    a.redo.setIcon(standard("edit-redo"))
    a.undo.setStatusTip("Undo the last action")
    a.redo.setStatusTip("Redo the action just undone")
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([a.undo, a.redo])
    edit_menu.addSeparator()
    a.coder = _action(window, "Choose the active &coder…", window.choose_coder, "Who is coding now")
    edit_menu.addAction(a.coder)
    a.coders = _action(
        window,
        "Coders…",
        lambda: window._open_dialog("app.ui.dialogs.coders_dialog", "CodersDialog"),
        "Rename, recolour and merge coders",
    )
    edit_menu.addAction(a.coders)
    a.blind = QAction("&Blind coding (show only my codings)", window)
    a.blind.setCheckable(True)
    a.blind.setChecked(window.context.blind)
    a.blind.setStatusTip("Hide other coders' codings everywhere until you switch this off")
    a.blind.toggled.connect(lambda on: window.context.set_blind(on))
    window.context.blindChanged.connect(a.blind.setChecked)
    edit_menu.addAction(a.blind)
    a.pseudonymise = _action(
        window, "&Pseudonymise names…", window.pseudonymise, "Replace names in every transcript, undoably"
    )
    edit_menu.addAction(a.pseudonymise)

    # View: the docks' own toggle actions, so their state is always right
    a.view_menu = bar.addMenu("&View")
    for dock in window.docks.values():
        a.view_menu.addAction(dock.toggleViewAction())
    a.view_menu.addSeparator()
    a.find_in_project = _action(
        window,
        "&Search the project…",
        window.focus_search,
        "Search every transcript and memo",
        QKeySequence("Ctrl+Shift+F"),
    )
    a.find_in_project.setVisible("search" in window.docks)
    a.view_menu.addAction(a.find_in_project)
    a.find_code = _action(
        window, "Find a &code…", window.focus_code_filter, "Filter the codebook", QKeySequence("Ctrl+K")
    )
    a.view_menu.addAction(a.find_code)
    a.view_menu.addSeparator()
    a.reset_layout = _action(
        window, "Reset &layout", window.reset_layout, "Put the panels back where they started"
    )
    a.view_menu.addAction(a.reset_layout)

    # Compare and Tools: other engineers' windows, when present
    compare_menu = bar.addMenu("&Compare")
    a.windows = {}
    for kind, text, tip, shortcut in (
        (
            "compare",
            "&Perspectives of a dyad…",
            "Client and therapist views of the same dyad",
            "Ctrl+Shift+C",
        ),
        ("timeline", "Session &timeline…", "Recall codings on the session's video time axis", "Ctrl+Shift+T"),
        ("groups", "Themes by &group…", "Theme prevalence by dyad attribute", None),
        (
            "cqr",
            "C&QR workbench…",
            "Consensual Qualitative Research: core ideas, cross-analysis, audit",
            None,
        ),
    ):
        a.windows[kind] = _action(window, text, lambda k=kind: window.tool_windows.show(k), tip, shortcut)
        compare_menu.addAction(a.windows[kind])
    tools_menu = bar.addMenu("&Tools")
    a.windows["agreement"] = _action(
        window,
        "&Agreement between coders…",
        lambda: window.tool_windows.show("agreement"),
        "Kappa, alpha and the disagreements to resolve",
        QKeySequence("Ctrl+Shift+A"),
    )
    tools_menu.addAction(a.windows["agreement"])

    # Help
    help_menu = bar.addMenu("&Help")
    a.about = _action(
        window,
        "&About Rapport",
        window.show_about,
        "Version, Qt and where your data lives",
        None,
        "help-about",
    )
    a.about.setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addAction(a.about)

    # Main toolbar
    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    toolbar.addActions([a.new, a.open, a.import_])
    toolbar.addSeparator()
    toolbar.addActions([steady_copy(a.undo, "Undo"), steady_copy(a.redo, "Redo")])
    window.addToolBar(toolbar)
    a.toolbar = toolbar
    a.view_menu.insertAction(a.view_menu.actions()[0], toolbar.toggleViewAction())

    # Needs a project / a writable project
    a.project_only = [a.close, a.coder, a.blind, a.find_in_project, a.find_code, *a.windows.values()]
    a.writable_only = [a.import_, a.pseudonymise, a.send_out, a.merge_copies, a.coders]
    a.project_only += a.exchange.exports.values()
    a.writable_only += a.exchange.imports.values()
    return a


def fill_recent_menu(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    paths = recent_projects()
    for number, path in enumerate(paths, start=1):
        name, _where = recent_label(path)
        action = menu.addAction(f"&{number % 10}  {name}", lambda p=path: window.open_path(p))
        action.setStatusTip(str(path))
        action.setToolTip(str(path))
    if not paths:
        menu.addAction("No recent projects").setEnabled(False)
        return
    menu.addSeparator()
    menu.addAction("Clear the list", clear_recent)

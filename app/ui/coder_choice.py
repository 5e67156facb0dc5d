"""Who is coding: the active coder is always chosen explicitly when a project has several.

A choice is remembered per project on this machine (QSettings, keyed by the project's own id), so a researcher
who codes as "Ana" is not asked again every morning; the status bar shows and changes it at any time.

A project without coders (a new one) asks once who is coding, offering the name last given on this machine, so
codings are never credited silently to the computer's login name.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QWidget

from app.domain.errors import RapportError
from app.services import coding
from app.services.project import Project
from app.ui import recent_projects as recent
from app.ui.dialogs.crash_dialog import report_error

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def choose_on_open(window: MainWindow, project: Project) -> None:
    """None yet: ask who is coding. One coder: that one. Several: the one chosen last time here, otherwise ask."""
    coders = coding.list_coders(project)
    if not coders:
        if not project.read_only:
            add_new(window)
        return
    by_name = {c.name: c.id for c in coders}
    remembered = recent.remembered_coder(project.project_id)
    if len(coders) == 1:
        window.context.set_active_coder(coders[0].id)
    elif remembered in by_name:
        window.context.set_active_coder(by_name[remembered])
        window.status.show_message(f"Coding as {remembered} (change it in the status bar)", 8000)
    else:
        choose(window)


def choose(window: MainWindow) -> None:
    project = window.context.project
    if project is None:
        return
    coders = coding.list_coders(project)
    if not coders:
        add_new(window)
        return
    current = next((c.name for c in coders if c.id == window.context.active_coder_id), None)
    name = window.ask_coder([c.name for c in coders], current)
    chosen = next((c for c in coders if c.name == name), None)
    if chosen is not None:
        window.context.set_active_coder(chosen.id)
        recent.remember_coder(project.project_id, chosen.name)


def add_new(window: MainWindow) -> None:
    project = window.context.project
    name = window.ask_new_coder_name() if project is not None else None
    if not name:
        return
    try:
        coder_id = coding.ensure_coder(project, name)
    except RapportError as error:
        report_error(window, error, "New coder")
        return
    window.context.set_active_coder(coder_id)
    recent.remember_coder(project.project_id, name)
    recent.remember_coder_name(name)
    window.status.refresh_coders()


def suggested_name() -> str:
    """The name this machine's researcher gave last time (any project), else the login name."""
    try:
        login = getpass.getuser()
    except Exception:
        login = ""
    return recent.last_coder_name() or login


def ask_name(parent: QWidget, title: str = "Who is coding?") -> str | None:
    """Ask the researcher's name for their codings; None when cancelled or left empty."""
    name, ok = QInputDialog.getText(
        parent,
        title,
        "Codings are recorded under the coder's name, for comparing coders later.\nYour name:",
        text=suggested_name(),
    )
    return " ".join(name.split()) if ok and name.strip() else None


def first_coder(context, parent: QWidget, ask=ask_name, create=None) -> int | None:
    """The active coder, asking who is coding first when nobody is chosen (None: the researcher cancelled).

    `create(name)` makes the coder (the editor does it undoably); by default the coder is simply ensured."""
    if context.active_coder_id is not None:
        return context.active_coder_id
    project = context.project
    coders = coding.list_coders(project)
    remembered = recent.remembered_coder(project.project_id)
    known = next((c.id for c in coders if c.name == remembered), None)
    if known is None:
        name = ask(parent)
        if not name:
            return None
        known = create(name) if create is not None else coding.ensure_coder(project, name)
        if known is None:
            return None
        recent.remember_coder(project.project_id, name)
        recent.remember_coder_name(name)
    context.set_active_coder(known)
    return known

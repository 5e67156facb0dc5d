"""Who is coding: the active coder is always chosen explicitly when a project has several.

A choice is remembered per project on this machine (QSettings, keyed by the project's own id), so a researcher
who codes as "Ana" is not asked again every morning; the status bar shows and changes it at any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.errors import RapportError
from app.services import coding
from app.services.project import Project
from app.ui import recent_projects as recent
from app.ui.dialogs.crash_dialog import report_error

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def choose_on_open(window: MainWindow, project: Project) -> None:
    """One coder: that one. Several: the one chosen last time here, otherwise ask."""
    coders = coding.list_coders(project)
    if not coders:
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
    window.status.refresh_coders()

"""File ▸ Open server project…: the address dialog, connecting off the GUI thread, the title, the recent list
(no password kept), an empty database made a project on request, and the file-only actions switched off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from app.services import study as study_service
from app.services.project import create_project
from app.storage.server import database_name, host_label
from app.ui.main_window import MainWindow
from app.ui.recent_projects import recent_label, recent_projects
from app.ui.server_projects import ServerProjectDialog
from tests.gui.windows import first_start_window
from tests.study_presets import small_study


@pytest.fixture
def window(qtbot, qapp):
    with first_start_window(qtbot, qapp, ask_coder=lambda names, current: "Ben", shown=True) as win:
        win.asked = []
        win.ask_create_server_project = lambda url: win.asked.append(url) or True
        yield win


@pytest.fixture
def server_study(pg_url: str) -> str:
    with create_project(pg_url) as project:
        small_study(project)
    return pg_url


def open_and_wait(window: MainWindow, qtbot, url: str) -> None:
    """Open `url` and wait until connecting (and creating the project it led to) has fully finished: its
    handlers ran, not only its work (`Task.finished` fires after them)."""
    finished: list[object] = []
    followed: list[object] = []

    def settled() -> bool:
        task = window.server_task
        if task not in followed:  # connecting may hand over to a task that creates the project
            followed.append(task)
            task.finished.connect(lambda _ok, t=task: finished.append(t))
        return task in finished

    assert window.open_path(url)
    qtbot.waitUntil(settled, timeout=20_000)


def test_the_dialog_takes_a_postgresql_address_and_says_where_the_password_comes_from(qtbot) -> None:
    dialog = ServerProjectDialog()
    qtbot.addWidget(dialog)
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not open_button.isEnabled()
    dialog.url.setText("study.rapport")
    assert not open_button.isEnabled()
    dialog.url.setText(" postgresql://ana@db.lab.org:5433/study?sslmode=require ")
    assert open_button.isEnabled() and "study on db.lab.org:5433" in dialog.problem.text()
    assert dialog.address() == "postgresql://ana@db.lab.org:5433/study?sslmode=require"
    assert any("~/.pgpass" in label.text() for label in dialog.findChildren(QLabel))


def test_a_server_project_opens_with_its_name_and_host_and_no_password_is_remembered(
    window, qtbot, server_study: str
) -> None:
    with_password = server_study.replace("rapport_admin@", "rapport_admin:hunter2@")
    open_and_wait(window, qtbot, with_password)
    project = window.context.project
    assert project is not None and project.is_server
    title = f"{database_name(server_study)} on {host_label(server_study)}"
    assert window.windowTitle().startswith(title)
    assert [d.name for d in study_service.list_documents(project)][:1] == ["D01 session 1"]
    assert recent_projects()[0] == server_study  # the address without the password
    assert "hunter2" not in str(QSettings().value("recent/projects"))
    assert recent_label(recent_projects()[0]) == (title, server_study)
    assert not window.actions.send_out.isEnabled() and not window.actions.restore_backup.isEnabled()
    assert not window.actions.protection.encrypt.isEnabled()
    window.actions.recent_menu.aboutToShow.emit()
    assert title in window.actions.recent_menu.actions()[0].text()


def test_an_empty_database_becomes_a_project_when_the_researcher_agrees(window, qtbot, pg_url: str) -> None:
    open_and_wait(window, qtbot, pg_url)
    qtbot.waitUntil(lambda: window.context.project is not None, timeout=20_000)
    assert window.asked == [pg_url] and window.context.project.is_server


def test_a_server_that_does_not_answer_leaves_the_open_project_open(
    window, qtbot, tmp_path, monkeypatch
) -> None:
    path = tmp_path / "local.rapport"
    create_project(path).close()
    assert window.open_path(path)
    errors: list[str] = []
    monkeypatch.setattr(
        "app.ui.main_window.report_error", lambda parent, error, title: errors.append(str(error))
    )
    open_and_wait(window, qtbot, "postgresql://ana:secret@127.0.0.1:1/study")
    assert window.context.project is not None and window.context.project.path == path.resolve()
    assert errors and "does not answer" in errors[0] and "secret" not in errors[0]


def test_a_role_that_may_only_read_opens_the_project_read_only(
    window, qtbot, server_study, pg_cluster
) -> None:
    import uuid

    role = f"auditor_{uuid.uuid4().hex[:6]}"
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN")
    pg_cluster.sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}", database_name(server_study))
    open_and_wait(window, qtbot, server_study.replace("rapport_admin@", f"{role}@"))
    project = window.context.project
    assert project is not None and project.read_only
    assert "(read-only)" in window.windowTitle() and not window.actions.import_.isEnabled()
    assert "your server role may only read" in window.status.currentMessage()

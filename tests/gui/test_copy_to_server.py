"""File ▸ Copy to server…: the address dialog, the copy off the GUI thread, and a cancel that writes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.services import audit
from app.services.project import create_project
from app.ui import copy_actions
from app.ui.dialogs.copy_to_server_dialog import CopyToServerDialog
from app.ui.protection_actions import coder_name
from tests.copy_study import table_contents
from tests.gui.windows import first_start_window
from tests.study_presets import small_study


@pytest.fixture
def window(qtbot, qapp):
    with first_start_window(qtbot, qapp, ask_coder=lambda names, current: names[0] if names else None) as win:
        yield win


@pytest.fixture
def study_file(tmp_path):
    path = tmp_path / "clinic.rapport"
    with create_project(path) as project:
        small_study(project)
    return path


def test_the_dialog_wants_a_server_database_and_keeps_the_password_out_of_sight(qtbot, tmp_path) -> None:
    dialog = CopyToServerDialog(None, "clinic")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.address.setText("/home/ana/clinic.rapport")
    assert not ok.isEnabled() and "postgresql://" in dialog.problem.text()
    dialog.address.setText("postgresql://ana@lab:5432")
    assert not ok.isEnabled() and "database" in dialog.problem.text()
    dialog.address.setText("postgresql://ana@lab:5432/alliance")
    dialog.password.setText("s3cret")
    assert ok.isEnabled()
    assert dialog.value() == "postgresql://ana:s3cret@lab:5432/alliance"
    for width in (1280, 1920):
        dialog.resize(width // 2, dialog.sizeHint().height())  # a dialog half as wide as the screen
        dialog.grab().save(str(tmp_path / f"copy_dialog_{width}.png"))


def test_copy_to_server_from_the_menu_copies_the_open_project(window, study_file, pg_url, qtbot, monkeypatch):
    assert window.open_path(study_file)
    before = table_contents(study_file)  # opening it wrote the audit log's "open" entry
    told: list[str] = []
    monkeypatch.setattr(copy_actions, "ask_server_address", lambda parent, name: pg_url)
    monkeypatch.setattr(copy_actions, "announce", lambda parent, title, text: told.append(text))
    action = window.actions.copying.copy_to_server
    assert action.isEnabled() and action.text() == "Copy to &server…"
    task = window.actions.copying.copy_project_to_server()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.error is None
    assert "4 documents" in told[0] and pg_url.rsplit("/", 1)[-1] in told[0]
    assert table_contents(pg_url) == before


def test_a_cancelled_copy_leaves_the_server_database_empty(window, study_file, pg_url, qtbot, monkeypatch):
    assert window.open_path(study_file)
    monkeypatch.setattr(copy_actions, "ask_server_address", lambda parent, name: pg_url)
    task = window.actions.copying.copy_project_to_server()
    task.cancel()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert type(task.error).__name__ == "OperationCancelled"
    assert all(rows == [] for rows in table_contents_or_empty(pg_url).values())
    assert window.actions.copying.copy_to_server.isEnabled()  # still offered, to try again


def table_contents_or_empty(address: str) -> dict:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(address.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    finally:
        engine.dispose()
    return table_contents(address) if tables else {}


def test_save_a_copy_as_file_from_the_menu(window, study_file, tmp_path, qtbot, monkeypatch):
    assert window.open_path(study_file)
    before = table_contents(study_file)
    target = tmp_path / "archive.rapport"
    told: list[str] = []
    monkeypatch.setattr(copy_actions, "ask_file_path", lambda parent, suggested: target)
    monkeypatch.setattr(copy_actions, "announce", lambda parent, title, text: told.append(text))
    task = window.actions.copying.copy_project_to_file()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.error is None and "4 documents" in told[0]
    assert table_contents(target) == before
    entry = audit.entries(window.context.project)[-1]
    assert entry.detail == {"what": "project copy", "to": str(target)}
    assert entry.coder == coder_name(window.context) != ""  # recorded under the active coder's name

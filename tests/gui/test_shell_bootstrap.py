"""Start-up: what `rapport PATH` and `rapport --demo` open, the exception hook, and the plain fallback view."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from app import bootstrap, paths
from app.domain.errors import NotFound
from app.paths import user_data_dir
from app.ui.dialogs import crash_dialog
from app.ui.dialogs.crash_dialog import CrashDialog


@pytest.fixture
def started(qapp, monkeypatch):
    """Runs bootstrap.build_window and undoes its global effects (stylesheet, exception hook) afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    style = qapp.styleSheet()
    made = []

    def start(argv: list[str]):
        app, context, window = bootstrap.build_window(argv)
        window.ask_coder = lambda names, current: names[0]
        made.append(window)
        return app, context, window

    yield start
    for window in made:
        window.context.undo_stack.clear()
        window.close()
    for dialog in list(crash_dialog.open_dialogs):
        dialog.close()
    qapp.setStyleSheet(style)
    gc.unfreeze()  # build_window froze the heap (app.ui.heap): the other tests' objects are collected as usual


def test_rapport_path_opens_that_project(started, study, project_path, qtbot) -> None:
    study.project.close()
    app, context, window = started([str(project_path)])
    assert app.organizationName() == "Rapport" and not app.windowIcon().isNull()
    qtbot.waitUntil(lambda: context.project is not None)
    assert context.project.path == project_path.resolve()
    assert window.study_model.document_count() == 4


def test_rapport_without_arguments_reopens_the_last_project(started, study, project_path, qtbot) -> None:
    study.project.close()
    _app, context, window = started([str(project_path)])
    qtbot.waitUntil(lambda: context.project is not None)
    window.close()
    _app, context, _window = started([])
    qtbot.waitUntil(lambda: context.project is not None)
    assert context.project.path == project_path.resolve()


def test_exception_hook_shows_a_report_for_bugs_and_a_message_for_user_errors(started) -> None:
    started([])
    try:
        raise RuntimeError("a bug")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    report = crash_dialog.open_dialogs[-1]
    assert isinstance(report, CrashDialog) and "RuntimeError: a bug" in report.report
    error = NotFound("There is no document 'D09 session 1'.")
    sys.excepthook(NotFound, error, None)
    box = crash_dialog.open_dialogs[-1]
    assert isinstance(box, QMessageBox) and box.text() == "There is no document 'D09 session 1'."


def test_arguments_and_fresh_demo_paths() -> None:
    assert bootstrap.parse_arguments(["--demo"]).demo
    assert bootstrap.parse_arguments(["x.rapport", "-platform", "offscreen"]).project == "x.rapport"
    first = paths.fresh_demo_path()
    first.write_bytes(b"")
    second = paths.fresh_demo_path()
    assert first.parent == second.parent == user_data_dir() / "demo" and first != second


def test_demo_flag_builds_and_opens_a_fresh_demo(started, qtbot) -> None:
    _app, context, window = started(["--demo"])
    qtbot.waitUntil(lambda: window.demo_task is not None and window.demo_task.done, timeout=60000)
    assert window.demo_task.error is None, crash_dialog.crash_report(window.demo_task.error)
    assert context.project.path.parent == user_data_dir() / "demo"
    assert window.study_model.rowCount() >= 2

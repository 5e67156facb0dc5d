"""Background work: results and progress arrive on the GUI thread, Cancel stops the work and rolls back,
errors reach the user as a plain message (RapportError) or a crash report (a bug)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.domain.errors import InvalidInput, OperationCancelled
from app.services import codebook
from app.ui.dialogs import crash_dialog
from app.ui.dialogs.crash_dialog import CrashDialog, crash_report
from app.ui.tasks import run_in_background


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    yield widget
    for dialog in list(crash_dialog.open_dialogs):
        dialog.close()


def test_work_runs_off_the_gui_thread_and_results_arrive_on_it(parent, qtbot, project) -> None:
    seen: dict[str, object] = {}

    def work(progress, cancelled):
        seen["worker"] = threading.current_thread()
        progress(1, 2, "Adding a code")
        return codebook.add_code(project, "Made in a worker").id  # its own SQLite connection

    def done(result):
        seen["handler"] = threading.current_thread()
        seen["result"] = result

    task = run_in_background(parent, "Work", work, done)
    with qtbot.waitSignal(task.finished, timeout=5000) as finished:
        pass
    assert finished.args == [True]
    assert seen["worker"] is not threading.main_thread()
    assert seen["handler"] is threading.main_thread()
    assert [c.name for c in codebook.list_codes(project)] == ["Made in a worker"]  # read on the GUI thread
    assert seen["result"] == task.result


def test_cancel_sets_the_flag_the_work_polls_and_failure_handler_gets_it(parent, qtbot) -> None:
    started = threading.Event()
    failures: list[BaseException] = []

    def work(progress, cancelled):
        started.set()
        for _ in range(2000):  # bounded, so a broken Cancel cannot leave a thread running
            if cancelled():
                break
            threading.Event().wait(0.005)
        raise OperationCancelled()

    task = run_in_background(parent, "Long work", work, lambda _r: None, failures.append)
    qtbot.waitUntil(started.is_set)
    task.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    qtbot.waitUntil(lambda: task.done)
    assert task.cancelled and isinstance(failures[0], OperationCancelled)


def test_user_error_becomes_a_plain_message_and_a_bug_a_crash_report(parent, qtbot) -> None:
    def user_error(progress, cancelled):
        raise InvalidInput("The name “” is empty.")

    task = run_in_background(parent, "Rename", user_error, lambda _r: None)
    qtbot.waitUntil(lambda: task.done)
    box = crash_dialog.open_dialogs[-1]
    assert isinstance(box, QMessageBox) and box.text() == "The name “” is empty."

    def bug(progress, cancelled):
        return 1 / 0

    task = run_in_background(parent, "Compute", bug, lambda _r: None)
    qtbot.waitUntil(lambda: task.done)
    report = crash_dialog.open_dialogs[-1]
    assert isinstance(report, CrashDialog)
    assert "ZeroDivisionError" in report.report and "PySide6" in report.report and "in bug" in report.report
    report.copy_report()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == report.report


def test_crash_report_names_versions_and_the_traceback() -> None:
    try:
        {}["missing"]
    except KeyError as error:
        text = crash_report(error)
    assert text.startswith("Rapport ") and "Qt " in text and "KeyError: 'missing'" in text

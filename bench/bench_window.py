"""Window benchmark: the loop a researcher repeats all afternoon, in the full main window.

A 100,000-word transcript with 5,000 codings (2,000 of them with one code) and a 1,000-code codebook, opened in
the real MainWindow (offscreen, 1280x800) with every dock visible, the applied code selected in the codebook (so
the Excerpts view lists it) and search results showing. Measured in one run:

  open_document_ms        show_document of the transcript, cold, until the editor has painted
  apply_editor_ms         click a code with words selected, until the editor has repainted (median of 7)
  apply_all_views_ms      the same, until every visible view (code tree, Excerpts, search) has repainted
  undo_editor_ms / undo_all_views_ms, redo_editor_ms / redo_all_views_ms: Edit > Undo / Redo of that coding
  select_code_ms          select a code with 2,000 excerpts in the codebook, until Excerpts painted its first rows

each also as a ratio to a plain QPlainTextEdit.setPlainText + paint of the same text measured in the same run;
and the longest event-loop freeze (5 ms heartbeat, bench/event_loop_freeze.py) of select / apply / undo / redo,
as a ratio to the freeze of that plain setPlainText + paint (bench_window_study does the same on the 2M-word
bench study); and the CPU time the GUI thread spent on the open and on each of those steps (`*_gui_cpu_ms`), a
ratio to the GUI thread's CPU time for the plain setPlainText + paint: steadier than wall-clock figures on a
machine shared with other work.
Prints JSON on stdout. Goals (issue 15): apply/undo/redo <= 30 ms and <= 5x the plain figure; select <= 100 ms;
open <= 150 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_window
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.bench_editor import CODES, CODINGS, make_transcript, measure_plain
from bench.event_loop_freeze import (
    bench_application,
    freeze_and_gui_cpu_ms,
    plain_reference_cpu_ms,
    plain_reference_ms,
)

BIG_CODE_CODINGS = 2_000
SAMPLES = 7


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def build_project(folder: Path):
    """The transcript, 1,000 codes under 40 themes, 5,000 codings: 2,000 with code 0, the rest over 59."""
    from app.services.project import create_project
    from tests.study import StudyBuilder

    project = create_project(folder / "bench.rapport")
    text = make_transcript()
    build = StudyBuilder(project).document("long", text, name="Long session", dyad="D01", session=1,
                                           perspective="client", kind="session")  # fmt: skip
    codes = list(build.large_codebook(CODES).study.codes)
    rng = random.Random(11)
    spans = []
    for n in range(CODINGS):
        start = rng.randrange(0, len(text) - 600)
        code = codes[0] if n < BIG_CODE_CODINGS else rng.choice(codes[1:60])
        spans.append(("long", code, start, start + rng.randint(20, 600)))
    study = build.codings("Bench", spans).study
    path = project.path
    project.close()
    return path, study.documents["long"], text, list(study.codes.values())


def open_window(path: Path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    try:
        from app.ui.heap import keep_collections_short
    except ImportError:  # an older Rapport measured with this benchmark
        keep_collections_short = None

    context = AppContext()
    window = MainWindow(context)
    if keep_collections_short is not None:
        keep_collections_short(context)  # as bootstrap.build_window does
    window.ask_coder = lambda names, current: names[0]
    window.resize(1280, 800)
    window.show()
    window.open_path(path)
    docks = window.docks
    # Every dock visible: untabify the panels that share a place by default.
    if "excerpts" in docks and "search" in docks:
        window.splitDockWidget(docks["excerpts"], docks["search"], Qt.Orientation.Horizontal)
    if "memos" in docks:
        window.splitDockWidget(docks["codebook"], docks["memos"], Qt.Orientation.Vertical)
    window.splitDockWidget(docks["codebook"], docks["history"], Qt.Orientation.Vertical)
    for dock in docks.values():
        dock.show()
    QApplication.processEvents()
    return window


def visible_views(window) -> list:
    views = [window.codebook.tree.viewport()]
    for key, attr in (("excerpts", "table"), ("search", "table"), ("history", None)):
        widget = window.hosted(key)
        if widget is not None and widget.isVisible():
            views.append(getattr(widget, attr).viewport() if attr else widget.viewport())
    return views


def wait_for_excerpts(excerpts) -> None:
    """Until the Excerpts view's background load has arrived and its rows are in the model."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    deadline = time.perf_counter() + 60
    while excerpts_loading(excerpts) and time.perf_counter() < deadline:
        time.sleep(0.001)
        QApplication.processEvents()


def wait_for_first_rows(excerpts) -> None:
    """Until the Excerpts view shows its first rows (the rest of a long list may still be read)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    deadline = time.perf_counter() + 60
    while excerpts_loading(excerpts) and excerpts.model.rowCount() == 0 and time.perf_counter() < deadline:
        time.sleep(0.001)
        QApplication.processEvents()


def excerpts_loading(excerpts) -> bool:
    return excerpts is not None and getattr(excerpts, "loading", False)  # older Rapports load synchronously


def timed(action, window) -> tuple[float, float]:
    """Run an action; the time until the editor repainted, and until every visible view repainted too."""
    from PySide6.QtWidgets import QApplication

    editor = window.pane.view
    started = time.perf_counter()
    action()
    editor.view.viewport().repaint()
    editor.stripes.repaint()
    to_editor = time.perf_counter() - started
    QApplication.processEvents()  # queued signals, resizes and deferred layouts the action caused
    for view in visible_views(window):
        view.repaint()
    return to_editor, time.perf_counter() - started


def measure_window(path: Path, doc_id: int, text: str, codes: list[int]) -> dict[str, object]:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    window = open_window(path)
    editor = window.pane.view
    result: dict[str, object] = {}
    started, started_cpu = time.perf_counter(), time.thread_time()
    window.show_document(doc_id)
    editor.view.viewport().repaint()
    editor.stripes.repaint()
    result["open_document_ms"] = _ms(time.perf_counter() - started)
    result["open_document_gui_cpu_ms"] = _ms(time.thread_time() - started_cpu)
    QApplication.processEvents()

    search = window.hosted("search")
    if search is not None:
        search.query_edit.setText("trust AND safe")
        search.run_search()
        deadline = time.perf_counter() + 120
        while (search.result is None or search.busy) and time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.01)
        result["search_hits_shown"] = search.result.total if search.result else 0

    excerpts = window.hosted("excerpts")
    window.codebook.select_code(codes[1])
    wait_for_excerpts(excerpts)
    started = time.perf_counter()
    window.codebook.select_code(codes[0])
    if excerpts is not None:
        wait_for_first_rows(excerpts)  # they are read on a worker thread, the first ones first
        excerpts.table.viewport().repaint()
    result["select_code_ms"] = _ms(time.perf_counter() - started)
    wait_for_excerpts(excerpts)
    result["excerpts_listed"] = len(excerpts.model.excerpts()) if excerpts is not None else 0
    result["excerpt_rows_handed_to_the_view"] = excerpts.model.rowCount() if excerpts is not None else 0
    QApplication.processEvents()

    samples: dict[str, list[tuple[float, float]]] = {"apply": [], "undo": [], "redo": []}
    for n in range(SAMPLES):
        position = len(text) * (n + 2) // 10
        cursor = QTextCursor(editor.view.document())
        cursor.setPosition(editor.positions.to_qt(position))
        cursor.setPosition(editor.positions.to_qt(position + 60), QTextCursor.MoveMode.KeepAnchor)
        editor.view.setTextCursor(cursor)
        QApplication.processEvents()
        samples["apply"].append(timed(lambda: window.codebook.codeActivated.emit(codes[0]), window))
        samples["undo"].append(timed(window.actions.undo.trigger, window))
        samples["redo"].append(timed(window.actions.redo.trigger, window))
    for name, pairs in samples.items():
        result[f"{name}_editor_ms"] = _ms(statistics.median(p[0] for p in pairs))
        result[f"{name}_all_views_ms"] = _ms(statistics.median(p[1] for p in pairs))
    result.update(measure_freezes(window, text, codes))
    window.context.undo_stack.clear()
    window.context.set_project(None)
    window.close()
    return result


def measure_freezes(window, text: str, codes: list[int]) -> dict[str, float]:
    """The longest event-loop freeze (5 ms heartbeat) of select / apply / undo / redo, and of a plain
    setPlainText + paint of the same text, the yardstick of their ratios."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    editor = window.pane.view
    excerpts = window.hosted("excerpts")
    window.codebook.select_code(codes[1])
    wait_for_excerpts(excerpts)
    freezes: dict[str, float] = {}

    def step(name: str, action, until=None) -> None:
        freezes[f"{name}_freeze_ms"], freezes[f"{name}_gui_cpu_ms"] = freeze_and_gui_cpu_ms(
            action, until=until
        )

    step("select", lambda: window.codebook.select_code(codes[0]), lambda: not excerpts_loading(excerpts))
    cursor = QTextCursor(editor.view.document())
    position = len(text) * 19 // 20  # words the timed samples above did not code
    cursor.setPosition(editor.positions.to_qt(position))
    cursor.setPosition(editor.positions.to_qt(position + 60), QTextCursor.MoveMode.KeepAnchor)
    editor.view.setTextCursor(cursor)
    QApplication.processEvents()
    before = window.context.undo_stack.count()
    step("apply", lambda: window.codebook.codeActivated.emit(codes[0]))
    assert window.context.undo_stack.count() == before + 1, "the coding was not applied"
    step("undo", window.actions.undo.trigger)
    step("redo", window.actions.redo.trigger)
    freezes["plain_setPlainText_freeze_ms"] = plain_reference_ms(text)
    freezes["plain_setPlainText_gui_cpu_ms"] = plain_reference_cpu_ms(text)
    return freezes


def main() -> int:
    app = bench_application()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path, doc_id, text, codes = build_project(Path(folder))
        setup = time.perf_counter() - started
        plain = measure_plain(text)
        window = measure_window(path, doc_id, text, codes)
    base = plain["plain_setPlainText_ms"] or 1e-9
    report: dict[str, object] = {
        "words": 100_000,
        "characters": len(text),
        "codings": CODINGS,
        "codes": CODES,
        "setup_s": round(setup, 1),
        "plain_setPlainText_ms": plain["plain_setPlainText_ms"],
        **window,
    }
    plain_freeze = float(report.pop("plain_setPlainText_freeze_ms")) or 1e-9
    report["plain_setPlainText_freeze_ms"] = plain_freeze
    plain_cpu = float(report.pop("plain_setPlainText_gui_cpu_ms")) or 1e-9
    report["plain_setPlainText_gui_cpu_ms"] = plain_cpu
    for key in list(report):
        if key.endswith("_gui_cpu_ms") and not key.startswith("plain_"):
            report[key.replace("_ms", "_ratio_to_plain")] = round(float(report[key]) / plain_cpu, 2)
        elif key.endswith("_freeze_ms") and key != "plain_setPlainText_freeze_ms":
            report[key.replace("_ms", "_ratio_to_plain")] = round(float(report[key]) / plain_freeze, 2)
        elif key.endswith("_ms") and not key.startswith("plain_"):
            report[key.replace("_ms", "_ratio_to_setPlainText")] = round(float(report[key]) / base, 3)
    report["goals_ms"] = {"apply_undo_redo": 30, "ratio": 5, "select_code": 100, "open_document": 150}
    print(json.dumps(report, indent=2))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

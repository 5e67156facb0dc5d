"""Window benchmark at the bench-study scale: how long the event loop freezes in the loop a researcher repeats.

The bench study: 20 dyads, 40 transcripts of 50,000 words (2,000,000 words, from bench/corpus.py), 1,000 codes
under 40 themes and 40,000 codings (2,000 with the first code, 50 in each transcript). It is built once into a
file in the temporary folder (about a minute) and copied for each run. The real MainWindow (offscreen,
1280x800) opens it with every dock visible, a transcript shown, search results showing and the first code
selected in the codebook (so Excerpts lists its 2,000 excerpts). A 5 ms QTimer heartbeat gives the longest
freeze of the event loop (bench/event_loop_freeze.py) after each step:

  apply      click the selected code with words selected in the transcript
  undo, redo Edit > Undo, Edit > Redo of that coding
  select     select the code with 2,000 excerpts in the codebook (from another code), until its rows arrived
             from the worker thread and were shown; also the time until its first rows were painted (median)
  open       open another transcript, cold
  rename     rename a code in the codebook (the code tree patches one row)

each the worst of 3 samples, also as a ratio to the freeze of a plain QPlainTextEdit.setPlainText + paint of
one transcript measured in the same run; and the CPU time the GUI thread spent on each step (median sample,
`*_gui_cpu_ms`), a ratio to the same plain setPlainText + paint: on a machine shared with other work freezes
stretch with the load, the GUI thread's CPU time hardly does. Goal (issue 15): no step over 100 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_window_study
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.bench_window import excerpts_loading, open_window, wait_for_excerpts, wait_for_first_rows
from bench.corpus import transcript_text
from bench.event_loop_freeze import (
    bench_application,
    freeze_and_gui_cpu_ms,
    plain_reference_cpu_ms,
    plain_reference_ms,
)

DYADS = 20
TRANSCRIPTS = 40
WORDS = 50_000
CODES = 1_000
CODINGS = 40_000
BIG_CODE_CODINGS = 2_000
SAMPLES = 3


def cache_path() -> Path:
    """The built study in the temp folder, named after the schema it was built with: a file an older
    Rapport built (another revision) is not opened by this one."""
    from app.storage.migrate import head_revision

    return Path(tempfile.gettempdir()) / f"rapport-bench-study-v1-{head_revision()}.rapport"


def build_study(path: Path) -> None:
    from app.services.project import create_project
    from tests.study import StudyBuilder

    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    project = create_project(partial)
    rng = random.Random(15)
    build = StudyBuilder(project)
    lengths: dict[int, int] = {}
    for n in range(TRANSCRIPTS):
        text = transcript_text(1_000 + n, WORDS)
        build.document(n, text, name=f"Transcript {n + 1}", dyad=f"D{n % DYADS + 1:02d}", session=n // DYADS + 1,
                       perspective="client" if n % 2 else "therapist", kind="session")  # fmt: skip
        lengths[n] = len(text)
    codes = list(build.large_codebook(CODES).study.codes)
    build.coder("Bench")
    per_document = CODINGS // TRANSCRIPTS
    big_per_document = BIG_CODE_CODINGS // TRANSCRIPTS
    for n, length in lengths.items():
        spans = []
        for k in range(per_document):
            start = rng.randrange(0, length - 600)
            code = codes[0] if k < big_per_document else rng.choice(codes[1:])
            spans.append((n, code, start, start + rng.randint(20, 600)))
        build.codings("Bench", spans)
    project.close()
    partial.replace(path)


def measure(path: Path) -> dict[str, object]:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from app.services import codebook, study

    window = open_window(path)
    project = window.context.project
    documents = [d.id for d in study.list_documents(project)]
    codes = [c.id for c in codebook.list_codes(project)]
    editor = window.pane.view
    result: dict[str, object] = {}

    freezes: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}

    def step(name: str, action, until=None) -> None:
        freeze, cpu = freeze_and_gui_cpu_ms(action, until=until)
        freezes.setdefault(name, []).append(freeze)
        cpus.setdefault(name, []).append(cpu)

    for document_id in (documents[0], documents[1], documents[2]):
        step("open", lambda d=document_id: window.show_document(d))
    window.show_document(documents[0])
    text = editor.view.stored_text()

    search = window.hosted("search")
    if search is not None:
        search.query_edit.setText("trust AND safe")
        search.run_search()
        deadline = time.perf_counter() + 300
        while (search.result is None or search.busy) and time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.01)
        result["search_hits_shown"] = search.result.total if search.result else 0

    firsts = []
    excerpts = window.hosted("excerpts")
    for _ in range(SAMPLES):
        window.codebook.select_code(codes[1])
        wait_for_excerpts(excerpts)
        step("select", lambda: window.codebook.select_code(codes[0]), lambda: not excerpts_loading(excerpts))
        window.codebook.select_code(codes[1])
        wait_for_excerpts(excerpts)
        started = time.perf_counter()
        window.codebook.select_code(codes[0])
        wait_for_first_rows(excerpts)
        if excerpts is not None:
            excerpts.table.viewport().repaint()
        firsts.append(time.perf_counter() - started)
        wait_for_excerpts(excerpts)
    result["select_first_rows_painted_ms"] = round(sorted(firsts)[len(firsts) // 2] * 1000, 1)
    result["excerpts_listed"] = len(excerpts.model.excerpts()) if excerpts is not None else 0

    for n in range(SAMPLES):
        position = len(text) * (n + 2) // 10
        cursor = QTextCursor(editor.view.document())
        cursor.setPosition(editor.positions.to_qt(position))
        cursor.setPosition(editor.positions.to_qt(position + 60), QTextCursor.MoveMode.KeepAnchor)
        editor.view.setTextCursor(cursor)
        QApplication.processEvents()
        step("apply", lambda: window.codebook.codeActivated.emit(codes[0]))
        step("undo", window.actions.undo.trigger)
        step("redo", window.actions.redo.trigger)
    for n in range(SAMPLES):
        step("rename_code", lambda n=n: window.codebook.rename_code(codes[5], f"Renamed {n}"))
    for name in freezes:
        result[f"{name}_freeze_ms"] = max(freezes[name])  # the worst sample
        result[f"{name}_gui_cpu_ms"] = sorted(cpus[name])[len(cpus[name]) // 2]  # the median sample
    result["plain_setPlainText_freeze_ms"] = plain_reference_ms(text)
    result["plain_setPlainText_gui_cpu_ms"] = plain_reference_cpu_ms(text)
    result["transcript_characters"] = len(text)
    window.context.undo_stack.clear()
    window.context.set_project(None)
    window.close()
    return result


def main() -> int:
    app = bench_application()
    started = time.perf_counter()
    cache = cache_path()
    built = not cache.exists()
    if built:
        build_study(cache)
    setup = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.rapport"
        shutil.copyfile(cache, path)
        figures = measure(path)
    base = float(figures["plain_setPlainText_freeze_ms"]) or 1e-9
    cpu_base = float(figures["plain_setPlainText_gui_cpu_ms"]) or 1e-9
    report: dict[str, object] = {
        "words": TRANSCRIPTS * WORDS,
        "transcripts": TRANSCRIPTS,
        "codings": CODINGS,
        "codes": CODES,
        "study_built_s" if built else "study_reused_s": round(setup, 1),
        **figures,
    }
    for key in list(report):
        if key.endswith("_gui_cpu_ms") and not key.startswith("plain_"):
            report[key.replace("_ms", "_ratio_to_plain")] = round(float(report[key]) / cpu_base, 2)
        elif key.endswith("_ms") and not key.startswith("plain_"):
            report[key.replace("_ms", "_ratio_to_plain")] = round(float(report[key]) / base, 2)
    report["goal_freeze_ms"] = 100
    print(json.dumps(report, indent=2))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

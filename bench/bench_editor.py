"""Transcript editor benchmark: a 100,000-word transcript with 5,000 codings and a 1,000-code codebook.

Measures, offscreen, in one run:
  open_first_paint_ms   show_document + the first paint of the editor (text, highlights, stripes)
  apply_coding_ms       apply_code on a selection until the repaint shows it (service call, refresh, paint;
                        median of seven)
  scroll_page_ms        one page of scrolling and the repaint of text and stripes (median of 30 pages)
  codebook_load_ms      loading 1,000 codes (list_codes, and F1's CodeTreeModel when it exists)
  open_services_ms / apply_service_ms: the service calls inside the first two figures, timed alone
each with its ratio to a plain QPlainTextEdit.setPlainText of the same text (and first paint) measured in the
same run, plus a plain page scroll for reference. Prints JSON on stdout. Targets (issue 4): 150 / 30 / 16 / 100 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_editor
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = 100_000
CODINGS = 5_000
CODES = 1_000
VOCABULARY = [
    "I",
    "you",
    "we",
    "felt",
    "safe",
    "trust",
    "listen",
    "session",
    "week",
    "time",
    "hard",
    "sorry",
    "really",
    "think",
    "know",
    "maybe",
    "talk",
    "sister",
    "mother",
    "work",
    "sleep",
    "anxious",
    "clock",
    "heard",
    "better",
    "again",
    "feel",
    "like",
    "understand",
    "right",
    "said",
    "because",
    "just",
    "when",
    "about",
    "today",
    "last",
    "there",
    "something",
    "never",
    "always",
    "little",
    "more",
    "want",
    "need",
    "help",
]


def make_transcript(seed: int = 7) -> str:
    """A deterministic verbatim-looking transcript: alternating speakers, timestamps, some emoji, recall refs."""
    rng = random.Random(seed)
    lines, words, seconds, n = [], 0, 0, 0
    while words < WORDS:
        size = rng.randint(15, 110)
        body = [rng.choice(VOCABULARY) for _ in range(size)]
        if n % 7 == 3:
            body.insert(rng.randrange(size), "😀")
        if n % 11 == 5:
            body.insert(0, f"[video {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}]")
        speaker = "Therapist" if n % 2 == 0 else "Client"
        stamp = f"[{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}]"
        lines.append(f"{stamp} {speaker}: " + " ".join(body).capitalize() + ".")
        words += size + 2
        seconds += rng.randint(5, 40)
        n += 1
    return "\n".join(lines) + "\n"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def build_project(folder: Path):
    """The transcript, 1,000 coloured codes under 40 themes, 5,000 codings by one coder over the first 60."""
    from app.services.project import create_project
    from tests.study import StudyBuilder

    project = create_project(folder / "bench.rapport")
    text = make_transcript()
    palette = ["#2e86de", "#e74c3c", "#27ae60", "#8e44ad", "#f39c12", "#16a085", "#d35400", "#7f8c8d"]
    build = StudyBuilder(project).document("long", text, name="Long session", dyad="D01", session=1,
                                           perspective="client", kind="session")  # fmt: skip
    codes = list(build.large_codebook(CODES, colors=palette).study.codes)
    rng = random.Random(11)
    spans = []
    for _ in range(CODINGS):
        start = rng.randrange(0, len(text) - 600)
        spans.append(("long", rng.choice(codes[:60]), start, start + rng.randint(20, 600)))
    study = build.codings("Bench", spans).study
    return project, study.documents["long"], text, study.coders["Bench"], list(study.codes.values())


def measure_plain(text: str) -> dict[str, float]:
    from bench.event_loop_freeze import load_plain, shown_plain_editor

    plain = shown_plain_editor()
    started = time.perf_counter()
    load_plain(plain, text)
    set_text = time.perf_counter() - started
    scroll = _scroll_pages(plain, plain.viewport())
    plain.close()
    return {"plain_setPlainText_ms": _ms(set_text), "plain_scroll_page_ms": _ms(scroll)}


def _scroll_pages(view, *widgets, pages: int = 30) -> float:
    from PySide6.QtWidgets import QApplication

    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    QApplication.processEvents()
    times = []
    for _ in range(pages):
        started = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        for widget in widgets:
            widget.repaint()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_services(project, doc_id: int, text: str, coder: int, codes) -> dict[str, float]:
    """The service calls behind opening a document and applying a coding, timed alone, so the report shows
    how much of each figure is the editor's own work and how much is the database."""
    from app.services import codebook, coding, memos, study

    started = time.perf_counter()
    study.get_document(project, doc_id)
    coding.codings_for_document(project, doc_id)
    codebook.list_codes(project)
    coding.list_coders(project)
    memos.coding_memo_texts(project, doc_id)
    opened = time.perf_counter() - started
    position = len(text) // 3
    started = time.perf_counter()
    records = coding.add_codings(
        project, [coding.CodingSpec(doc_id, codes[1], position, position + 40)], coder
    )
    applied = time.perf_counter() - started
    coding.delete_codings(project, [r.id for r in records])
    return {"open_services_ms": _ms(opened), "apply_service_ms": _ms(applied)}


def measure_editor(project, doc_id: int, text: str, coder: int, codes) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from app.ui.context import AppContext
    from app.ui.views.transcript_editor import TranscriptEditor

    context = AppContext()
    editor = TranscriptEditor(context)  # as in the application: the editor exists before a project opens
    editor.resize(1000, 800)
    context.set_project(project)
    context.set_active_coder(coder)
    editor.show()
    QApplication.processEvents()
    started = time.perf_counter()
    editor.show_document(doc_id)
    editor.repaint()
    opened = time.perf_counter() - started

    samples = []
    for n in range(7):  # the median of seven codings in different places: one fsync can take 50 ms
        position = len(text) * (n + 2) // 10
        editor.select_range(position, position + 60)
        QApplication.processEvents()
        started = time.perf_counter()
        editor.apply_code(codes[n])
        editor.view.viewport().repaint()
        editor.stripes.repaint()
        samples.append(time.perf_counter() - started)
    applied = statistics.median(samples)

    scroll = _scroll_pages(editor.view, editor.view.viewport(), editor.stripes)
    result = {
        "open_first_paint_ms": _ms(opened),
        "apply_coding_ms": _ms(applied),
        "scroll_page_ms": _ms(scroll),
        "codings_shown": len(editor.index),
        "stripe_columns": editor.index.column_count,
    }
    editor.close()
    context.undo_stack.clear()
    return result


def measure_codebook(project) -> dict[str, object]:
    from app.services import codebook

    started = time.perf_counter()
    listed = codebook.list_codes(project)
    listing = time.perf_counter() - started
    result: dict[str, object] = {"codebook_codes": len(listed), "codebook_list_codes_ms": _ms(listing)}
    try:
        from app.ui.models.code_tree import CodeTreeModel
    except ImportError:
        result["codebook_load_ms"] = _ms(listing)
        result["codebook_measured"] = "list_codes (CodeTreeModel not available)"
        return result
    from app.ui.context import AppContext

    context = AppContext()
    context.set_project(project)
    started = time.perf_counter()
    model = CodeTreeModel(context)
    model.rowCount()
    result["codebook_load_ms"] = _ms(time.perf_counter() - started)
    result["codebook_measured"] = "CodeTreeModel(context)"
    context.project = None  # the project is closed by main(), not by this throwaway context
    return result


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project, doc_id, text, coder, codes = build_project(Path(folder))
        setup = time.perf_counter() - started
        plain = measure_plain(text)
        services = measure_services(project, doc_id, text, coder, codes)
        editor = measure_editor(project, doc_id, text, coder, codes)
        book = measure_codebook(project)
        project.close()
    base = plain["plain_setPlainText_ms"] or 1e-9
    report: dict[str, object] = {
        "words": WORDS,
        "characters": len(text),
        "codings": CODINGS,
        "setup_s": round(setup, 1),
        **plain,
        **editor,
        **services,
        **book,
    }
    for key in ("open_first_paint_ms", "apply_coding_ms", "scroll_page_ms", "codebook_load_ms"):
        report[key.replace("_ms", "_ratio_to_setPlainText")] = round(float(report[key]) / base, 3)
    report["targets_ms"] = {
        "open_first_paint": 150,
        "apply_coding": 30,
        "scroll_page": 16,
        "codebook_load": 100,
    }
    print(json.dumps(report, indent=2))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

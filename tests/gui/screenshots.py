"""Screenshots of every view on the demo study, to look at what a researcher sees (not a test).

    QT_QPA_PLATFORM=offscreen python -m tests.gui.screenshots [OUT]   # default: screenshots/ (git-ignored)

Each view is saved at 1280x800 and 1920x1080 as OUT/<size>/<view>.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

SIZES = ((1920, 1080), (1280, 800))


def main(out: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="rapport-shots-"))
    for key in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[key] = str(home / key.lower())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("RapportShots")
    app.setApplicationName("RapportShots")
    from app.paths import resources_dir
    from app.services.demo import build_demo
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    app.setStyleSheet((resources_dir() / "style.qss").read_text(encoding="utf-8"))
    path = home / "demo.rapport"
    build_demo(path).close()

    def settle() -> None:
        for _ in range(30):
            app.processEvents()

    def save(widget, size: tuple[int, int], name: str) -> None:
        folder = out / f"{size[0]}x{size[1]}"
        folder.mkdir(parents=True, exist_ok=True)
        settle()
        widget.grab().save(str(folder / f"{name}.png"))

    from PySide6.QtCore import QSettings

    from app.services import study

    for size in SIZES:
        QSettings().clear()  # each size starts from the default layout, as on a first start
        context = AppContext()
        window = MainWindow(context)
        window.ask_coder = lambda names, current: names[0]
        window.resize(*size)
        window.show()
        window.open_path(path)
        documents = [d.id for d in study.list_documents(context.project)]
        save(window, size, "01-main-empty")
        window.show_document(documents[0])
        save(window, size, "02-main-document")
        excerpts = window.hosted("excerpts")
        code = next(c for c in window.codebook.model.codes() if c.name == "Trust")
        if excerpts is not None:
            excerpts.show_code(code.id)
            for _ in range(500):  # the excerpts are read on a worker thread
                settle()
                if not excerpts.loading:
                    break
                time.sleep(0.01)
        save(window, size, "03-main-excerpts")
        search = window.hosted("search")
        if search is not None:
            window.docks["search"].raise_()
            search.query_edit.setText("trust*")
            search.run_search()
            for _ in range(200):
                settle()
                if not search.busy:
                    break
            save(window, size, "04-main-search")
            window.docks["excerpts"].raise_()
        context.set_blind(True)
        save(window, size, "05-main-blind")
        context.set_blind(False)
        editor = window.pane.view
        editor.edit_mode.enter()
        save(window, size, "06-main-edit-mode")
        editor.edit_mode.discard()
        for kind in ("compare", "timeline", "groups", "agreement"):
            tool = window.tool_windows.show(kind)
            if tool is None:
                continue
            tool.resize(*size)
            save(tool, size, f"10-{kind}")
            tabs = getattr(tool, "tabs", None)
            if kind == "compare" and tabs is not None:
                index = tool.matrix_model.index(0, 0)
                for row in range(tool.matrix_model.rowCount()):
                    candidate = tool.matrix_model.index(row, 0)
                    if tool.matrix_model.rowCount(candidate):
                        index = tool.matrix_model.index(0, 1, candidate)
                        break
                tool.show_cell(index)
                for tab in range(tabs.count()):
                    tabs.setCurrentIndex(tab)
                    save(tool, size, f"11-compare-tab{tab}-{tabs.tabText(tab).replace(' ', '-').lower()}")
            tool.hide()
        window.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screenshots"))

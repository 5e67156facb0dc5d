"""The import dialog: guesses shown per file, corrections honoured, turns previewed, bad files left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.services import study
from app.ui.context import AppContext
from app.ui.dialogs.import_dialog import (
    COL_DYAD,
    COL_FILE,
    COL_KIND,
    COL_PERSPECTIVE,
    COL_SESSION,
    COL_STATUS,
    COL_TURNS,
    ImportDialog,
)

RECALL = "R: What happened? [video 00:12:31]\nC: I felt judged.\n[00:01:10] R: And then?\nC: Relief.\n"


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    recall = tmp_path / "D07_s2_client_recall.txt"
    recall.write_text(RECALL, encoding="utf-8")
    session = tmp_path / "D07_s2_session.srt"
    session.write_text("1\n00:00:01,000 --> 00:00:02,000\nT: Hi\n", encoding="utf-8")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    return [recall, session, broken]


@pytest.fixture
def context(project):
    app_context = AppContext()
    app_context.set_project(project)
    yield app_context
    app_context.project = None  # the project fixture closes the project itself


def test_dialog_shows_guesses_preview_and_imports_corrections(qtbot, context, files, project) -> None:
    dialog = ImportDialog(context, files)
    qtbot.addWidget(dialog)
    dialog.run_in_background = False
    qtbot.waitUntil(lambda: dialog.all_checked)
    table = dialog.files
    assert table.rowCount() == 3
    assert table.cellWidget(0, COL_DYAD).text() == "D07"
    assert table.cellWidget(0, COL_SESSION).value() == 2
    assert table.cellWidget(0, COL_PERSPECTIVE).currentText() == "client"
    assert table.cellWidget(0, COL_KIND).currentText() == "recall"
    assert table.item(0, COL_TURNS).text() == "4"
    assert "R, C" in table.item(0, COL_STATUS).text()
    # the unreadable file is explained and left out
    assert "broken.docx" in table.item(2, COL_STATUS).text()
    assert table.item(2, COL_FILE).checkState() == Qt.CheckState.Unchecked

    # the first file is previewed: speaker, time, video reference, first words
    preview = dialog.preview
    assert preview.rowCount() == 4
    rows = [[preview.item(r, c).text() for c in range(4)] for r in range(4)]
    assert rows[0] == ["R", "", "00:12:31", "What happened? [video 00:12:31]"]  # the label is in its column
    assert rows[2][:3] == ["R", "00:01:10", "00:12:31"]
    table.setCurrentCell(2, COL_FILE)
    assert preview.rowCount() == 0 and "Cannot import" in dialog.preview_label.text()
    table.setCurrentCell(1, COL_FILE)
    assert preview.item(0, 0).text() == "T" and preview.item(0, 1).text() == "00:00:01"

    # correct the second file: another dyad, no session, the therapist's perspective
    table.cellWidget(1, COL_DYAD).setText("D08")
    table.cellWidget(1, COL_SESSION).setValue(0)
    table.cellWidget(1, COL_PERSPECTIVE).setCurrentText("therapist")
    with qtbot.waitSignal(dialog.imported) as signal:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    report = signal.args[0]
    # named like the study's documents; without a session the file's name, read with spaces
    assert [d.name for d in report.documents] == ["D07 S2 client recall", "D07 s2 session"]
    assert report.failures == []
    assert dialog.result() == ImportDialog.DialogCode.Accepted
    documents = {d.name: d for d in study.list_documents(project)}
    assert (documents["D07 s2 session"].dyad, documents["D07 s2 session"].session) == ("D08", None)
    assert documents["D07 s2 session"].perspective == "therapist"
    assert (documents["D07 S2 client recall"].dyad, documents["D07 S2 client recall"].session) == ("D07", 2)
    assert dialog.summary_box is not None and dialog.summary_box.text() == "Imported 2 documents."
    dialog.summary_box.close()

    # the import is one undoable action: undo removes both documents, redo brings them back with their ids
    ids = sorted(d.id for d in report.documents)
    assert context.undo_stack.undoText() == "Import 2 transcripts"
    context.undo_stack.undo()
    assert study.list_documents(project) == []
    context.undo_stack.redo()
    assert sorted(d.id for d in study.list_documents(project)) == ids


def test_unticking_every_file_imports_nothing(qtbot, context, files, project) -> None:
    dialog = ImportDialog(context, files[:1])
    qtbot.addWidget(dialog)
    dialog.run_in_background = False
    dialog.files.item(0, COL_FILE).setCheckState(Qt.CheckState.Unchecked)
    dialog.accept()
    assert dialog.report is None
    assert "Tick at least one file" in dialog.preview_label.text()
    assert study.list_documents(project) == []


def test_without_a_project_import_is_disabled(qtbot, files) -> None:
    dialog = ImportDialog(AppContext(), files[:1])
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()


def test_a_ticked_bad_file_is_named_in_the_summary(qtbot, context, files, project) -> None:
    dialog = ImportDialog(context, files)
    qtbot.addWidget(dialog)
    dialog.run_in_background = False
    qtbot.waitUntil(lambda: dialog.all_checked)
    dialog.files.item(2, COL_FILE).setCheckState(Qt.CheckState.Checked)  # insist on the broken file
    dialog.accept()
    assert [d.name for d in dialog.report.documents] == ["D07 S2 client recall", "D07 S2 session"]
    box = dialog.summary_box
    assert box is not None and "1 of 3 files failed" in box.text()
    assert "broken.docx" in box.detailedText()
    box.close()


def test_dropping_files_adds_them(qtbot, context, files, tmp_path) -> None:
    dialog = ImportDialog(context, files[:1])
    qtbot.addWidget(dialog)
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (files[0], files[1], picture)])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dropEvent(event)
    assert dialog.files.rowCount() == 2  # the listed file is not added twice, the picture is not a transcript
    assert dialog.files.item(1, COL_FILE).text() == "D07_s2_session.srt"
    assert dialog.files.cellWidget(1, COL_KIND).currentText() == "session"


def test_import_runs_in_the_background_with_progress(qtbot, context, files, project) -> None:
    dialog = ImportDialog(context, files[:2])
    qtbot.addWidget(dialog)
    dialog.show_summary = False
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as signal:
        dialog.accept()
        assert not dialog.files.isEnabled()  # busy while the worker runs
    assert [d.name for d in signal.args[0].documents] == ["D07 S2 client recall", "D07 S2 session"]
    assert len(study.list_documents(project)) == 2
    qtbot.waitUntil(lambda: dialog.task.done)

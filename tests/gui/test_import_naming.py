"""Import: documents named like the study's, the DOCX and SRT of one session told apart by format, a heading
that is not counted as a turn, and a preview that shows the words (not the label again) with an ellipsis."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from app.domain.document_names import distinct_names, follows_study_style, study_style_name
from app.services import study
from app.services.importing import DocumentMeta, import_text
from app.ui.context import AppContext
from app.ui.dialogs.import_dialog import COL_NAME, COL_TURNS, ImportDialog

LONG = " ".join(["I kept thinking about what she had said the week before, and it stayed with me"] * 4)


@pytest.fixture
def context(project):
    app_context = AppContext()
    app_context.set_project(project)
    yield app_context
    app_context.project = None


@pytest.fixture
def session_files(tmp_path: Path) -> list[Path]:
    word = docx.Document()
    word.add_heading("Dyad 07, session 2: verbatim transcript", level=1)
    word.add_paragraph("Therapist: How was your week?")
    word.add_paragraph(f"Client: {LONG}.")
    docx_path = tmp_path / "D07_s2_session.docx"
    word.save(str(docx_path))
    srt_path = tmp_path / "D07_s2_session.srt"
    srt_path.write_text("1\n00:00:01,000 --> 00:00:03,000\nTherapist: How was your week?\n", encoding="utf-8")
    return [docx_path, srt_path]


def open_dialog(qtbot, context, paths) -> ImportDialog:
    dialog = ImportDialog(context, paths)
    qtbot.addWidget(dialog)
    dialog.run_in_background = False
    dialog.show_summary = False
    qtbot.waitUntil(lambda: dialog.all_checked)
    return dialog


def test_two_files_of_one_session_are_named_by_format_in_the_study_style(
    qtbot, context, session_files
) -> None:
    dialog = open_dialog(qtbot, context, session_files)
    names = [dialog.files.cellWidget(r, COL_NAME).text() for r in range(2)]
    assert names == ["D07 S2 session (DOCX)", "D07 S2 session (SRT)"]
    dialog.naming.setCurrentIndex(1)  # after their files
    assert [dialog.files.cellWidget(r, COL_NAME).text() for r in range(2)] == [
        "D07_s2_session (DOCX)",
        "D07_s2_session (SRT)",
    ]
    dialog.naming.setCurrentIndex(0)
    dialog.files.cellWidget(1, COL_NAME).setText("D07 S2 subtitles")
    dialog.files.cellWidget(1, COL_NAME).textEdited.emit("D07 S2 subtitles")
    dialog.accept()
    assert sorted(d.name for d in study.list_documents(context.project)) == [
        "D07 S2 session (DOCX)",
        "D07 S2 subtitles",
    ]


def test_a_heading_is_not_counted_and_the_preview_shows_the_words_with_an_ellipsis(
    qtbot, context, session_files
) -> None:
    dialog = open_dialog(qtbot, context, session_files[:1])
    assert dialog.files.item(0, COL_TURNS).text() == "2"
    assert "2 turns, under a heading" in dialog.preview_label.text()
    preview = dialog.preview
    assert preview.item(0, 0).text() == "(heading)"
    assert preview.item(1, 3).text() == "How was your week?"
    client = preview.item(2, 3).text()
    assert not client.startswith("Client") and client.endswith("…") and len(client) <= 161
    assert LONG.startswith(client[:-1])
    assert preview.item(2, 3).toolTip().startswith(LONG[:200])


def test_a_project_named_by_files_keeps_file_names_by_default(qtbot, context, project, tmp_path) -> None:
    import_text(project, name="D01_s1_session", text="T: Hi\n", meta=DocumentMeta(dyad="D01", session=1))
    path = tmp_path / "D02_s1_client_recall.txt"
    path.write_text("R: Hi\nC: Hello\n", encoding="utf-8")
    dialog = open_dialog(qtbot, context, [path])
    assert dialog.files.cellWidget(0, COL_NAME).text() == "D02_s1_client_recall"


def test_names_in_the_study_style() -> None:
    assert study_style_name("x.docx", "D07", 2, "client", "recall") == "D07 S2 client recall"
    assert study_style_name("x.docx", "D07", 2, None, "session") == "D07 S2 session"
    assert study_style_name("D07_s2_notes.txt", None, None, "therapist", "note") == "D07 s2 notes"
    assert follows_study_style(["D01 S1 session", "D01 S1 client recall"])
    assert not follows_study_style(["D01_s1_session", "D01_s1_client_recall"])
    assert distinct_names(["A", "A", "B"], ["a.docx", "a.docx", "b.srt"]) == [
        "A (DOCX) – a",
        "A (DOCX) – a",
        "B",
    ]

"""File ▸ Export and File ▸ Import from other tools, driven through the real main window on a real project.

The file and title questions are the module's `ask_*` functions, replaced here by plain functions; the work
runs on the real background task, which the tests wait for.
"""

from __future__ import annotations

import csv
import zipfile

import docx
import pytest
from lxml import etree
from PySide6.QtCore import QSettings

from app.services import backups, codebook, coding
from app.services import study as study_service
from app.services.project import info, open_project
from app.ui import exchange_actions
from app.ui.dialogs import crash_dialog
from app.ui.main_window import MainWindow
from tests.shared_samples import SAMPLES, require_shared

TAGUETTE = SAMPLES / "taguette-1.4.1_codebook.qdc"


@pytest.fixture
def window(qtbot, qapp, context):
    qapp.setOrganizationName("Rapport")
    qapp.setApplicationName("Rapport")
    QSettings().clear()
    win = MainWindow(context)
    qtbot.addWidget(win)
    yield win
    win.tool_windows.close_all()


@pytest.fixture
def answers(monkeypatch):
    """What the file and title questions answer; records what they were asked."""
    state = {"save": None, "open": None, "title": "Our codebook", "asked": []}

    def ask_save_path(parent, caption, suggested, file_filter):
        state["asked"].append(("save", suggested.name, file_filter))
        return state["save"]

    def ask_open_path(parent, caption, folder, file_filter):
        state["asked"].append(("open", folder, file_filter))
        return state["open"]

    def ask_title(parent, default):
        state["asked"].append(("title", default))
        return state["title"]

    monkeypatch.setattr(exchange_actions, "ask_save_path", ask_save_path)
    monkeypatch.setattr(exchange_actions, "ask_open_path", ask_open_path)
    monkeypatch.setattr(exchange_actions, "ask_title", ask_title)
    return state


def run(qtbot, task):
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    return task


def test_menus_offer_every_format_and_enable_imports_only_when_writable(
    window, context, project_path
) -> None:
    exchange = window.actions.exchange
    export_texts = [a.text() for a in exchange.export_menu.actions() if not a.isSeparator()]
    assert len(export_texts) == 6 and any(".qdpx" in t for t in export_texts)
    assert [a.text() for a in exchange.import_menu.actions()] == [f.text for f in exchange_actions.IMPORTS]
    assert all(a.isEnabled() for a in [*exchange.exports.values(), *exchange.imports.values()])

    context.set_project(open_project(project_path, read_only=True))
    assert all(a.isEnabled() for a in exchange.exports.values())
    assert not any(a.isEnabled() for a in exchange.imports.values())
    context.set_project(None)
    assert not any(a.isEnabled() for a in exchange.exports.values())


@pytest.mark.parametrize(
    "key",
    ["codebook_qdc", "codebook_docx", "codebook_csv", "project_qdpx", "excerpts_docx", "codings_csv"],
)
def test_each_export_writes_a_file_that_reopens(window, answers, tmp_path, qtbot, key, study) -> None:
    answers["save"] = tmp_path / "out"  # typed without an ending: the format's is added
    task = run(qtbot, window.actions.exchange.export(key))
    assert task.error is None
    fmt = next(f for f in exchange_actions.EXPORTS if f.key == key)
    written = tmp_path / f"out{fmt.suffix}"
    assert task.result == written and written.is_file()
    assert answers["asked"][0] == (
        "save",
        f"{study.project.name}{fmt.name_suffix}{fmt.suffix}",
        fmt.file_filter,
    )
    assert str(written) in window.status.currentMessage()

    if key == "codebook_qdc":
        names = etree.fromstring(written.read_bytes()).xpath("//*[local-name()='Code']/@name")
        assert {"Alliance", "Trust", "Safety", "Rupture", "Repair"} <= set(names)
    elif key == "project_qdpx":
        with zipfile.ZipFile(written) as archive:
            root = etree.fromstring(archive.read("project.qde"))
        assert len(root.xpath("//*[local-name()='TextSource']")) == 4
        assert len(root.xpath("//*[local-name()='Coding']")) == 5
    elif key.endswith("docx"):
        document = docx.Document(str(written))
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.core_properties.title == "Our codebook"
        assert "Trust takes time" in text  # an anchor excerpt / a coded excerpt
        prefix = "Codebook" if key == "codebook_docx" else "Coded excerpts"
        assert answers["asked"][1] == ("title", f"{prefix}: {study.project.name}")
    else:
        with written.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if key == "codebook_csv":
            assert [r["name"] for r in rows][:3] == ["Alliance", "Trust", "Safety"]
        else:
            assert len(rows) == 5
            assert sum("Trust takes time" in " ".join(r.values()) for r in rows) == 3


def test_cancelling_the_file_question_does_nothing_and_the_project_file_is_refused(
    window, answers, qtbot, project_path
) -> None:
    assert window.actions.exchange.export("codebook_csv") is None
    answers["save"] = project_path  # the project file itself: the export gets its own ending beside it
    task = run(qtbot, window.actions.exchange.export("project_qdpx"))
    assert task.error is None and task.result.suffix == ".qdpx"  # the ending is added, the project is safe
    before = project_path.read_bytes()[:100]
    task = run(qtbot, window.actions.exchange.export("codebook_csv", project_path.with_suffix(".csv")))
    assert project_path.read_bytes()[:100] == before


def test_importing_the_taguette_codebook_adds_its_three_codes(window, answers, context, qtbot) -> None:
    require_shared(TAGUETTE)
    before = {c.name for c in codebook.list_codes(context.project)}
    answers["open"] = TAGUETTE
    with qtbot.waitSignal(context.changed, timeout=20000):
        task = run(qtbot, window.actions.exchange.import_("codebook_qdc"))
    assert task.error is None
    after = {c.name for c in codebook.list_codes(context.project)}
    assert after - before == {"xsd:element name", "CodeBook", "Variables"}
    box = window.actions.exchange.summary_box
    assert box is not None and box.isVisible()  # shown with open(): the event loop keeps running
    assert "3 codes added, 0 updated, 0 left alone" in box.text()
    assert "3 codes added" in window.status.currentMessage()
    assert "cannot be undone" in box.informativeText()
    assert [b.reason for b in backups.list_backups(context.project)].count("import") == 1
    # the codebook panel shows them without being asked
    qtbot.waitUntil(lambda: window.codebook.model.rowCount() == 6)  # 3 top-level codes before, 3 added
    box.close()


def test_codebook_csv_round_trip_reports_the_edited_code_as_updated(window, answers, tmp_path, qtbot) -> None:
    path = tmp_path / "codebook.csv"
    run(qtbot, window.actions.exchange.export("codebook_csv", path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[1]["definition"] = "Confidence that the therapist means well"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    task = run(qtbot, window.actions.exchange.import_("codebook_csv", path))
    assert task.error is None
    assert task.result[0].updated == ["Alliance/Trust"] and not task.result[0].added
    trust = next(c for c in codebook.list_codes(window.context.project) if c.name == "Trust")
    assert trust.definition == "Confidence that the therapist means well"
    window.actions.exchange.summary_box.close()


def test_a_hostile_archive_is_refused_plainly_and_the_project_is_unchanged(
    window, answers, tmp_path, qtbot, context
) -> None:
    hostile = tmp_path / "hostile.qdpx"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("project.qde", "<Project/>")
        archive.writestr("../outside.txt", "escaped")
    before = info(context.project)
    codings_before = len(coding.list_codings(context.project))
    answers["open"] = hostile
    task = run(qtbot, window.actions.exchange.import_("project_qdpx"))
    assert task.error is not None and "hostile.qdpx" in str(task.error)
    shown = [d for d in crash_dialog.open_dialogs if hasattr(d, "text")]
    assert shown and shown[-1].text() == str(task.error)
    assert info(context.project) == before
    assert len(coding.list_codings(context.project)) == codings_before
    assert window.actions.exchange.summary_box is None
    assert not (tmp_path.parent / "outside.txt").exists()
    for dialog in list(crash_dialog.open_dialogs):
        dialog.close()


def test_blind_coding_exports_only_the_active_coders_codings(window, context, tmp_path, qtbot, study) -> None:
    context.set_blind(True, remember=False)
    path = tmp_path / "mine.csv"
    task = run(qtbot, window.actions.exchange.export("codings_csv", path))
    assert task.error is None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and {r["coder"] for r in rows} == {"Anna"}
    context.set_active_coder(None)  # blind, and nobody chosen yet: nothing is exported, and it says why
    assert window.actions.exchange.export("codings_csv", tmp_path / "nobody.csv") is None
    assert not (tmp_path / "nobody.csv").exists()
    shown = [d for d in crash_dialog.open_dialogs if hasattr(d, "text")]
    assert shown and "no coder is chosen" in shown[-1].text()
    for dialog in list(crash_dialog.open_dialogs):
        dialog.close()


def test_a_project_round_trip_adds_the_documents_again_and_says_so(window, context, tmp_path, qtbot) -> None:
    path = tmp_path / "whole.qdpx"
    assert run(qtbot, window.actions.exchange.export("project_qdpx", path)).error is None
    not_carried = window.actions.exchange.not_carried
    assert not_carried["speaker turns"] > 0
    assert "Only Rapport reads back " in window.status.currentMessage()
    task = run(qtbot, window.actions.exchange.import_("project_qdpx", path))
    assert task.error is None
    assert len(study_service.list_documents(context.project)) == 8  # imports never overwrite
    assert len(coding.list_codings(context.project)) == 10
    box = window.actions.exchange.summary_box
    assert box.text().startswith("whole.qdpx: Imported from Rapport")
    assert ": 4 documents, 0 new codes (5 merged with existing ones), 5 codings, 0 new coders" in box.text()
    assert "things skipped or changed (see the details)" in box.text()
    details = box.detailedText().splitlines()
    assert "Changed (4): documents renamed (a document of that name was already in the project)" in details
    assert "Changed (5): codings given a new GUID (one with theirs was already in the project)" in details
    qtbot.waitUntil(lambda: "8 documents" in window.status.counts_label.text())  # views heard the Change
    box.close()


def test_a_read_only_project_refuses_an_import(window, context, project_path, qtbot, tmp_path) -> None:
    context.set_project(open_project(project_path, read_only=True))
    task = run(qtbot, window.actions.exchange.import_("codebook_qdc", tmp_path / "any.qdc"))
    assert "read-only" in str(task.error)
    for dialog in list(crash_dialog.open_dialogs):
        dialog.close()


def test_importing_a_participant_sheet_adds_people_dyads_and_typed_attributes(
    window, answers, context, qtbot, tmp_path
) -> None:
    sheet = tmp_path / "participants.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "role", "dyad", "age", "gender", "dyad:outcome"])
        writer.writerow(["P90", "client", "D90", "34", "f", "positive"])
        writer.writerow(["T90", "therapist", "D90", "51", "m", "positive"])
    answers["open"] = sheet
    task = run(qtbot, window.actions.exchange.import_("participants_csv"))
    assert task.error is None
    people = {p.name: p for p in study_service.list_participants(context.project)}
    assert {"P90", "T90"} <= set(people)
    assert people["P90"].attributes["age"] == "34"
    assert study_service.attribute_types(context.project)["age"] == "integer"  # typed, not text
    box = window.actions.exchange.summary_box
    assert "2 participants and 1 dyad created or updated" in box.text()
    box.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,colour\nP1,red\n", encoding="utf-8")
    answers["open"] = bad
    failed = run(qtbot, window.actions.exchange.import_("participants_csv"))
    assert failed.error is not None and "needs columns 'id' and 'role'" in str(failed.error)
    shown = [d for d in crash_dialog.open_dialogs if hasattr(d, "text")]
    assert shown and "needs columns 'id' and 'role'" in shown[-1].text()  # said to the researcher
    for dialog in list(crash_dialog.open_dialogs):
        dialog.close()

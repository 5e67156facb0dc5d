"""The excerpts view lists every coding of a code across dyads and perspectives, filters, copies, exports and jumps."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from app.services import anchors, codebook, coding
from app.ui.context import AppContext
from app.ui.models.excerpts_model import ExcerptFilter, ExcerptsModel, load_excerpts
from app.ui.views.excerpts_view import ExcerptsView
from tests.study import Study, StudyBuilder, span_of
from tests.study_templates import template

CLIENT = "Client: I felt 😀 safe with her from the start.\nTherapist: Good to hear.\n"
THERAPIST = "Researcher: What happened here?\nTherapist: I sensed she trusted me 🙂 early on.\n"
OTHER = "Client: I was not sure I could trust anyone.\n"


def show(qtbot, view: ExcerptsView, code_id: int | None) -> None:
    """Choose the code shown and wait for its excerpts: they are read on a worker thread."""
    with qtbot.waitSignal(view.loaded):
        view.show_code(code_id)


@template
def excerpts_study(project) -> Study:
    """Three recalls of two dyads, Trust > Early trust, Anna's and Ben's codings (some after emoji)."""
    return (
        StudyBuilder(project)
        .document("client", CLIENT, name="D01 s1 client recall", dyad="D01", session=1, perspective="client",
                  kind="recall")
        .document("therapist", THERAPIST, name="D01 s1 therapist recall", dyad="D01", session=1,
                  perspective="therapist", kind="recall")
        .document("other", OTHER, name="D02 s2 client recall", dyad="D02", session=2, perspective="client",
                  kind="recall")
        .code("trust", "Trust", color="#2e86de")
        .code("early", "Early trust", parent="trust", color="#5dade2")
        .coder("Anna")
        .coder("Ben")
        .codings("Anna", [("client", "trust", *span_of(CLIENT, "I felt 😀 safe with her")),
                          ("other", "trust", *span_of(OTHER, "not sure I could trust"))])
        .codings("Ben", [("therapist", "early", *span_of(THERAPIST, "she trusted me 🙂 early")),
                         ("client", "trust", *span_of(CLIENT, "safe with her"))])
        .study
    )  # fmt: skip


@pytest.fixture
def study(project, qtbot):
    built = excerpts_study(project)
    context = AppContext()
    context.set_project(project)
    view = ExcerptsView(context)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    yield SimpleNamespace(
        view=view,
        context=context,
        trust=built.codes["trust"],
        early=built.codes["early"],
        client=built.documents["client"],
        therapist=built.documents["therapist"],
        other=built.documents["other"],
    )
    context.undo_stack.clear()


def test_model_passes_the_model_tester(study, qtmodeltester) -> None:
    model = ExcerptsModel()
    model.set_excerpts(load_excerpts(study.context.project, study.trust, include_subcodes=True))
    qtmodeltester.check(model)


def test_rows_handed_over_in_study_order_are_kept_as_the_sorted_ones(study, qtmodeltester, qtbot) -> None:
    rows = load_excerpts(study.context.project, study.trust, include_subcodes=True)
    assert [r.sort_key() for r in rows] == sorted(r.sort_key() for r in rows)  # the service sorts them
    study.view.subcodes_box.setChecked(True)
    show(qtbot, study.view, study.trust)
    assert study.view.model.all_excerpts() == rows  # the view does not sort them a second time
    qtmodeltester.check(study.view.model)
    unsorted = ExcerptsModel()
    unsorted.set_excerpts(list(reversed(rows)))
    assert unsorted.all_excerpts() == rows


def test_lists_every_excerpt_with_its_study_facts(study, qtbot) -> None:
    show(qtbot, study.view, study.trust)
    rows = study.view.model.excerpts()
    assert [(r.document, r.coder, r.text) for r in rows] == [
        ("D01 s1 client recall", "Anna", "I felt 😀 safe with her"),
        ("D01 s1 client recall", "Ben", "safe with her"),
        ("D02 s2 client recall", "Anna", "not sure I could trust"),
    ]
    first = rows[0]
    assert (first.dyad, first.session, first.perspective) == ("D01", 1, "client")
    assert first.after.startswith(" from the start")
    assert "3 excerpts in 2 documents" in study.view.heading.text()


def test_sub_codes_are_included_on_request(study, qtbot) -> None:
    show(qtbot, study.view, study.trust)
    with qtbot.waitSignal(study.view.loaded):
        study.view.subcodes_box.setChecked(True)
    perspectives = {r.perspective for r in study.view.model.excerpts()}
    assert perspectives == {"client", "therapist"}
    assert len(study.view.model.excerpts()) == 4


def test_filters_narrow_by_dyad_perspective_and_coder(study, qtbot) -> None:
    study.view.subcodes_box.setChecked(True)
    show(qtbot, study.view, study.trust)
    study.view.set_filter(dyad="D01")
    assert {r.dyad for r in study.view.model.excerpts()} == {"D01"}
    study.view.set_filter(perspective="therapist")
    assert [r.text for r in study.view.model.excerpts()] == ["she trusted me 🙂 early"]
    study.view.set_filter(dyad=None, perspective=None, coder="Anna")
    assert {r.coder for r in study.view.model.excerpts()} == {"Anna"}
    assert study.view.proxy.rowCount() == 2
    study.view.set_filter(coder=None, session=2)
    assert [r.document for r in study.view.model.excerpts()] == ["D02 s2 client recall"]


def test_double_click_asks_for_the_excerpt_in_its_document(study, qtbot) -> None:
    show(qtbot, study.view, study.trust)
    study.view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # "I felt…", "not sure…", "safe with her"
    with qtbot.waitSignal(study.context.documentRequested) as signal:
        index = study.view.proxy.index(1, 0)
        rect = study.view.table.visualRect(index)
        qtbot.mouseClick(study.view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(study.view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [study.other, *span_of(OTHER, "not sure I could trust")]


def test_copy_as_text_and_export_csv(study, tmp_path, qtbot) -> None:
    show(qtbot, study.view, study.trust)
    study.view.set_filter(coder="Ben")
    copied = study.view.copy_to_clipboard()
    assert copied == QApplication.clipboard().text()
    assert "“safe with her”" in copied and "coded Trust by Ben" in copied and "Anna" not in copied
    study.view.set_filter(coder=None)
    target = tmp_path / "excerpts.csv"
    study.view.ask_save_path = lambda: str(target)
    study.view.export_with_dialog()
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"] for r in rows] == ["I felt 😀 safe with her", "safe with her", "not sure I could trust"]
    assert rows[0]["start"] == str(CLIENT.index("I felt")) and rows[0]["perspective"] == "client"


def test_new_codings_appear_and_a_deleted_code_clears_the_view(study, qtbot) -> None:
    show(qtbot, study.view, study.trust)
    anna = coding.ensure_coder(study.context.project, "Anna")
    coding.add_codings(study.context.project, [coding.CodingSpec(study.other, study.trust, 0, 6)], anna)
    assert len(study.view.model.excerpts()) == 4
    codebook.delete_code(study.context.project, study.trust)
    assert study.view.code_id is None and study.view.model.rowCount() == 0


def test_an_excerpt_is_chosen_as_anchor_with_a_star_and_undo(study, qtbot) -> None:
    view = study.view
    show(qtbot, view, study.trust)
    view.table.selectRow(0)
    [excerpt] = view.selected_excerpts()
    with qtbot.waitSignal(view.loaded):  # the anchors are read again with the rows
        view.anchor_action.trigger()
    assert anchors.anchor_ids(study.context.project) == {excerpt.coding_id}
    starred = [view.model.index(r, 0).data() for r in range(view.model.rowCount()) if view.model.is_anchor(r)]
    assert len(starred) == 1 and starred[0].startswith("★ ")
    assert study.context.undo_stack.undoText() == "Choose anchor excerpt"
    with qtbot.waitSignal(view.loaded):
        study.context.undo_stack.undo()
    assert anchors.anchor_ids(study.context.project) == set()
    assert not any(view.model.is_anchor(r) for r in range(view.model.rowCount()))


def test_a_narrow_panel_keeps_the_excerpt_readable_and_the_list_taller_than_the_preview(study, qtbot) -> None:
    view = study.view
    show(qtbot, view, study.trust)
    header = view.table.horizontalHeader()
    view.resize(1500, 320)
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in range(header.count())))
    view.resize(560, 320)
    qtbot.waitUntil(lambda: header.isSectionHidden(2))  # the dyad column gives way first
    assert view.table.height() > view.context_pane.height()
    view.resize(1500, 320)
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in range(header.count())))


def settle_workers(qtbot) -> None:
    """Let every worker thread finish and its result reach the GUI thread (stale ones included)."""
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(0)
    QApplication.processEvents()


def test_excerpts_are_read_off_the_gui_thread(study, qtbot, qtmodeltester) -> None:
    view = study.view
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.trust)
        assert view.loading and view.model.rowCount() == 0  # show_code returned before the rows were read
        assert "Loading" in view.heading.text()
    assert view.model.rowCount() == 3 and not view.loading
    qtmodeltester.check(view.model)


def test_choosing_another_code_while_one_loads_drops_the_stale_rows(study, qtbot) -> None:
    view = study.view
    view.show_code(study.trust)  # still loading when the next code is chosen
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.early)
    settle_workers(qtbot)  # the first load's result arrives too, late: it must not replace the rows
    assert [r.text for r in view.model.excerpts()] == ["she trusted me 🙂 early"]
    assert "Early trust" in view.heading.text()


def test_a_coding_made_while_the_excerpts_load_is_listed(study, qtbot) -> None:
    view = study.view
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.trust)
        anna = coding.ensure_coder(study.context.project, "Anna")
        coding.add_codings(study.context.project, [coding.CodingSpec(study.other, study.trust, 0, 6)], anna)
    settle_workers(qtbot)
    assert len(view.model.excerpts()) == 4 and "Client" in [r.text for r in view.model.excerpts()]


def test_the_view_shows_the_first_rows_of_a_long_list_and_the_rest_as_it_scrolls(study, qtbot) -> None:
    anna = coding.ensure_coder(study.context.project, "Anna")
    specs = [coding.CodingSpec(study.client, study.trust, i % 40, i % 40 + 5 + i // 40) for i in range(600)]
    coding.add_codings(study.context.project, specs, anna)
    show(qtbot, study.view, study.trust)
    model = study.view.model
    assert len(model.excerpts()) == 603 and model.rowCount() < 603 and model.canFetchMore()
    study.view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 200)


def test_the_first_rows_are_read_alone_and_the_list_completed_without_a_reset(study, qtbot) -> None:
    from PySide6.QtTest import QSignalSpy

    from app.services.excerpts import code_excerpts

    project = study.context.project
    whole = code_excerpts(project, study.trust, include_subcodes=True)
    head = code_excerpts(project, study.trust, include_subcodes=True, first=2)
    assert whole.complete and not head.complete
    assert head.rows == whole.rows[:2] and len(whole.rows) == 4  # study order: the beginning of the list
    model = ExcerptsModel()
    model.set_excerpts(head.rows, in_study_order=True)
    resets, inserted = QSignalSpy(model.modelReset), QSignalSpy(model.rowsInserted)
    model.complete(whole.rows)
    assert resets.count() == 0 and inserted.count() == 1 and model.rowCount() == 4
    assert model.excerpts() == whole.rows
    model.set_filter(ExcerptFilter(coder="Ben"))
    model.set_excerpts(head.rows[:1], in_study_order=True)  # not a beginning of Ben's rows: a reset
    model.complete(whole.rows)
    assert [r.coder for r in model.excerpts()] == ["Ben", "Ben"]


def test_a_long_list_shows_its_first_rows_before_the_rest_is_read(study, qtbot) -> None:
    anna = coding.ensure_coder(study.context.project, "Anna")
    specs = [coding.CodingSpec(study.client, study.trust, i % 40, i % 40 + 5 + i // 40) for i in range(600)]
    coding.add_codings(study.context.project, specs, anna)
    view = study.view
    with qtbot.waitSignal(view.model.modelReset, check_params_cb=lambda *a: view.model.rowCount() > 0):
        view.show_code(study.trust)
    assert len(view.model.excerpts()) < 603 and view.loading  # the first rows, while the rest is read
    with qtbot.waitSignal(view.loaded):
        pass
    assert len(view.model.excerpts()) == 603 and "603 excerpts" in view.heading.text()

"""The search panel: query, filters, highlighted hits, double-click to open, code all hits with undo, rebuild."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services import codebook, coding
from app.services.importing import DocumentMeta, import_text
from app.ui.models.search_hits import SNIPPET_COLUMN, SNIPPET_HTML_ROLE, SearchHitsModel
from app.ui.views.search_panel import CODED_WITH, NOT_CODED_WITH, CodeAllHitsDialog, SearchPanel
from tests.study_presets import SMALL_SESSION


@pytest.fixture
def panel(context, qtbot):
    widget = SearchPanel(context)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def search_for(panel: SearchPanel, qtbot, text: str) -> None:
    """Type a query and press Return; wait while the index catches up in the background (first search)."""
    panel.query_edit.setText(text)
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not panel.busy, timeout=20_000)


def test_model_passes_the_model_tester(panel, qtbot, qtmodeltester) -> None:
    search_for(panel, qtbot, "trust OR safe")
    model = SearchHitsModel()
    model.set_hits(panel.result.hits)
    qtmodeltester.check(model)


def test_search_lists_hits_with_highlighted_snippets(panel, qtbot, study) -> None:
    search_for(panel, qtbot, "trust")
    assert panel.status.text() == "2 hits"
    model = panel.model
    assert model.rowCount() == 2
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(2)]
    assert rows == [["D01 session 1", "Client", "therapist"], ["D01 session 2", "Client", "therapist"]]
    html = model.index(0, SNIPPET_COLUMN).data(SNIPPET_HTML_ROLE)
    assert '<b style="background-color:#ffe08a">Trust</b>' in html
    assert panel.code_all_button.isEnabled()


def test_filters_narrow_the_hits(panel, qtbot, study) -> None:
    panel.set_filters(session=2)
    search_for(panel, qtbot, "trust OR safe")
    assert {h.document_id for h in panel.result.hits} == {study.documents["d01_s2"]}
    panel.set_filters(perspective="interpreter")
    search_for(panel, qtbot, "listen")
    assert [h.speaker for h in panel.result.hits] == ["Therapist", "Interpreter"]
    panel.set_filters(kind="recall")
    search_for(panel, qtbot, "mattered")
    assert panel.result.total == 1
    panel.set_filters(coded=CODED_WITH, code_id=study.codes["alliance"])  # Trust is below Alliance
    search_for(panel, qtbot, "trust OR safe")
    assert {h.document_id for h in panel.result.hits} == {
        study.documents["d01_s1"],
        study.documents["d01_s2"],
    }
    panel.set_filters(coded=NOT_CODED_WITH, code_id=study.codes["safety"])
    search_for(panel, qtbot, "safe")
    assert panel.result.total == 1 and panel.result.hits[0].document_id == study.documents["d01_s2"]


def test_malformed_query_shows_a_message(panel, qtbot) -> None:
    search_for(panel, qtbot, '"trust takes')
    assert "unclosed quote" in panel.status.text()
    assert panel.model.rowCount() == 0 and not panel.code_all_button.isEnabled()


def test_double_click_opens_the_document_at_the_match(panel, qtbot, study) -> None:
    search_for(panel, qtbot, '"takes time"')
    table = panel.table
    rect = table.visualRect(panel.model.index(0, 0))
    with qtbot.waitSignal(panel.context.documentRequested) as signal:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    document_id, start, end = signal.args
    assert document_id == study.documents["d01_s1"] and SMALL_SESSION[start:end] == "takes time"


def test_double_click_hands_on_every_match_in_the_document(panel, qtbot, study) -> None:
    search_for(panel, qtbot, "safe OR takes OR glad")
    rows = [panel.model.hit(r) for r in range(panel.model.rowCount())]
    row = next(r for r, hit in enumerate(rows) if SMALL_SESSION[hit.start : hit.end].startswith("[00:00:40]"))
    with qtbot.waitSignal(panel.context.matchesRequested) as signal:
        panel.open_hit(panel.model.index(row, 0))
    document_id, matches, current = signal.args
    assert document_id == study.documents["d01_s1"]
    assert [SMALL_SESSION[s:e] for s, e in matches] == ["safe", "glad", "takes"]
    assert (
        SMALL_SESSION[slice(*matches[current])] == "glad"
    )  # the double-clicked hit's match is the current one


def test_results_follow_an_import(panel, qtbot, context) -> None:
    search_for(panel, qtbot, "rupture")
    assert panel.result.total == 0
    shown = panel.result
    import_text(context.project, name="new", text="Client: a rupture 😀 rupture.\n", meta=DocumentMeta())
    # Not searched again on the GUI thread: the hits are marked out of date, with a link to refresh them.
    assert panel.result is shown and panel.out_of_date and "Refresh" in panel.status.text()
    panel.status.linkActivated.emit("refresh")
    assert panel.result.total == 1 and not panel.busy and not panel.out_of_date
    assert len(panel.result.hits[0].matches) == 2


def test_a_hidden_panel_searches_again_in_the_background_when_shown(panel, qtbot, context) -> None:
    search_for(panel, qtbot, "rupture")
    shown = panel.result
    panel.hide()
    import_text(context.project, name="new", text="Client: a rupture.\n", meta=DocumentMeta())
    assert panel.result is shown
    panel.show()
    assert panel.result is shown  # the query runs on a worker thread; its hits arrive through the event loop
    qtbot.waitUntil(lambda: panel.result is not shown, timeout=20_000)
    assert panel.result.total == 1 and not panel.out_of_date


def test_code_all_hits_is_one_undoable_command(panel, qtbot, context, study) -> None:
    search_for(panel, qtbot, "safe OR trust")
    assert panel.result.total == 4

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, CodeAllHitsDialog)
        dialog.set_choice(study.codes["repair"], "match")
        return QDialog.DialogCode.Accepted

    panel.exec_dialog = answer
    before = len(coding.list_codings(context.project))
    panel.code_all_button.click()
    created = coding.list_codings(context.project, code=study.codes["repair"])
    assert sorted(c.text for c in created) == ["Trust", "Trust", "safe", "safe"]
    assert all(c.coder == "Anna" for c in created)
    assert context.undo_stack.count() == 1
    context.undo_stack.undo()
    assert coding.list_codings(context.project, code=study.codes["repair"]) == []
    assert len(coding.list_codings(context.project)) == before
    context.undo_stack.redo()
    assert len(coding.list_codings(context.project, code=study.codes["repair"])) == 4


def test_code_all_hits_twice_skips_what_is_coded_and_says_so(panel, qtbot, context, study) -> None:
    search_for(panel, qtbot, "safe OR trust")

    def answer(dialog: QDialog) -> int:
        dialog.set_choice(study.codes["repair"], "sentence")
        return QDialog.DialogCode.Accepted

    panel.exec_dialog = answer
    panel.code_all_button.click()
    first = coding.list_codings(context.project, code=study.codes["repair"])
    assert first and panel.status.text().startswith(f"Coded {len(first)} passage")
    panel.code_all_button.click()
    assert coding.list_codings(context.project, code=study.codes["repair"]) == first
    assert panel.status.text().endswith("already coded were skipped.")
    assert panel.status.text().startswith("Coded 0 passages")


def test_code_all_hits_needs_an_active_coder(panel, qtbot, context) -> None:
    context.set_active_coder(None)
    search_for(panel, qtbot, "trust")
    panel.exec_dialog = lambda dialog: pytest.fail("no dialog without a coder")
    panel.code_all_button.click()
    assert "active coder" in panel.status.text()


def test_cancelling_the_dialog_codes_nothing(panel, qtbot, context) -> None:
    search_for(panel, qtbot, "trust")
    panel.exec_dialog = lambda dialog: QDialog.DialogCode.Rejected
    panel.code_all_button.click()
    assert context.undo_stack.count() == 0


def test_every_search_runs_at_once_with_no_indexing_first(panel, qtbot) -> None:
    panel.query_edit.setText("trust")
    panel.run_search()
    assert not panel.busy and panel.result.total == 2  # the index lives in the project, always current
    panel.query_edit.setText("safe")
    panel.run_search()
    assert not panel.busy and panel.result.total == 2


def test_rebuild_index_runs_in_the_background(panel, qtbot) -> None:
    panel.rebuild_button.click()
    with qtbot.waitSignal(panel.rebuild_task.finished, timeout=20_000) as signal:
        pass
    assert signal.args == [True]
    assert panel.status.text() == "Search index rebuilt: 4 documents."
    search_for(panel, qtbot, "trust")
    assert panel.result.total == 2


def code_filter_names(panel: SearchPanel) -> list[str]:
    return [panel.coded_code_box.itemText(i) for i in range(panel.coded_code_box.count())]


def test_a_renamed_code_reaches_the_code_filter_when_the_filter_is_next_used(panel, context, study) -> None:
    assert "Rupture" in code_filter_names(panel)
    codebook.update_code(context.project, study.codes["rupture"], name="Break")
    # The filter is not in use ("coded or not"): a thousand-code combo box is not refilled after each rename.
    assert "Break" not in code_filter_names(panel)
    panel.coded_mode_box.setCurrentIndex(panel.coded_mode_box.findData(CODED_WITH))
    assert "Break" in code_filter_names(panel) and "Rupture" not in code_filter_names(panel)
    panel.coded_code_box.setCurrentIndex(panel.coded_code_box.findData(study.codes["rupture"]))
    codebook.update_code(
        context.project, study.codes["rupture"], name="Tear"
    )  # in use: refilled, choice kept
    assert panel.coded_code_box.currentText() == "Tear"

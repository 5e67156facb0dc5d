"""The CQR workbench window: models checked by qtmodeltester, cross-analysis groups, core ideas saved with
their excerpts and undone, audit comments answered and undone, exports, and the menu entry."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt

from app.domain.cqr import LabelRules
from app.services import cqr, cqr_audit
from app.services.coding import CodingSpec, add_codings, ensure_coder
from app.ui.context import AppContext
from app.ui.views.cqr_workbench import CqrWorkbench
from tests.study_presets import CQR_TEXT, cqr_study


@pytest.fixture(autouse=True)
def _cross_analysis_on_this_thread(monkeypatch):
    """Most tests read the table right after an action; one test below runs the worker thread."""
    monkeypatch.setattr(CqrWorkbench, "background", False)


def _workbench(project, qtbot):
    study = cqr_study(project)
    context = AppContext()
    context.project = project
    project.subscribe(context._on_change)
    view = CqrWorkbench(context)
    qtbot.addWidget(view)
    view.show()
    return study, context, view


def _row(model, name: str) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data().strip().rstrip(" *") == name)


def test_cross_analysis_table_by_group(project, qtbot, qtmodeltester) -> None:
    study, _context, view = _workbench(project, qtbot)
    model = view.cross_model
    qtmodeltester.check(model)
    assert [view.group_combo.itemText(i) for i in range(view.group_combo.count())] == [
        "All cases", "perspective", "outcome"]  # fmt: skip
    assert model.headerData(1, Qt.Orientation.Horizontal) == "all (n = 6)"
    assert model.index(_row(model, "Bond"), 1).data() == "Typical (4)"
    assert model.index(_row(model, "Competence"), 1).data() == "– (1)"
    text = CQR_TEXT["therapist"]  # a coding made elsewhere (the editor) reaches the workbench
    start = text.index("skilful")
    spec = CodingSpec(study.documents[("D2", "therapist")], study.codes["Competence"], start, start + 7)
    add_codings(project, [spec], ensure_coder(project, "Ana"))
    assert model.index(_row(model, "Competence"), 1).data() == "Variant (2)"
    view.group_combo.setCurrentText("outcome")
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (1, 2)] == [
        "good (n = 3)",
        "poor (n = 3)",
    ]
    trust = _row(model, "Trust")
    assert model.index(trust, 0).data().endswith("Trust *")
    assert (model.index(trust, 1).data(), model.index(trust, 2).data()) == ("General (3)", "– (0)")
    view.group_combo.setCurrentText("perspective")
    view.coder_combo.setCurrentText("Ana")
    assert model.index(_row(model, "Trust"), 2).data() == "– (1)"  # therapist: Ben's coding left out
    assert "General: all cases or all but 1." in view.rules_label.text()


def test_rules_change_is_undoable(project, qtbot) -> None:
    _study, context, view = _workbench(project, qtbot)
    view.ask_rules = lambda settings: cqr.Settings(LabelRules(general_all_but=0), "perspective")
    view.edit_rules()
    assert cqr.get_settings(project).case_unit == "perspective"
    assert "General: all cases." in view.rules_label.text()
    assert view.grid_model.rowCount() == 11  # 6 client + 5 therapist cases
    context.undo_stack.undo()
    assert cqr.get_settings(project) == cqr.Settings()
    assert view.grid_model.rowCount() == 6


def test_core_idea_saved_with_excerpts_and_undone(project, qtbot, qtmodeltester) -> None:
    _study, context, view = _workbench(project, qtbot)
    view.tabs.setCurrentIndex(1)
    grid = view.grid_model
    qtmodeltester.check(grid)
    assert grid.headerData(0, Qt.Orientation.Vertical) == "D1"
    assert [grid.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Bond",
        "Rupture",
        "Competence",
    ]
    cell = grid.index(0, 0)
    assert cell.data() == "—"  # empty cells stay visible
    view.grid_view.setCurrentIndex(cell)
    excerpts = view.excerpt_model
    qtmodeltester.check(excerpts)
    assert excerpts.rowCount() == 3  # D1: client Trust, therapist Trust, session Empathy
    assert excerpts.setData(excerpts.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    view.idea_edit.setPlainText("Trust is there from the start.")
    view.save_idea()
    assert grid.index(0, 0).data() == "Trust is there from the start. [1]"
    assert view.excerpt_model.chosen() == [excerpts.excerpts[0].coding_id]
    context.undo_stack.undo()
    assert grid.index(0, 0).data() == "—"
    context.undo_stack.redo()
    assert grid.index(0, 0).data().startswith("Trust is there")
    view.grid_view.setCurrentIndex(grid.index(0, 0))
    view.remove_idea()
    assert grid.index(0, 0).data() == "—"

    view.excerpt_view.selectRow(1)  # an auditor comments on one of the cell's codings
    chosen = view.excerpt_model.excerpts[1]
    view.ask_comment = lambda targets, current: (*targets[current][1:], "Is this trust?", "Clara")
    view.comment_idea_button.click()
    (comment,) = cqr_audit.list_comments(project)
    assert (comment.target, comment.target_id) == ("coding", chosen.coding_id)
    assert view.audit_model.index(0, 1).data().startswith(f"coding {chosen.coding_id} (")


def test_audit_comment_answer_undo_and_exports(project, qtbot, qtmodeltester, tmp_path: Path) -> None:
    study, context, view = _workbench(project, qtbot)
    view.cross_view.setCurrentIndex(view.cross_model.index(_row(view.cross_model, "Trust"), 0))
    seen: list = []

    def comment(targets, current):
        seen.append(targets[current])
        kind, ident = targets[current][1:]
        return kind, ident, "Is Trust distinct from Bond?", "Clara"

    view.ask_comment = comment
    view.comment_category_button.click()
    assert seen == [("Category Bond/Trust", "category", study.codes["Trust"])]
    audit = view.audit_model
    qtmodeltester.check(audit)
    assert audit.rowCount() == 1 and audit.index(0, 4).data() == "open"
    view.audit_view.setCurrentIndex(audit.index(0, 0))
    view.ask_answer = lambda about: ("kept", "Bordin keeps them apart.", "Ana")
    view.answer_selected()
    assert audit.index(0, 4).data() == "kept" and audit.index(0, 5).data() == "Bordin keeps them apart."
    context.undo_stack.undo()
    assert audit.index(0, 4).data() == "open"
    context.undo_stack.redo()
    assert [c.status for c in cqr_audit.list_comments(project)] == ["kept"]

    view.ask_path = lambda title, name, filters: str(tmp_path / name)
    assert view.export_cross_analysis() == str(tmp_path / "cross-analysis.docx")
    assert view.export_core_ideas() == str(tmp_path / "core-ideas.docx")
    trail = view.export_audit_trail()
    text = "\n".join(p.text for p in docx.Document(trail).paragraphs)
    assert "Is Trust distinct from Bond?" in text and "kept: Bordin keeps them apart." in text


def test_workbench_is_in_the_compare_menu(qtbot) -> None:
    from app.ui import hosted_views

    assert hosted_views.load_class(*hosted_views.WINDOWS["cqr"][:2]) is CqrWorkbench


def test_cross_analysis_runs_on_a_worker_thread(project, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(CqrWorkbench, "background", True)
    _study, _context, view = _workbench(project, qtbot)
    qtbot.waitUntil(lambda: view.cross_task is not None and view.cross_task.done, timeout=20000)
    assert view.cross_model.headerData(1, Qt.Orientation.Horizontal) == "all (n = 6)"
    view.group_combo.setCurrentText("outcome")
    view.group_combo.setCurrentText("perspective")  # overtakes the outcome request: only its result shows
    task = view.cross_task
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert view.cross_model.headerData(1, Qt.Orientation.Horizontal) == "client (n = 6)"


def test_dialogs_return_what_was_chosen(qtbot) -> None:
    from app.ui.dialogs.cqr_dialogs import AnswerDialog, CommentDialog, RulesDialog

    rules = RulesDialog(cqr.Settings())
    qtbot.addWidget(rules)
    rules.general_all_but.setValue(0)
    rules.difference_levels.setValue(3)
    rules.case_unit.setCurrentIndex(1)
    assert rules.settings() == cqr.Settings(LabelRules(general_all_but=0, difference_levels=3), "perspective")
    comment = CommentDialog(
        [("Domain Bond", "domain", 1), ("Coding 7", "coding", 7)], current=1, auditor="Clara"
    )
    qtbot.addWidget(comment)
    comment.text.setPlainText("Why here?")
    assert comment.values() == ("coding", 7, "Why here?", "Clara")
    answer = AnswerDialog("domain Bond", author="Ana")
    qtbot.addWidget(answer)
    answer.decision.setCurrentIndex(2)
    answer.reason.setPlainText("Theory.")
    assert answer.values() == ("kept", "Theory.", "Ana")

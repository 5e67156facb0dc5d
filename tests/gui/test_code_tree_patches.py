"""Codebook edits patch the code tree row by row: no reset, the selection and expanded branches stay."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtTest import QSignalSpy

from app.services import codebook
from app.ui.models.code_tree import CodeTreeModel
from app.ui.views.codebook_panel import CodebookPanel


@pytest.fixture
def panel(context, qtbot):
    widget = CodebookPanel(context)
    qtbot.addWidget(widget)
    widget.resize(420, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.confirm = lambda title, text: True
    return widget


def tree_rows(model: CodeTreeModel, parent: QModelIndex | None = None, depth: int = 0) -> list[tuple]:
    """(depth, name, colour, codings) of every row, in the order the view shows them."""
    parent = parent or QModelIndex()
    rows = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        code = model.code(model.code_id(index))
        rows.append((depth, code.name, code.color, model.index(row, 1, parent).data()))
        rows.extend(tree_rows(model, index, depth + 1))
    return rows


def database_rows(context) -> list[tuple]:
    return [(c.depth, c.name, c.color, c.codings) for c in codebook.list_codes(context.project)]


def resets(model) -> QSignalSpy:
    return QSignalSpy(model.modelReset)


def test_rename_recolour_and_add_patch_rows_without_a_reset(panel, context, study, qtmodeltester) -> None:
    model = panel.model
    qtmodeltester.check(model)
    spy, changed = resets(model), QSignalSpy(model.dataChanged)
    panel.select_code(study.codes["trust"])
    panel.tree.collapseAll()
    panel.tree.expand(panel.proxy.mapFromSource(model.index_of_code(study.codes["alliance"])))

    panel.rename_code(study.codes["trust"], "Basic trust")
    assert changed.count() >= 2  # Trust, and Safety whose path changed with it
    panel.ask_color = lambda current: "#123456"
    panel.recolor()
    new_id = panel.new_code(None, name="Humour", edit=False)
    sub_id = panel.new_code(new_id, name="Irony", edit=False)
    assert tree_rows(model) == database_rows(context)
    assert spy.count() == 0
    assert panel.selected_code_id() == sub_id  # a new code is selected to describe it
    panel.select_code(study.codes["trust"])
    assert panel.editor.title.text() == "<b>Basic trust</b>"

    for _ in range(4):
        context.undo_stack.undo()
        assert tree_rows(model) == database_rows(context)
    assert model.code(study.codes["trust"]).name == "Trust" and model.code(new_id) is None
    assert panel.selected_code_id() == study.codes["trust"]
    assert panel.editor.title.text() == "<b>Trust</b>"  # the pane follows the undone rename
    assert panel.tree.isExpanded(panel.proxy.mapFromSource(model.index_of_code(study.codes["alliance"])))
    for _ in range(4):
        context.undo_stack.redo()
        assert tree_rows(model) == database_rows(context)
    assert spy.count() == 0
    qtmodeltester.check(model)


def test_move_and_delete_move_and_remove_rows(panel, context, study, qtmodeltester) -> None:
    model = panel.model
    qtmodeltester.check(model)
    spy, moved, removed = resets(model), QSignalSpy(model.rowsMoved), QSignalSpy(model.rowsRemoved)
    panel.select_code(study.codes["repair"])
    panel._move_requested([study.codes["repair"]], study.codes["rupture"])
    assert model.code(study.codes["repair"]).path == "Rupture/Repair"
    assert moved.count() == 1 and tree_rows(model) == database_rows(context)
    assert panel.selected_code_id() == study.codes["repair"]  # the selection moved with its row

    panel.select_code(study.codes["trust"])
    panel.delete()  # Trust and its sub-code Safety, with their codings
    assert removed.count() == 1 and model.code(study.codes["safety"]) is None
    assert tree_rows(model) == database_rows(context)
    context.undo_stack.undo()
    assert tree_rows(model) == database_rows(context)
    assert model.usage(study.codes["trust"]) == codebook.code_usage(context.project)[study.codes["trust"]]
    context.undo_stack.undo()
    assert tree_rows(model) == database_rows(context)
    assert spy.count() == 0
    qtmodeltester.check(model)


def test_merge_and_its_undo_keep_the_tree_in_step(panel, context, study, qtmodeltester) -> None:
    model = panel.model
    spy = resets(model)
    panel.select_code(study.codes["rupture"])
    panel.ask_merge_target = lambda source_id: study.codes["repair"]
    panel.merge()
    assert model.code(study.codes["rupture"]) is None and tree_rows(model) == database_rows(context)
    context.undo_stack.undo()
    assert tree_rows(model) == database_rows(context)
    assert spy.count() == 0
    qtmodeltester.check(model)


def test_a_large_change_resets_once(panel, context, study) -> None:
    model = panel.model
    model.MAX_PATCHED_ROWS = 2
    spy = resets(model)
    for name in ("One", "Two", "Three"):
        codebook.add_code(context.project, name)  # three notifications, each a small patch
    assert spy.count() == 0
    with context.project.action(None):
        for name in ("Four", "Five", "Six"):
            codebook.add_code(context.project, name)
    assert spy.count() == 1 and tree_rows(model) == database_rows(context)


def test_renaming_another_code_leaves_the_excerpts_alone(panel, context, study, qtbot) -> None:
    from app.ui.views.excerpts_view import ExcerptsView

    view = ExcerptsView(context)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.loaded):
        view.show_code(study.codes["trust"])
    rows = view.model.rowCount()
    spy = resets(view.model)
    panel.rename_code(study.codes["repair"], "Mending")
    assert spy.count() == 0 and view.model.rowCount() == rows
    with qtbot.waitSignal(view.loaded):
        panel.rename_code(study.codes["trust"], "Basic trust")  # the code shown: its rows are read again
    assert spy.count() == 1 and view.model.rowCount() == rows


def test_a_rename_reads_only_that_code_and_keeps_siblings_in_order(
    panel, context, study, qtmodeltester, monkeypatch
) -> None:
    model = panel.model
    project = context.project
    codebook.move_code(project, study.codes["rupture"], None, 5)  # equal positions: siblings go by name
    codebook.move_code(project, study.codes["repair"], None, 5)
    assert tree_rows(model) == database_rows(context)
    walks = []
    real_list_codes = codebook.list_codes
    monkeypatch.setattr(codebook, "list_codes", lambda *a, **k: walks.append(a) or real_list_codes(*a, **k))
    spy, moved = resets(model), QSignalSpy(model.rowsMoved)

    panel.rename_code(study.codes["repair"], "Zest")  # Repair came before Rupture; Zest comes after it
    assert moved.count() == 1 and walks == []
    monkeypatch.undo()
    assert tree_rows(model) == database_rows(context)
    assert model.code(study.codes["safety"]).path == "Alliance/Trust/Safety"
    panel.rename_code(study.codes["alliance"], "Working alliance")
    assert model.code(study.codes["safety"]).path == "Working alliance/Trust/Safety"  # sub-codes follow
    codebook.update_code(project, study.codes["rupture"], shortcut=2)
    codebook.update_code(project, study.codes["trust"], shortcut=2)  # takes the key from Rupture
    assert (
        model.code(study.codes["rupture"]).shortcut is None and model.code(study.codes["trust"]).shortcut == 2
    )
    for _ in range(2):
        context.undo_stack.undo()
        assert tree_rows(model) == database_rows(context)
    assert model.code(study.codes["repair"]).name == "Repair"
    assert sorted(c.path for c in model.codes()) == sorted(c.path for c in codebook.list_codes(project))
    assert spy.count() == 0
    qtmodeltester.check(model)

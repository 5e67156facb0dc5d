"""Edit > Coders…: rename, recolour and merge coders, each undoable; and after merging copies the agreement
window is offered on the coders whose codings came in."""

from __future__ import annotations

from app.services import coding, team
from app.services.project import open_project
from app.ui.dialogs.coders_dialog import CodersDialog, coding_count
from app.ui.dialogs.team_dialogs import MergeDialog
from tests.study_presets import SMALL_SESSION


def _coders(project) -> dict[str, str]:
    return {c.name: c.color for c in coding.list_coders(project)}


def _dialog(context, qtbot) -> CodersDialog:
    dialog = CodersDialog(context)
    qtbot.addWidget(dialog)
    return dialog


def test_lists_coders_with_counts_and_swatches(context, study, qtbot):
    dialog = _dialog(context, qtbot)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts == ["Anna (active) — 3 codings", "Ben — 2 codings"]
    assert not dialog.list.item(0).icon().isNull()


def test_rename_with_undo_and_redo(context, study, qtbot):
    dialog = _dialog(context, qtbot)
    dialog.select(study.coders["ben"])
    dialog.ask_name = lambda current: "Benedikt"
    assert dialog.rename_selected()
    assert set(_coders(study.project)) == {"Anna", "Benedikt"}
    assert "Benedikt — 2 codings" in dialog.list.item(1).text()
    context.undo_stack.undo()
    assert set(_coders(study.project)) == {"Anna", "Ben"}
    assert dialog.list.item(1).text() == "Ben — 2 codings"
    context.undo_stack.redo()
    assert set(_coders(study.project)) == {"Anna", "Benedikt"}


def test_rename_to_an_existing_name_is_refused_and_not_undoable(context, study, qtbot):
    dialog = _dialog(context, qtbot)
    dialog.select(study.coders["ben"])
    dialog.ask_name = lambda current: "Anna"
    assert not dialog.rename_selected()
    assert "merge" in dialog.message.text()
    assert context.undo_stack.count() == 0


def test_recolour_with_undo_and_redo(context, study, qtbot):
    dialog = _dialog(context, qtbot)
    before = _coders(study.project)["Anna"]
    dialog.select(study.coders["anna"])
    dialog.ask_color = lambda current: "#123456"
    assert dialog.recolour_selected()
    assert _coders(study.project)["Anna"] == "#123456"
    context.undo_stack.undo()
    assert _coders(study.project)["Anna"] == before
    context.undo_stack.redo()
    assert _coders(study.project)["Anna"] == "#123456"


def test_merge_says_how_many_codings_move_and_undoes(context, study, qtbot):
    anna, ben = study.coders["anna"], study.coders["ben"]
    dialog = _dialog(context, qtbot)
    dialog.select(ben)
    dialog.ask_target = lambda source, others: dict((name, i) for i, name in others)["Anna"]
    asked: list[str] = []
    dialog.confirm = lambda question: asked.append(question) or True
    context.set_active_coder(ben)
    assert dialog.merge_selected()
    assert "2 codings by Ben will move to Anna" in asked[0]
    assert set(_coders(study.project)) == {"Anna"}
    assert coding_count(study.project, anna) == 4  # Ben's identical Trust coding is not doubled
    assert context.active_coder_id == anna  # Ben no longer exists
    assert dialog.list.count() == 1

    context.undo_stack.undo()
    assert set(_coders(study.project)) == {"Anna", "Ben"}
    assert coding_count(study.project, anna) == 3 and coding_count(study.project, ben) == 2
    context.undo_stack.redo()
    assert coding_count(study.project, anna) == 4 and set(_coders(study.project)) == {"Anna"}


def test_declined_merge_changes_nothing(context, study, qtbot):
    dialog = _dialog(context, qtbot)
    dialog.select(study.coders["ben"])
    dialog.ask_target = lambda source, others: others[0][0]
    dialog.confirm = lambda question: False
    assert not dialog.merge_selected()
    assert set(_coders(study.project)) == {"Anna", "Ben"}
    assert context.undo_stack.count() == 0


def _coded_copies(study, folder) -> list:
    """Blind copies for Anna and Ben, each coded a little more in its copy."""
    paths = team.send_out_copies(study.project, ["Anna", "Ben"], folder)
    for path, name, words in zip(paths, ["Anna", "Ben"], ["Welcome back", "I'm glad you came"], strict=True):
        with open_project(path) as copy:
            start = SMALL_SESSION.index(words)
            spec = coding.CodingSpec(
                study.documents["d01_s1"], study.codes["repair"], start, start + len(words)
            )
            coding.add_codings(copy, [spec], coding.ensure_coder(copy, name))
    return paths


def test_after_merging_copies_the_agreement_window_is_offered_on_the_merged_coders(
    context, study, qtbot, tmp_path
):
    paths = _coded_copies(study, tmp_path)
    dialog = MergeDialog(context)
    qtbot.addWidget(dialog)
    dialog.add_copies(paths)
    qtbot.waitUntil(lambda: dialog.task.done)  # the dry run, in the background
    context.set_blind(True)
    offered: list[list[int]] = []
    dialog.offer_agreement = lambda coders: offered.append(coders) or True
    opened = []
    original_open = dialog.open_agreement
    dialog.open_agreement = lambda coders: opened.append(original_open(coders))
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.task.done)  # the merge runs in the background

    anna, ben = study.coders["anna"], study.coders["ben"]
    assert offered == [[anna, ben]]
    window = opened[0]
    qtbot.addWidget(window)
    assert (window.coder_a.currentData(), window.coder_b.currentData()) == (anna, ben)
    assert window.current_request().coders == (anna, ben)
    assert not context.blind  # consensus work: every coder's codings are visible again
    assert coding_count(study.project, anna) == 4 and coding_count(study.project, ben) == 3
    context.undo_stack.undo()
    assert coding_count(study.project, anna) == 3 and coding_count(study.project, ben) == 2


def test_a_merge_that_brings_nothing_offers_no_agreement(context, study, qtbot, tmp_path):
    paths = team.send_out_copies(study.project, ["Anna", "Ben"], tmp_path)  # nothing new coded
    dialog = MergeDialog(context)
    qtbot.addWidget(dialog)
    dialog.add_copies(paths)
    qtbot.waitUntil(lambda: dialog.task.done)  # the dry run, in the background
    offered: list[list[int]] = []
    dialog.offer_agreement = lambda coders: offered.append(coders) or True
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.task.done)
    assert offered == []

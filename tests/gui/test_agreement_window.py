"""The agreement window with real widgets on a real project: table, colours, disagreements, undo, exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import delete, select

from app.services.changes import Change
from app.services.project import create_project
from app.storage.models import Coder, Coding
from app.ui.context import AppContext
from app.ui.dialogs.agreement_window import AgreementWindow
from app.ui.models.agreement_table import LOW_COLOUR, AgreementTableModel, DisagreementsModel
from tests.study_presets import agreement_study


@pytest.fixture
def context(qtbot, tmp_path: Path):
    ctx = AppContext()
    project = create_project(tmp_path / "study.rapport")
    agreement_study(project)
    ctx.set_project(project)
    yield ctx
    ctx.set_project(None)


@pytest.fixture
def window(context: AppContext, qtbot) -> AgreementWindow:
    widget = AgreementWindow(context)
    qtbot.addWidget(widget)
    widget.show_error = lambda text: pytest.fail(f"unexpected error box: {text}")
    widget.show()  # shown, as the window's tool window is: a closed one waits for changes until shown
    qtbot.waitExposed(widget)
    return widget


def compute(window: AgreementWindow, qtbot) -> None:
    """Run the window's background computation and wait for its outcome."""
    task = window.compute()
    qtbot.waitUntil(lambda: task.done, timeout=10_000)


def select_coders(window: AgreementWindow, a: str, b: str) -> None:
    window.coder_a.setCurrentIndex(window.coder_a.findText(a))
    window.coder_b.setCurrentIndex(window.coder_b.findText(b))


def test_choices_come_from_the_project(window: AgreementWindow) -> None:
    assert [window.coder_a.itemText(i) for i in range(window.coder_a.count())] == ["Ana", "Ben"]
    assert window.coder_b.currentText() == "Ben"
    assert [window.dyad.itemText(i) for i in range(window.dyad.count())] == ["All", "D01", "D02"]
    assert [window.codes.item(i).text() for i in range(window.codes.count())] == [
        "Alliance",
        "Alliance/Trust",
        "Alliance/Rupture",
        "Unused",
    ]
    assert not window.threshold.isEnabled()
    window.unit.setCurrentIndex(window.unit.findData("segment"))
    assert window.threshold.isEnabled()


def test_table_has_a_row_per_code_and_a_total_row(window: AgreementWindow, qtmodeltester, qtbot) -> None:
    compute(window, qtbot)
    model = window.table_model
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.index(r, 0).data() for r in range(3)] == ["Alliance/Trust", "Alliance/Rupture", "All codes"]
    rupture_kappa = model.index(1, 3)
    assert rupture_kappa.data() == "0.000"  # Ben never coded Rupture where Ana did
    assert rupture_kappa.data(Qt.ItemDataRole.BackgroundRole).color() == LOW_COLOUR
    assert model.index(2, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert "2x2 tables are summed" in window.summary.text()


def test_filters_and_checked_codes_shape_the_request(window: AgreementWindow, qtbot) -> None:
    window.perspective.setCurrentIndex(window.perspective.findData("client"))
    window.codes.item(1).setCheckState(Qt.CheckState.Checked)
    window.unit.setCurrentIndex(window.unit.findData("segment"))
    window.threshold.setValue(0.5)
    request = window.current_request()
    assert request.perspectives == ["client"] and request.codes == [2]
    assert request.unit == "segment" and request.threshold == 0.5
    compute(window, qtbot)
    assert [d.id for d in window.report.documents] == [1, 3]
    assert window.table_model.headerData(3, Qt.Orientation.Horizontal) == "Kappa (B&P)"


def test_disagreements_browser_opens_the_document(
    window: AgreementWindow, context: AppContext, qtbot
) -> None:
    compute(window, qtbot)
    model = window.disagreements_model
    assert model.rowCount() == 3
    assert model.index(1, 2).data() == "Alliance/Rupture" and model.index(1, 3).data() == "Alliance/Trust"
    assert model.index(0, 3).data() == "(not coded)"
    index = model.index(1, 0)
    shown: list[set[int]] = []
    context.codersShownRequested.connect(shown.append)
    with qtbot.waitSignal(context.documentRequested) as blocker:
        window.disagreements.doubleClicked.emit(index)
    assert blocker.args == [2, 31, 69]
    assert shown == [{coder.id for coder in window.report.coders}] and len(shown[0]) == 2


def test_selecting_a_code_row_filters_the_disagreements(
    window: AgreementWindow, qtmodeltester, qtbot
) -> None:
    compute(window, qtbot)
    window.table.selectRow(0)  # Alliance/Trust
    model = window.disagreements_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "D01 s1 therapist",
        "D02 s2 client",
    ]
    qtmodeltester.check(model)
    window.table.selectRow(2)  # All codes
    assert model.rowCount() == 3


def test_models_pass_the_model_tester_empty_and_filled(qtmodeltester, window: AgreementWindow, qtbot) -> None:
    qtmodeltester.check(AgreementTableModel())
    qtmodeltester.check(DisagreementsModel())
    compute(window, qtbot)
    qtmodeltester.check(window.disagreements_model)


def test_exports_write_the_chosen_files(window: AgreementWindow, tmp_path: Path, qtbot) -> None:
    assert not window.export_table_button.isEnabled()
    compute(window, qtbot)
    assert window.export_table_button.isEnabled()
    targets = iter([tmp_path / "t.csv", tmp_path / "r.docx", tmp_path / "d.csv", tmp_path / "p.csv"])
    window.choose_save_path = lambda _title, _filter: str(next(targets))
    assert window.export_table_csv() == tmp_path / "t.csv"
    assert window.export_docx() == tmp_path / "r.docx"
    assert window.export_disagreements_csv() == tmp_path / "d.csv"
    assert window.export_per_document_csv() == tmp_path / "p.csv"
    assert "D02 s2 client" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    assert all(p.stat().st_size > 0 for p in tmp_path.iterdir() if p.suffix in (".csv", ".docx"))
    window.choose_save_path = lambda _title, _filter: ""  # cancelled
    assert window.export_table_csv() is None
    from app.services import audit

    recorded = [e.detail for e in audit.entries(window.context.project) if e.action == "export"]
    assert [Path(e["to"]).name for e in recorded] == ["t.csv", "r.docx", "d.csv", "p.csv"]  # not the cancelled


def test_errors_are_shown_not_raised(window: AgreementWindow, qtbot) -> None:
    shown: list[str] = []
    window.show_error = shown.append
    select_coders(window, "Ana", "Ana")
    compute(window, qtbot)
    assert shown and "two different coders" in shown[0]
    assert window.report is None


def consensus_codings(context: AppContext) -> list[tuple[int, int, int, int]]:
    with context.project.read() as session:
        coder = session.scalars(select(Coder.id).where(Coder.name == "Consensus")).first()
        rows = session.execute(
            select(Coding.document_id, Coding.code_id, Coding.start, Coding.end).where(
                Coding.coder_id == coder
            )
        )
        return sorted(tuple(row) for row in rows)


def test_resolving_is_undoable(window: AgreementWindow, context: AppContext, qtbot) -> None:
    compute(window, qtbot)
    window.disagreements.selectRow(1)  # doc 2: Ana's Rupture vs Ben's Trust
    window.keep_both.click()
    assert consensus_codings(context) == [(2, 2, 31, 69), (2, 3, 31, 69)]
    row = [
        r
        for r in range(window.disagreements_model.rowCount())
        if window.disagreements_model.item(r).document_id == 2
    ]
    assert window.disagreements_model.index(row[0], 4).data() == "Alliance/Rupture, Alliance/Trust"
    context.undo_stack.undo()
    assert consensus_codings(context) == []
    context.undo_stack.redo()
    assert consensus_codings(context) == [(2, 2, 31, 69), (2, 3, 31, 69)]
    window.disagreements.selectRow(0)
    window.accept_a.click()
    assert (1, 3, 70, 83) in consensus_codings(context)


def test_more_coders_give_fleiss_kappa(window: AgreementWindow, context: AppContext, qtbot) -> None:
    from sqlalchemy import insert

    with context.project.write() as session:
        session.execute(insert(Coder), [{"id": 3, "name": "Cleo"}])
    context.changed.emit(Change(coders=True))
    actions = window.more_coders.menu().actions()
    assert [a.text() for a in actions] == ["Ana", "Ben", "Cleo"]
    actions[0].setChecked(True)  # Ana is already coder A: not counted twice
    actions[2].setChecked(True)
    assert window.extra_coders() == [3]
    assert window.more_coders.text() == "More coders (2)"
    compute(window, qtbot)
    assert [c.name for c in window.report.coders] == ["Ana", "Ben", "Cleo"]
    assert window.table_model.headerData(3, Qt.Orientation.Horizontal) == "Fleiss' kappa"
    assert window.disagreements_model.rowCount() == 0 and not window.accept_a.isEnabled()
    assert "Fleiss' kappa" in window.summary.text()


def test_resolving_into_a_compared_coder_is_refused(
    window: AgreementWindow, context: AppContext, qtbot
) -> None:
    shown: list[str] = []
    window.show_error = shown.append
    compute(window, qtbot)
    window.consensus.setText("Ana")
    window.disagreements.selectRow(1)
    window.accept_b.click()
    assert shown and "separate consensus coder" in shown[0]
    assert context.undo_stack.count() == 0


def test_agreement_is_refused_while_blind_coding_is_on(window: AgreementWindow, context: AppContext) -> None:
    errors: list[str] = []
    window.show_error = errors.append
    context.set_blind(True, remember=False)
    assert window.compute() is None
    assert errors and "Blind coding is on" in errors[0]
    assert window.report is None and window.disagreements_model.rowCount() == 0


def test_a_closed_window_recomputes_its_disagreements_only_when_shown_again(
    window: AgreementWindow, context: AppContext, qtbot
) -> None:
    compute(window, qtbot)
    shown = window.disagreements_model.rowCount()
    window.hide()
    window.disagreements.selectRow(0)
    with context.project.write() as session:
        session.execute(delete(Coding))
    context.changed.emit(Change(codings=frozenset({1, 2})))
    assert window.disagreements_model.rowCount() == shown  # closed: nothing recomputed
    window.show()
    qtbot.waitExposed(window)
    assert window.disagreements_model.rowCount() != shown

"""The agreement window's code-set tab on a real project: Krippendorff's published data, models, exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services import code_sets
from app.services.project import create_project
from app.ui.context import AppContext
from app.ui.dialogs.agreement_window import AgreementWindow
from app.ui.models.agreement_table import LOW_COLOUR
from app.ui.models.set_agreement_models import SetFiguresModel, SetValuesModel
from tests.study_presets import rating_study
from tests.unit.test_agreement_stats import KRIPPENDORFF_2011


@pytest.fixture
def context(qtbot, tmp_path: Path):
    ctx = AppContext()
    project = create_project(tmp_path / "ratings.rapport")
    rating_study(project, KRIPPENDORFF_2011)
    code_sets.mark_code_set(project, "Intensity")
    ctx.set_project(project)
    yield ctx
    ctx.set_project(None)


@pytest.fixture
def window(context: AppContext, qtbot) -> AgreementWindow:
    widget = AgreementWindow(context)
    qtbot.addWidget(widget)
    widget.show_error = lambda text: pytest.fail(f"unexpected error box: {text}")
    widget.coder_a.setCurrentIndex(widget.coder_a.findText("C1"))
    widget.coder_b.setCurrentIndex(widget.coder_b.findText("C2"))
    for action in widget.more_coders.menu().actions():
        action.setChecked(action.text() in ("C3", "C4"))
    return widget


def compute(window: AgreementWindow, qtbot, level: str) -> None:
    panel = window.set_panel
    panel.level.setCurrentIndex(panel.level.findData(level))
    task = panel.compute()
    qtbot.waitUntil(lambda: task.done, timeout=10_000)


def test_the_marked_set_is_offered_first(window: AgreementWindow) -> None:
    panel = window.set_panel
    assert panel.code_set.itemText(0) == "Intensity (set)"
    assert [panel.unit.itemData(i) for i in range(panel.unit.count())] == ["presence", "segment"]


@pytest.mark.parametrize(("level", "published"), [("interval", "0.849"), ("ordinal", "0.815")])
def test_krippendorff_published_alpha_in_the_window(window, qtbot, level: str, published: str) -> None:
    compute(window, qtbot, level)
    model = window.set_panel.figures_model
    assert model.data(model.index(0, 0)) == f"Krippendorff's alpha ({level})"
    assert model.data(model.index(0, 1)) == published
    assert model.data(model.index(0, 3)) == "11 pairable"
    values = window.set_panel.values_model
    assert values.columnCount() == 4 + 5
    assert [values.data(values.index(r, 2)) for r in range(5)] == ["9", "13", "10", "5", "3"]
    assert values.data(values.index(0, 4)) == "7.00"  # o_11 of the paper's coincidence matrix


def test_models_pass_the_model_tester(window, qtbot, qtmodeltester) -> None:
    compute(window, qtbot, "nominal")
    qtmodeltester.check(window.set_panel.figures_model)
    qtmodeltester.check(window.set_panel.values_model)
    qtmodeltester.check(SetFiguresModel())
    qtmodeltester.check(SetValuesModel())


def test_low_values_are_shaded(window, qtbot) -> None:
    window.coder_b.setCurrentIndex(window.coder_b.findText("C3"))  # C1 and C3 agree least
    for action in window.more_coders.menu().actions():
        action.setChecked(False)
    compute(window, qtbot, "nominal")
    model = window.set_panel.figures_model
    alpha = float(model.data(model.index(0, 1)))
    assert alpha < 0.6
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole).color() == LOW_COLOUR
    assert model.data(model.index(2, 1)) != "–"  # two coders: Cohen's kappa


def test_exports(window, qtbot, tmp_path: Path) -> None:
    compute(window, qtbot, "ratio")
    panel = window.set_panel
    panel.choose_save_path = lambda _title, _filter: str(tmp_path / "set.csv")
    assert panel.export_csv().read_text(encoding="utf-8-sig").startswith("set,unit,level")
    panel.choose_save_path = lambda _title, _filter: str(tmp_path / "set.docx")
    assert panel.export_docx().stat().st_size > 0


def test_interval_refused_without_numbers_shows_a_message(context, qtbot) -> None:
    project = context.project
    code_sets.set_value_number(project, "Intensity/3", None)
    from app.services import codebook

    codebook.add_code(project, "Unnumbered", parent=code_sets.read_code_set(project, "Intensity").id)
    widget = AgreementWindow(context)
    qtbot.addWidget(widget)
    messages: list[str] = []
    widget.show_error = messages.append
    compute(widget, qtbot, "interval")
    assert messages and "needs a number for every value" in messages[0]

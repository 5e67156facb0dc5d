"""The across-dyads view: prevalence matrix by a dyad attribute, a bar chart for the selected theme, CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from app.services import coding
from app.services import compare as service
from app.services.study import set_dyad_attributes
from app.ui.context import AppContext
from app.ui.views.groups_view import GroupsView
from tests.study_presets import add_outcome_dyad, comparison_study


def test_groups_matrix_chart_and_export(project, qtbot, qtmodeltester, tmp_path: Path) -> None:
    study = comparison_study(project)
    set_dyad_attributes(project, "D01", {"outcome": "positive"})
    add_outcome_dyad(study, "D02", "troubled", {"client": ["Rupture"], "therapist": ["Trust"]})
    add_outcome_dyad(study, "D03", "troubled", {"client": ["Rupture"], "therapist": []})
    context = AppContext()
    context.project = project
    view = GroupsView(context)
    qtbot.addWidget(view)
    assert view.attribute_combo.currentData() == "outcome"
    model = view.model
    qtmodeltester.check(model)
    assert model.columnCount() == 1 + 2 * 2
    assert model.headerData(1, Qt.Orientation.Horizontal) == "positive\nClient"
    rupture = model.index_of_code(study.codes["Rupture"])
    troubled_client = rupture.siblingAtColumn(3)
    assert model.headerData(3, Qt.Orientation.Horizontal) == "troubled\nClient"
    assert troubled_client.data() == "2/2 (100%)"
    view.matrix_view.setCurrentIndex(rupture)
    assert view.chart_values() == {"client": [100.0, 100.0], "therapist": [0.0, 0.0]}
    view.matrix_view.setCurrentIndex(model.index_of_code(study.codes["Trust"]))
    assert view.chart_values() == {"client": [100.0, 0.0], "therapist": [100.0, 50.0]}
    target = tmp_path / "groups.csv"
    view.ask_csv_path = lambda: str(target)  # type: ignore[method-assign]
    assert view.export_csv() == str(target)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert {(r["group"], r["perspective"]) for r in rows if r["code"] == "Rupture"} == {
        ("positive", "client"),
        ("positive", "therapist"),
        ("troubled", "client"),
        ("troubled", "therapist"),
    }


def test_blind_mode_counts_only_my_codings_in_the_groups(project, qtbot) -> None:
    study = comparison_study(project)
    set_dyad_attributes(project, "D01", {"outcome": "positive"})
    add_outcome_dyad(study, "D02", "troubled", {"client": ["Rupture"], "therapist": ["Trust"]})
    context = AppContext()
    context.project = project
    view = GroupsView(context)
    qtbot.addWidget(view)
    everyone = view.comparison
    ben = next(c.id for c in coding.list_coders(project) if c.name == "Ben")
    context.set_active_coder(ben)
    context.set_blind(True)
    mine = service.compare_groups(project, "outcome", None, [ben])
    assert view.comparison == mine and mine != everyone
    context.set_blind(False)
    assert view.comparison == everyone


def test_it_opens_on_the_outcome_and_names_yes_no_groups(project, qtbot) -> None:
    study = comparison_study(project)
    set_dyad_attributes(
        project, "D01", {"interpreted": "false", "outcome": "positive", "sessions_planned": "8"}
    )
    add_outcome_dyad(study, "D02", "troubled", {"client": ["Rupture"], "therapist": ["Trust"]})
    set_dyad_attributes(project, "D02", {"interpreted": "true"})
    context = AppContext()
    context.project = project
    view = GroupsView(context)
    qtbot.addWidget(view)
    assert view.attribute_combo.currentData() == "outcome"  # not "interpreted", the first by name
    names = [view.attribute_combo.itemText(i) for i in range(view.attribute_combo.count())]
    assert names == ["Interpreted", "Outcome", "Sessions planned"]
    view.set_attribute("interpreted")
    headers = [
        view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, view.model.columnCount())
    ]
    assert headers[0] == "Interpreted: no\nClient"
    assert "Interpreted: yes\nTherapist" in headers
    assert "Interpreted: no: 1" in view.status.text()


def test_a_shown_view_recomputes_codings_in_the_background_and_a_hidden_one_when_shown(
    project, qtbot
) -> None:
    study = comparison_study(project)
    set_dyad_attributes(project, "D01", {"outcome": "positive"})
    add_outcome_dyad(study, "D02", "troubled", {"client": ["Rupture"], "therapist": []})
    context = AppContext()
    context.project = project
    project.subscribe(context._on_change)
    try:
        view = GroupsView(context)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        rupture = study.codes["Rupture"]
        cell = lambda: view.model.index_of_code(rupture).siblingAtColumn(3).data()  # noqa: E731
        assert cell() == "1/1 (100%)"
        ids = [c.id for c in coding.list_codings(project, code=rupture)]
        coding.delete_codings(project, ids)
        assert cell() == "1/1 (100%)"  # the GUI thread did not recompute; the worker's result is on its way
        qtbot.waitUntil(lambda: view.model.index_of_code(rupture).isValid() is False or cell() == "0/1 (0%)")
        view.hide()
        before = view.comparison
        add_outcome_dyad(study, "D03", "troubled", {"client": ["Trust"], "therapist": []})
        assert view.comparison is before  # hidden: nothing recomputed
        view.show()
        qtbot.waitUntil(lambda: view.comparison is not before)
        assert "troubled: 2" in view.status.text()
    finally:
        project.unsubscribe(context._on_change)

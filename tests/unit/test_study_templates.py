"""A preset, or a project file made through the CLI, copied from its template (tests/study_templates.py) holds
what a fresh build makes: the same rows in every table, search index included, the same Study; only what a fresh
build makes anew (project id, GUIDs, timestamps) is the project's own."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import DateTime

from app.services.project import Project, create_project
from app.storage.models import Base
from tests.cli.test_search_cli import make_study
from tests.study import Study
from tests.study_presets import (
    agreement_study,
    comparison_study,
    cqr_study,
    exchange_study,
    rating_study,
    row_counts,
    small_study,
)
from tests.study_templates import fresh_builds, project_file

PRESETS = {
    "small": (small_study, (), {}),
    "comparison": (comparison_study, (), {}),
    "comparison_with_video": (comparison_study, (), {"media_path": "/nowhere/s1.mp4"}),
    "cqr": (cqr_study, (), {}),
    "exchange": (exchange_study, (), {}),
    "agreement": (agreement_study, (), {}),
    "rating": (rating_study, ([[1, 2, None], [1, 1, 2]],), {"values": ("Low", "High")}),
}
# What a fresh build makes anew every time, so two fresh builds differ in it too: GUIDs, timestamps, and the
# audit log's times (to the second) with the hashes chained over them (and the last one, in project_meta).
OWN_COLUMNS = {
    (table.name, column.name)
    for table in Base.metadata.sorted_tables
    for column in table.c
    if column.name == "guid" or isinstance(column.type, DateTime)
} | {("audit_log", "at"), ("audit_log", "hash"), ("audit_log", "previous_hash")}
OWN_META = {"project_id", "created_at"}


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Every table of the file (models, search index, sqlite_sequence) as sorted rows, with the project's own
    values (OWN_COLUMNS, OWN_META) left out; and those own values apart, under "own"."""
    with closing(sqlite3.connect(path)) as con:
        names = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        dump: dict[str, list[tuple]] = {"own": []}
        for name in names:
            cursor = con.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            rows = []
            for row in cursor:
                values = dict(zip(columns, row, strict=True))
                if name == "project_meta" and values["key"] in OWN_META:
                    dump["own"].append((values["key"], values["value"]))
                    continue
                if name == "project_meta" and values["key"] == "audit_head":  # "entries:hash of the last"
                    values["value"], last_hash = values["value"].split(":")
                    dump["own"].append(("audit_head", last_hash))
                if name == "audit_log":  # an import names its files by path: the folder is the build's own
                    detail = json.loads(values["detail"])
                    detail["files"] = [Path(file).name for file in detail.get("files", [])]
                    values["detail"] = detail
                for column in columns:
                    if (name, column) in OWN_COLUMNS:
                        dump["own"].append((name, column, values.pop(column)))
                rows.append(tuple(values.items()))
            dump[name] = sorted(rows, key=repr)
    return dump


def _made(path: Path, name: str) -> Study:
    preset, args, kwargs = PRESETS[name]
    with create_project(path) as project:
        study = preset(project, *args, **kwargs)
        assert study.project is project
        study.project_id = project.project_id  # type: ignore[attr-defined]
    return study


def _keyed(study: Study) -> dict:
    return {name: value for name, value in vars(study).items() if name not in ("project", "project_id")}


def _compare(fresh: Path, copies: list[Path]) -> list[list]:
    """Assert the copies hold what the fresh build does, table by table; then that each has GUIDs of its own
    and that the copies share their timestamps (made from one template, not built twice). Their own values,
    the fresh build's first."""
    expected = _tables(fresh)
    owns = [expected.pop("own")]
    for path in copies:
        dump = _tables(path)
        owns.append(dump.pop("own"))
        assert {t: rows for t, rows in dump.items() if rows != expected[t]} == {}
        assert dump == expected
    assert len(expected["documents"]) > 0  # the dumps hold the study
    guids = [{value for *where, value in own if where[-1:] == ["guid"]} for own in owns]
    assert len(guids[0]) > 0 and len(set().union(*guids)) == len(owns) * len(guids[0])
    times = [[row for row in own if len(row) == 3 and row[1] != "guid"] for own in owns[1:]]
    assert times[0] == times[1]
    return owns


@pytest.mark.parametrize("name", PRESETS)
def test_a_copied_preset_equals_a_fresh_build(tmp_path: Path, name: str) -> None:
    with fresh_builds():
        fresh = _made(tmp_path / "fresh.rapport", name)
    copies = [_made(tmp_path / f"copy{i}.rapport", name) for i in (1, 2)]
    owns = _compare(tmp_path / "fresh.rapport", [tmp_path / f"copy{i}.rapport" for i in (1, 2)])
    assert [_keyed(copy) for copy in copies] == [_keyed(fresh)] * 2
    for copy, own in zip(copies, owns[1:], strict=True):  # each copy keeps its own project id
        assert ("project_id", copy.project_id) in own


def test_a_copied_project_file_equals_a_fresh_build(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh" / "study.rapport"
    fresh.parent.mkdir()
    make_study(fresh)
    copies = [project_file(tmp_path / f"copy{i}.rapport", make_study) for i in (1, 2)]
    owns = _compare(fresh, copies)
    project_ids = [value for own in owns for key, value, *_ in own if key == "project_id"]
    assert len(set(project_ids)) == 3


def test_a_project_listened_to_or_not_empty_builds_fresh(project: Project) -> None:
    heard = []
    project.subscribe(heard.append)
    small_study(project)
    assert heard, "a listener hears every change of a fresh build"
    project.unsubscribe(heard.append)
    rated = rating_study(project, [[1]])
    assert (rated.documents[0], rated.codes["Intensity"]) == (5, 6)  # after small_study's 4 and 5


def test_arguments_are_part_of_the_template_and_not_kept(tmp_path: Path) -> None:
    table: list[list[int | None]] = [[1, 2], [1, None]]
    with create_project(tmp_path / "a.rapport") as first:
        rating_study(first, table)
        assert row_counts(first)["codings"] == 3
    table[1][1] = 2  # the caller's table changes: the next study follows it
    with create_project(tmp_path / "b.rapport") as second:
        rating_study(second, table)
        assert row_counts(second)["codings"] == 4

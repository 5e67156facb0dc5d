"""`rapport code-set` and `rapport agreement --set`: published answers end to end, reports and refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from app.services.project import create_project
from tests.cli_runner import rapport
from tests.study import StudyBuilder
from tests.study_presets import rating_study
from tests.unit.test_agreement_sets import WIKIPEDIA_FLEISS
from tests.unit.test_agreement_stats import KRIPPENDORFF_2011


@pytest.fixture
def krippendorff_path(tmp_path: Path) -> Path:
    path = tmp_path / "ratings.rapport"
    with create_project(path) as project:
        rating_study(project, KRIPPENDORFF_2011)
    return path


CODERS = ("--coders", "C1", "C2", "C3", "C4")


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_through_the_cli(krippendorff_path: Path, level: str, published: float) -> None:
    """Krippendorff (2011): four observers, twelve units (documents), gaps; values 1-5 numbered by their names."""
    data = rapport(
        "agreement", str(krippendorff_path), *CODERS, "--set", "Intensity", "--unit", "presence",
        "--level", level, "--replicates", "0", "--json",
    ).json()  # fmt: skip
    assert data["level"] == level
    assert round(data["alpha"], 3) == published
    assert (data["units"], data["pairable"]) == (12, 11)
    assert data["fleiss_kappa"] is not None and data["cohen_kappa"] is None
    assert data["marked"] is False  # --set treats an unmarked parent as a set
    assert [v["number"] for v in data["values"]] == [1, 2, 3, 4, 5]
    assert [sum(row) for row in data["coincidences"]["matrix"]] == pytest.approx([9, 13, 10, 5, 3])


def test_fleiss_worked_example_through_the_cli(tmp_path: Path) -> None:
    """Fourteen coders, ten documents, five values: Fleiss' kappa 0.210 (the well-known worked example)."""
    table: list[list[int | None]] = [[None] * 10 for _ in range(14)]
    for unit, counts in enumerate(WIKIPEDIA_FLEISS):
        ratings = [j + 1 for j, n in enumerate(counts) for _ in range(n)]
        for coder, value in enumerate(ratings):
            table[coder][unit] = value
    path = tmp_path / "fleiss.rapport"
    with create_project(path) as project:
        rating_study(project, table)
    coders = [f"C{i + 1}" for i in range(14)]
    data = rapport("agreement", str(path), "--coders", *coders, "--set", "Intensity", "--json").json()
    assert data["unit"] == "presence" and data["level"] == "nominal"
    assert round(data["fleiss_kappa"], 3) == 0.210
    assert data["complete"] == 10


def test_named_values_need_numbers_for_interval(tmp_path: Path) -> None:
    path = tmp_path / "named.rapport"
    with create_project(path) as project:
        rating_study(project, [[1, 2, 3, 3], [1, 2, 2, 3]], values=("Low", "Medium", "High"))
    args = ("agreement", str(path), "--coders", "C1", "C2", "--set", "Intensity", "--level", "interval")
    refused = rapport(*args)
    assert refused.returncode == 1
    assert "needs a number for every value" in refused.stderr and "Traceback" not in refused.stderr
    marked = rapport("code-set", str(path), "Intensity", "--value", "Low=1", "Medium=2", "High=3", "--json")
    assert marked.json()["marked"] is True
    assert [v["number"] for v in marked.json()["values"]] == [1, 2, 3]
    data = rapport(*args, "--json").json()
    assert data["alpha"] is not None and data["cohen_kappa"] is not None
    assert data["percent_agreement"] == pytest.approx(75.0)
    unknown = rapport("code-set", str(path), "Intensity", "--value", "Huge=4")
    assert unknown.returncode == 1 and "has no value 'Huge'" in unknown.stderr


def test_reports_and_text(krippendorff_path: Path, tmp_path: Path) -> None:
    out_csv, out_docx = tmp_path / "set.csv", tmp_path / "set.docx"
    base = ("agreement", str(krippendorff_path), *CODERS, "--set", "Intensity", "--level", "ordinal")
    done = rapport(*base, "--replicates", "100", "--report", str(out_csv))
    assert done.returncode == 0, done.stderr
    assert "Krippendorff's alpha (ordinal)" in done.stdout and "0.815" in done.stdout
    rows = list(csv.reader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[4][0] == "alpha" and round(float(rows[4][1]), 3) == 0.815
    assert float(rows[4][2]) <= float(rows[4][1]) <= float(rows[4][3])  # the bootstrap interval
    assert ["coincidences", "1", "2", "3", "4", "5"] in rows
    assert rapport(*base, "--report", str(out_docx)).returncode == 0
    text = "\n".join(p.text for p in DocxDocument(str(out_docx)).paragraphs)
    assert "ordinal" in text and "Krippendorff" in text


def test_set_needs_a_set_unit_and_sub_codes(krippendorff_path: Path) -> None:
    character = rapport(
        "agreement", str(krippendorff_path), *CODERS, "--set", "Intensity", "--unit", "character"
    )
    assert character.returncode == 1 and "presence or the segment unit" in character.stderr
    leaf = rapport("agreement", str(krippendorff_path), *CODERS, "--set", "Intensity/3")
    assert leaf.returncode == 1 and "needs at least two values" in leaf.stderr


def test_the_overall_row_says_it_pools_yes_no_over_codes(krippendorff_path: Path) -> None:
    args = ("agreement", str(krippendorff_path), "--coders", "C1", "C2", "--unit", "presence")
    data = rapport(*args, "--replicates", "0", "--json").json()
    assert data["overall"]["code"] == "overall (pooled yes/no over codes)"
    assert "not a multi-category kappa" in data["overall_pools"]
    assert "overall (pooled yes/no over codes)" in rapport(*args, "--replicates", "0").stdout


def test_segment_unit_pairs_overlapping_codings_whatever_their_value(tmp_path: Path) -> None:
    """Two coders code the same passages of one document; they disagree on one value; one passage only A coded."""
    path = tmp_path / "segments.rapport"
    with create_project(path) as project:
        rated = rating_study(project, [[1], [1]], values=("Withdrawal", "Confrontation"))
        build = StudyBuilder(project, rated).coding(0, "Withdrawal", span=(0, 10), coder="C1")
        build.coding(0, "Confrontation", span=(0, 11), coder="C2")
        build.coding(0, "Confrontation", span=(62, 70), coder="C1")
    data = rapport(
        "agreement", str(path), "--coders", "C1", "C2", "--set", "Intensity", "--unit", "segment",
        "--threshold", "0.8", "--json",
    ).json()  # fmt: skip
    assert (data["units"], data["pairable"]) == (3, 2)
    assert data["percent_agreement"] == pytest.approx(50.0)
    assert data["threshold"] == 0.8
    assert data["coincidences"]["matrix"] == [[2.0, 1.0], [1.0, 0.0]]

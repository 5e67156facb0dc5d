"""The comparison report: a real DOCX reopened with python-docx, and the CSV tables read back."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import pytest

from app.domain.errors import ExportFailed
from app.services.compare import compare_dyad, compare_groups
from app.services.compare_report import (
    GROUP_FIELDS,
    MATRIX_FIELDS,
    write_comparison_report,
    write_groups_csv,
)
from app.services.study import set_dyad_attributes
from tests.study_presets import COMPARE_CLIENT_WORDS, comparison_study

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def test_docx_report_has_the_matrix_moments_and_one_sided_excerpts(project, tmp_path: Path) -> None:
    comparison_study(project)
    out = write_comparison_report(compare_dyad(project, "D01"), tmp_path / "d01.docx")
    report = docx.Document(str(out))
    table = report.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == [
        "Code",
        "Client codings",
        "Client documents",
        "Client coverage",
        "Therapist codings",
        "Therapist documents",
        "Therapist coverage",
    ]
    assert [r[0].strip() for r in rows[1:]] == ["Alliance", "Trust", "Rupture", "Competence"]
    assert rows[2][1:] == ["2", "1", f"{5 / COMPARE_CLIENT_WORDS * 100:.1f}%", "1", "1", "17.2%"]
    assert rows[2][0].startswith("\u00a0")  # Trust is indented under Alliance
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Perspective comparison: dyad D01" in text
    assert f"client {COMPARE_CLIENT_WORDS} words in 2 documents; therapist 29 words in 1 document." in text
    assert "Alliance/Trust: session 1, video 00:00:12 to 00:00:20" in text
    assert "“did not trust her”" in text and "“I felt no trust yet”" in text  # both sides of the moment
    assert "Competence: only the therapist" in text and "“I felt competent”" in text
    assert "Rupture: only the client" in text and "“We argued”" in text


def test_csv_report_in_long_format(project, tmp_path: Path) -> None:
    comparison_study(project)
    out = write_comparison_report(compare_dyad(project, "D01", sessions=1), tmp_path / "d01.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == MATRIX_FIELDS
    trust_client = next(r for r in rows if r["code"] == "Alliance/Trust" and r["perspective"] == "client")
    assert trust_client["sessions"] == "1"
    assert (trust_client["codings"], trust_client["coded_words"], trust_client["total_words"]) == (
        "2",
        "5",
        "38",
    )
    assert trust_client["shared_moments"] == "1"
    competence = {r["perspective"]: r["one_sided"] for r in rows if r["code"] == "Competence"}
    assert competence == {"client": "no", "therapist": "yes"}


def test_groups_csv(project, tmp_path: Path) -> None:
    comparison_study(project)
    set_dyad_attributes(project, "D01", {"outcome": "positive"})
    out = write_groups_csv(compare_groups(project, "outcome"), tmp_path / "groups.csv")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert tuple(rows[0]) == GROUP_FIELDS
    row = next(r for r in rows if r["code"] == "Competence" and r["perspective"] == "therapist")
    assert (row["group"], row["dyads_raised"], row["dyads_in_group"], row["prevalence"]) == (
        "positive",
        "1",
        "1",
        "1.000000",
    )


def test_unknown_report_type_and_unwritable_place(project, tmp_path: Path) -> None:
    comparison_study(project)
    result = compare_dyad(project, "D01")
    with pytest.raises(ExportFailed, match=r"\.docx or \.csv"):
        write_comparison_report(result, tmp_path / "d01.pdf")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportFailed, match="Could not write"):
        write_comparison_report(result, blocker / "inside.csv")

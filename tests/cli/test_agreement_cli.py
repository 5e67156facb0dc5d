"""`rapport agreement` in-process through the CLI entry function on a real project file: JSON shape, text table, exports, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from tests.cli_runner import rapport
from tests.server.server_study import new_project
from tests.study_presets import agreement_study

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


@pytest.fixture
def study_path(project_target: Path | str) -> Path | str:
    with new_project(project_target) as project:
        agreement_study(project)
    return project_target


def test_json_shape(study_path: Path) -> None:
    done = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "--replicates", "200", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["unit"] == "character"
    assert data["coders"] == ["Ana", "Ben"]
    assert [c["code"] for c in data["codes"]] == ["Alliance/Trust", "Alliance/Rupture"]
    for row in [*data["codes"], data["overall"]]:
        assert {"code", "n_units", "percent_agreement", "kappa", "alpha", "ac1", "ci95"} <= set(row)
    assert isinstance(data["overall"]["n_units"], int)
    ci = data["codes"][0]["ci95"]
    assert ci is None or (len(ci) == 2 and ci[0] <= ci[1])
    again = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "--replicates", "200", "--json")
    assert json.loads(again.stdout) == data  # seeded bootstrap: the same interval every run
    detailed = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "--per-document", "--json")
    assert [d["document"] for d in json.loads(detailed.stdout)["codes"][0]["documents"]] == [
        "D01 s1 client",
        "D01 s1 therapist",
        "D02 s2 client",
    ]


def test_segment_unit_with_threshold_and_filters(study_path: Path) -> None:
    done = rapport(
        "agreement", str(study_path), "--coders", "1", "2", "--unit", "segment", "--threshold", "0.5",
        "--perspective", "client", "--codes", "Alliance/Trust", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["unit"] == "segment" and data["threshold"] == 0.5 and data["documents"] == 2
    assert data["codes"][0]["n_units"] == 2  # doc 1: one agreed pair; doc 3: Ben's coding alone
    assert data["codes"][0]["percent_agreement"] == 50.0


def test_readable_table_and_exports(study_path: Path, tmp_path: Path) -> None:
    report, listed = tmp_path / "agreement.docx", tmp_path / "disagreements.csv"
    done = rapport(
        "agreement", str(study_path), "--coders", "Ana", "Ben", "--unit", "presence",
        "--report", str(report), "--disagreements", str(listed),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Agreement of Ana and Ben, unit: presence" in done.stdout
    assert "Alliance/Trust" in done.stdout and "overall" in done.stdout
    assert "Unit: the document" in "\n".join(p.text for p in DocxDocument(str(report)).paragraphs)
    assert len(listed.read_text(encoding="utf-8-sig").splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--coders", "Ana", "Zed"), "no coder 'Zed'"),
        (("--coders", "Ana", "Ben", "--dyad", "D99"), "no dyad 'D99'"),
        (("--coders", "Ana", "Ben", "--unit", "segment", "--threshold", "5"), "threshold"),
        (("--coders", "Ana", "Ben", "--report", "out.pdf"), ".csv or .docx"),
    ],
)
def test_user_errors_exit_1_with_one_line(study_path: Path, args: tuple[str, ...], message: str) -> None:
    done = rapport("agreement", str(study_path), *args)
    assert done.returncode == 1
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_wrong_usage_exits_2(study_path: Path) -> None:
    assert rapport("agreement", str(study_path), "--coders", "Ana").returncode == 2
    assert rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "--unit", "word").returncode == 2


def test_three_coders(study_path: Path) -> None:
    from sqlalchemy import insert

    from app.services.project import open_project
    from app.storage.models import Coder, Coding

    with open_project(study_path) as project, project.write() as session:
        session.execute(insert(Coder), [{"id": 3, "name": "Cleo"}])
        session.execute(
            insert(Coding), [{"document_id": 1, "code_id": 2, "coder_id": 3, "start": 8, "end": 38}]
        )
    done = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "Cleo", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["coders"] == ["Ana", "Ben", "Cleo"] and data["kappa"] == "Fleiss"
    assert data["codes"][0]["coded_by_k_coders"][3] == 30
    text = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "Cleo").stdout
    assert "Agreement of Ana, Ben and Cleo" in text and "Fleiss' kappa" in text
    twice = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "Ben")
    assert twice.returncode == 1 and "each coder once" in twice.stderr
    segment = rapport("agreement", str(study_path), "--coders", "Ana", "Ben", "Cleo", "--unit", "segment")
    assert segment.returncode == 1 and "two coders" in segment.stderr

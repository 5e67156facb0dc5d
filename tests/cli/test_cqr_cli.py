"""`rapport cross-analysis`, `core-ideas`, `core-idea` and `cqr-audit`: the CLI.md JSON shape, reports, errors."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from app.services.project import create_project
from tests.cli_runner import rapport
from tests.study import Study
from tests.study_presets import cqr_study


@pytest.fixture
def study_file(tmp_path: Path) -> tuple[Path, Study]:
    path = tmp_path / "study.rapport"
    with create_project(path) as project:
        study = cqr_study(project)
    return path, study


def _categories(group: dict) -> dict[str, tuple[int, str | None]]:
    return {c["code"]: (c["cases"], c["label"]) for c in group["categories"]}


def test_cross_analysis_without_by_is_one_group_all(study_file) -> None:
    path, _ = study_file
    data = rapport("cross-analysis", path, "--json").json()
    assert [(g["name"], g["cases"]) for g in data["groups"]] == [("all", 6)]
    group = data["groups"][0]
    assert all(set(c) == {"code", "cases", "label"} for c in group["categories"])
    assert _categories(group) == {
        "Bond": (4, "typical"), "Bond/Trust": (3, "variant"), "Bond/Empathy": (2, "variant"),
        "Rupture": (3, "variant"), "Rupture/Withdrawal": (3, "variant"), "Competence": (1, None),
    }  # fmt: skip


def test_cross_analysis_by_perspective_and_coders(study_file) -> None:
    path, _ = study_file
    data = rapport("cross-analysis", path, "--by", "perspective", "--json").json()
    groups = {g["name"]: g for g in data["groups"]}
    assert (groups["client"]["cases"], groups["therapist"]["cases"]) == (6, 5)
    assert _categories(groups["therapist"])["Rupture/Withdrawal"] == (3, "typical")
    data = rapport("cross-analysis", path, "--by", "perspective", "--coders", "Ana", "--json").json()
    assert _categories(data["groups"][1])["Bond/Trust"] == (1, None)


def test_cross_analysis_by_attribute_with_reports(study_file, tmp_path) -> None:
    path, _ = study_file
    done = rapport("cross-analysis", path, "--by", "outcome", "--report", tmp_path / "t.docx")
    assert done.returncode == 0, done.stderr
    assert "Trust *" in done.stdout and "General (3)" in done.stdout
    header = [c.text for c in docx.Document(str(tmp_path / "t.docx")).tables[0].rows[0].cells]
    assert header == ["Domain / category", "good (n = 3)", "poor (n = 3)"]
    data = rapport("cross-analysis", path, "--by", "outcome", "--report", tmp_path / "t.csv", "--json").json()
    assert "Bond/Trust" in data["marked"]
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").startswith("grouping,group,group_cases")


def test_cross_analysis_errors_are_one_line(study_file, tmp_path) -> None:
    path, _ = study_file
    for args in (["--by", "setting"], ["--coders", "Nobody"], ["--report", tmp_path / "t.pdf"]):
        done = rapport("cross-analysis", path, *args)
        assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert rapport("cross-analysis", tmp_path / "missing.rapport").returncode == 1


def test_core_ideas_write_list_and_remove(study_file, tmp_path) -> None:
    path, study = study_file
    trust = study.codings[("D1", "client", "Trust")]
    done = rapport("core-idea", path, "--dyad", "D1", "--perspective", "client", "--domain", "Bond",
                   "--text", "Trusts her early.", "--excerpts", str(trust), "--coder", "Ana", "--json")  # fmt: skip
    assert done.json() == [{"dyad": "D1", "perspective": "client", "domain": "Bond", "text": "Trusts her early.",
                            "author": "Ana", "excerpts": [trust]}]  # fmt: skip
    listed = rapport("core-ideas", path, "--cases", "perspective", "--json").json()
    assert [row["text"] for row in listed] == ["Trusts her early."]
    done = rapport("core-ideas", path, "--cases", "perspective", "--report", tmp_path / "ideas.docx")
    assert done.returncode == 0 and "D1 client / Bond: Trusts her early." in done.stdout
    refused = rapport("core-idea", path, "--dyad", "D1", "--domain", "Bond/Trust", "--text", "x")
    assert refused.returncode == 1 and "category" in refused.stderr
    assert rapport("core-idea", path, "--dyad", "D1", "--domain", "Bond").returncode == 1
    removed = rapport(
        "core-idea", path, "--dyad", "D1", "--perspective", "client", "--domain", "Bond", "--remove"
    )
    assert removed.returncode == 0
    assert rapport("core-ideas", path, "--json").json() == []


def test_audit_comment_answer_and_trail(study_file, tmp_path) -> None:
    path, study = study_file
    bond = study.codes["Bond"]
    trail = rapport("cqr-audit", path, "--comment", "Split Bond?", "--on", "domain", bond, "--auditor", "Clara",
                    "--json").json()  # fmt: skip
    assert [(c["about"], c["status"], c["auditor"]) for c in trail] == [("domain Bond", "open", "Clara")]
    refused = rapport("cqr-audit", path, "--answer", str(trail[0]["id"]), "kept")
    assert refused.returncode == 1 and "reason" in refused.stderr
    answered = rapport("cqr-audit", path, "--answer", str(trail[0]["id"]), "kept", "--reason", "Bordin.",
                       "--report", tmp_path / "trail.docx", "--json").json()  # fmt: skip
    assert answered[0]["status"] == "kept" and answered[0]["answers"][0]["text"] == "Bordin."
    assert (tmp_path / "trail.docx").exists()
    assert rapport("cqr-audit", path, "--comment", "x").returncode == 1

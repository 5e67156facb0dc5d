"""Reports are exports too: the audit log records what was written and where."""

from __future__ import annotations

from pathlib import Path

from app.services import audit
from app.services.project import create_project, open_project
from app.services.study import set_dyad_attributes
from tests.cli_runner import rapport
from tests.study_presets import comparison_study


def exports(path: Path) -> list[dict]:
    with open_project(path, read_only=True) as project:
        return [e.detail for e in audit.entries(project) if e.action == "export"]


def test_comparison_group_and_cross_analysis_reports_are_in_the_audit_log(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    with create_project(path) as project:
        comparison_study(project)
        set_dyad_attributes(project, "D01", {"outcome": "good"})
    assert exports(path) == []
    assert rapport("compare", path, "--dyad", "D01", "--report", tmp_path / "d01.docx").returncode == 0
    assert (
        rapport(
            "compare-groups", path, "--attribute", "outcome", "--report", tmp_path / "groups.csv"
        ).returncode
        == 0
    )
    assert rapport("cross-analysis", path, "--report", tmp_path / "cross.docx").returncode == 0
    recorded = exports(path)
    assert [e["what"] for e in recorded] == ["dyad comparison", "themes by group", "CQR cross-analysis"]
    assert [Path(e["to"]).name for e in recorded] == ["d01.docx", "groups.csv", "cross.docx"]
    with open_project(path, read_only=True) as project:
        assert audit.verify(project).ok

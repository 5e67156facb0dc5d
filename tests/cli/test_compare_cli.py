"""`rapport compare` and `rapport compare-groups` in-process through the CLI entry function: the CLI.md JSON shape, reports, errors."""

from __future__ import annotations

import json
from pathlib import Path

import docx

from app.services.project import create_project
from app.services.study import set_dyad_attributes
from tests.cli_runner import rapport
from tests.study_presets import comparison_study


def _study(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "study.rapport"
    with create_project(path) as project:
        study = comparison_study(project)
        set_dyad_attributes(project, "D01", {"outcome": "positive"})
    return path, study.codings


def test_compare_json_shape(tmp_path: Path) -> None:
    path, codings = _study(tmp_path)
    done = rapport("compare", str(path), "--dyad", "D01", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"dyad", "codes", "shared_moments", "one_sided"}
    assert data["dyad"] == "D01"
    trust = next(c for c in data["codes"] if c["code"] == "Alliance/Trust")
    assert set(trust) == {"code", "perspectives"}
    assert trust["perspectives"]["client"]["codings"] == 2
    assert set(trust["perspectives"]["therapist"]) == {"codings", "documents", "coverage"}
    assert data["shared_moments"] == [
        {
            "code": "Alliance/Trust",
            "time_ms": 12000,
            "codings": {
                "client": [codings["trust_c_ana"], codings["trust_c_ben"]],
                "therapist": [codings["trust_t"]],
            },
        }
    ]
    assert {"code": "Competence", "perspective": "therapist"} in data["one_sided"]


def test_compare_window_session_and_report(tmp_path: Path) -> None:
    path, _ = _study(tmp_path)
    narrow = rapport("compare", str(path), "--dyad", "D01", "--window", "5", "--json")
    assert json.loads(narrow.stdout)["shared_moments"] == []
    out = tmp_path / "report.docx"
    done = rapport("compare", str(path), "--dyad", "D01", "--session", "1", "--report", str(out))
    assert done.returncode == 0, done.stderr
    assert "Shared moments" in done.stdout and str(out) in done.stdout
    assert docx.Document(str(out)).tables[0].rows[0].cells[0].text == "Code"


def test_compare_groups_json(tmp_path: Path) -> None:
    path, _ = _study(tmp_path)
    out = tmp_path / "groups.csv"
    done = rapport("compare-groups", str(path), "--attribute", "outcome", "--report", str(out), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["groups"] == [{"group": "positive", "dyads": ["D01"]}]
    competence = next(c for c in data["codes"] if c["code"] == "Competence")
    assert competence["groups"]["positive"]["therapist"]["prevalence"] == 1.0
    assert out.read_text(encoding="utf-8-sig").startswith("attribute,group,")


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    path, _ = _study(tmp_path)
    for args in (
        ("compare", str(path), "--dyad", "D99"),
        ("compare", str(path), "--dyad", "D01", "--session", "9"),
        ("compare", str(path), "--dyad", "D01", "--session", "soon"),
        ("compare", str(path), "--dyad", "D01", "--report", str(tmp_path / "r.pdf")),
        ("compare-groups", str(path), "--attribute", "severity"),
    ):
        done = rapport(*args)
        assert done.returncode == 1, args
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("rapport: ")
    assert rapport("compare", str(path)).returncode == 2  # --dyad is required


def test_subcodes_flag_pools_moments_under_the_parent(tmp_path: Path) -> None:
    path, _ = _study(tmp_path)
    done = rapport("compare", str(path), "--dyad", "D01", "--subcodes", "--json")
    assert done.returncode == 0, done.stderr
    moments = json.loads(done.stdout)["shared_moments"]
    assert [m["code"] for m in moments] == ["Alliance", "Alliance/Trust"]
    assert moments[0]["codings"] == moments[1]["codings"]


def test_session_video_is_set_shown_refused_and_cleared(tmp_path: Path) -> None:
    path, _codings = _study(tmp_path)
    video = tmp_path / "D01 session 1.mp4"
    video.write_bytes(b"\x00")
    done = rapport("session-video", str(path), "D01", "1", str(video), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"dyad": "D01", "session": 1, "video": str(video.resolve())}
    missing = rapport("session-video", str(path), "D01", "1", str(tmp_path / "gone.mp4"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    no_session = rapport("session-video", str(path), "D01", "9")
    assert no_session.returncode == 1 and "has no session 9" in no_session.stderr
    shown = rapport("session-video", str(path), "D01", "1", "--json")
    assert json.loads(shown.stdout)["video"] == str(video.resolve())  # the refused change left it alone
    cleared = rapport("session-video", str(path), "D01", "1", "--clear", "--json")
    assert json.loads(cleared.stdout)["video"] is None

"""`export`, `import-refi` and `import-codebook` in-process through the CLI entry function (contract: CLI.md)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest

from app.services import coding
from app.services.project import open_project
from tests.cli_runner import BinaryCliResult
from tests.cli_runner import rapport_binary as rapport
from tests.shared_samples import SAMPLES, require_shared
from tests.study_presets import exchange_study, row_counts
from tests.unit.test_refi_safety import BILLION_LAUGHS, make_zip, project_qde


def as_json(result: BinaryCliResult):
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout.decode("utf-8"))


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    assert rapport("new", path).returncode == 0
    with open_project(path) as project:
        exchange_study(project)
    return path


def test_export_by_suffix_then_import_round_trip(study: Path, tmp_path: Path) -> None:
    outputs = {
        "study.qdpx": [],
        "codebook.qdc": [],
        "codebook.docx": [],
        "excerpts.docx": ["--report", "excerpts"],
        "codings.csv": [],
        "codebook.csv": ["--codebook"],
    }
    losses = {}
    for name, extra in outputs.items():
        out = tmp_path / name
        result = as_json(rapport("export", study, out, *extra, "--json"))
        assert set(result) == {"written", "not_carried"} and result["written"] == str(out)
        losses[name] = result["not_carried"]
        assert out.stat().st_size > 0
    assert losses["codebook.qdc"] == {"memos on codes": 1, "code keyboard shortcuts": 1}
    assert losses["study.qdpx"]["memos on dyads"] == 1
    assert losses["codings.csv"] == losses["excerpts.docx"] == {}
    assert zipfile.ZipFile(tmp_path / "study.qdpx").read("project.qde").startswith(b"<?xml")
    assert docx.Document(str(tmp_path / "codebook.docx")).paragraphs[0].text == "Codebook: study"
    assert docx.Document(str(tmp_path / "excerpts.docx")).paragraphs[0].text == "Coded excerpts: study"
    assert (tmp_path / "codings.csv").read_text(encoding="utf-8-sig").startswith("coding_id,code,coder")
    assert (tmp_path / "codebook.csv").read_text(encoding="utf-8-sig").startswith("path,name,color")

    copy = tmp_path / "copy.rapport"
    assert rapport("new", copy).returncode == 0
    imported = as_json(rapport("import-refi", copy, tmp_path / "study.qdpx", "--json"))
    assert {k: imported[k] for k in ("documents", "codes", "codings", "coders", "memos")} == {
        "documents": 3,
        "codes": 4,
        "codings": 4,
        "coders": 2,
        "memos": 6,
    }
    with (
        open_project(copy, read_only=True) as imported_project,
        open_project(study, read_only=True) as original,
    ):
        assert row_counts(imported_project) == row_counts(original)

    merged = as_json(rapport("import-refi", copy, tmp_path / "codebook.qdc", "--json"))
    assert (merged["added"], merged["updated"], merged["unchanged"]) == (0, 0, 4)
    merged = as_json(rapport("import-codebook", copy, tmp_path / "codebook.csv", "--json"))
    assert (merged["added"], merged["unchanged"]) == (0, 4)


def test_import_refi_of_the_nvivo_sample_prints_counts(tmp_path: Path) -> None:
    sample = SAMPLES / "nvivo-win12.6_oltas0517.qdpx"
    require_shared(sample)
    path = tmp_path / "n.rapport"
    assert rapport("new", path).returncode == 0
    counts_printed = as_json(rapport("import-refi", path, sample, "--json"))
    assert (counts_printed["documents"], counts_printed["codes"], counts_printed["codings"]) == (2, 152, 303)
    plain = rapport("import-refi", tmp_path / "n.rapport", SAMPLES / "taguette-1.4.1_codebook.qdc")
    assert plain.returncode == 0 and b"added" in plain.stdout


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("laughs.qdc", BILLION_LAUGHS, "DTD or entities"),
        (
            "dotdot.qdpx",
            make_zip({"project.qde": project_qde(), "../escape.txt": b"x"}),
            "outside the archive",
        ),
        ("abs.qdpx", make_zip({"project.qde": project_qde(), "/etc/x": b"x"}), "absolute path"),
        (
            "bomb.qdpx",
            make_zip({"project.qde": project_qde(), "sources/a.txt": b"\0" * 4_000_000}),
            "zip bomb",
        ),
        ("outside.qdpx", make_zip({"project.qde": project_qde("file:///etc/passwd")}), "outside the archive"),
        ("garbage.qdpx", b"not a zip at all", "not a readable zip"),
    ],
)
def test_hostile_input_exits_1_with_one_line_and_the_project_untouched(
    study: Path, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    with open_project(study, read_only=True) as project:
        before = row_counts(project)
    path = tmp_path / name
    path.write_bytes(data)
    result = rapport("import-refi", study, path)
    assert result.returncode == 1
    error = result.stderr.decode()
    assert error.count("\n") == 1 and message in error and "Traceback" not in error
    assert result.stdout == b""
    with open_project(study, read_only=True) as project:
        assert row_counts(project) == before


def test_usage_errors(study: Path, tmp_path: Path) -> None:
    result = rapport("export", study, tmp_path / "out.pdf")
    assert result.returncode == 1 and b".qdpx" in result.stderr
    result = rapport("import-refi", study, tmp_path / "missing.qdpx")
    assert result.returncode == 1 and b"does not exist" in result.stderr
    result = rapport("import-refi", study, tmp_path)
    assert result.returncode == 1
    assert rapport("export", study).returncode == 2


def test_anchor_chooses_and_drops_an_anchor_excerpt(study: Path) -> None:
    with open_project(study, read_only=True) as project:
        first = coding.list_codings(project)[0].id
    chosen = rapport("anchor", study, str(first), "--json")
    assert chosen.returncode == 0, chosen.stderr
    assert as_json(chosen) == {"coding": first, "anchor": True}
    missing = rapport("anchor", study, "999999")
    assert missing.returncode == 1 and b"no coding 999999" in missing.stderr
    dropped = rapport("anchor", study, str(first), "--off", "--json")
    assert as_json(dropped) == {"coding": first, "anchor": False}

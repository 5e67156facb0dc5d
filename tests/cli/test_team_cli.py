"""`send-out`, `merge`, `pseudonymise` and `history` in-process through the CLI entry function."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.services.project import create_project, open_project
from app.storage.models import Code, Coder, Coding, Document
from tests.cli_runner import rapport
from tests.study import StudyBuilder

TEXT = "Therapist: Hello Maria.\nClient: Hi. Maria is my sister's name too.\n"


def make_study(path: Path) -> None:
    with create_project(path) as project:
        StudyBuilder(project).document("D1 s1", TEXT, dyad="D1", session=1, kind="session").code("Trust")


def add_coding(path: Path, coder: str) -> None:
    with open_project(path) as project, project.write() as session:
        document = session.scalars(select(Document)).one()
        coder_id = session.scalars(select(Coder.id).where(Coder.name == coder)).one()
        code_id = session.scalars(select(Code.id)).one()
        session.add(Coding(document_id=document.id, code_id=code_id, coder_id=coder_id, start=0, end=9))


def test_send_out_then_merge(tmp_path: Path) -> None:
    project = tmp_path / "study.rapport"
    make_study(project)
    copies_dir = tmp_path / "copies"
    copies_dir.mkdir()
    sent = rapport("send-out", str(project), "--coders", "Ana", "Ben", "--folder", str(copies_dir), "--json")
    assert sent.returncode == 0, sent.stderr
    copies = json.loads(sent.stdout)["copies"]
    assert [Path(c).name for c in copies] == ["study-Ana.rapport", "study-Ben.rapport"]
    for copy, coder in zip(copies, ("Ana", "Ben")):
        add_coding(Path(copy), coder)

    dry = rapport("merge", str(project), *copies, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["added_codings"] == {"Ana": 1, "Ben": 1}
    merged = rapport("merge", str(project), *copies, "--json")
    assert json.loads(merged.stdout)["added_codings"] == {"Ana": 1, "Ben": 1}
    again = rapport("merge", str(project), *copies, "--json")
    assert json.loads(again.stdout)["added_codings"] == {}


def test_merge_of_a_file_that_is_not_a_project_is_exit_1(tmp_path: Path) -> None:
    project = tmp_path / "study.rapport"
    make_study(project)
    bogus = tmp_path / "bogus.rapport"
    bogus.write_text("nope", encoding="utf-8")
    result = rapport("merge", str(project), str(bogus))
    assert result.returncode == 1
    assert "Cannot merge bogus.rapport" in result.stderr
    assert "Traceback" not in result.stderr


def test_pseudonymise_and_history(tmp_path: Path) -> None:
    project = tmp_path / "study.rapport"
    make_study(project)
    names = tmp_path / "names.csv"
    names.write_text("real,pseudonym\nMaria,P1\n", encoding="utf-8")
    dry = rapport("pseudonymise", str(project), "--map", str(names), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert [r["original"] for r in json.loads(dry.stdout)["replacements"]] == ["Maria", "Maria"]
    done = rapport("pseudonymise", str(project), "--map", str(names), "--json")
    assert done.returncode == 0, done.stderr
    with open_project(project, read_only=True) as opened, opened.read() as session:
        assert session.scalars(select(Document.text)).one() == TEXT.replace("Maria", "P1")
    shown = rapport("history", str(project), "D1 s1", "--json")
    assert json.loads(shown.stdout)[0]["summary"] == "Pseudonymised: 2 × “Maria” → “P1”"

"""The ethics summary DOCX states encryption, pseudonymisation, coders, the audit log and backups."""

from __future__ import annotations

from pathlib import Path

import docx

from app.services import backups, protection
from app.services.ethics_summary import write_ethics_summary
from app.services.project import create_project
from tests.cli_runner import rapport
from tests.unit.protected_study import fill, unique_sentences


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_summary_of_an_encrypted_project(tmp_path: Path) -> None:
    path = tmp_path / "clinic.rapport"
    with create_project(path, passphrase="a long passphrase") as project:
        fill(project, tmp_path / "sources", unique_sentences())
        backups.make_backup(project, reason="test")
        out = write_ethics_summary(project, tmp_path / "ethics.docx")
    text = text_of(out)
    assert "SQLCipher 4" in text and "AES-256" in text and "NOT encrypted" not in text
    assert "no network connection" in text
    assert "Ana" in text  # who coded
    assert "The chain verifies" in text
    assert "1 of them encrypted" in text
    protection.forget_passphrases()


def test_cli_ethics_summary_of_a_plain_project(tmp_path: Path) -> None:
    path = tmp_path / "study.rapport"
    with create_project(path) as project:
        fill(project, tmp_path / "sources", unique_sentences())
    result = rapport("ethics-summary", path, tmp_path / "e.docx", "--json")
    assert Path(result.json()["written"]).is_file()
    assert "NOT encrypted" in text_of(tmp_path / "e.docx")

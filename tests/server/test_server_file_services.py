"""Services that assumed a file: on a server each works, or refuses with a message that says what to do instead."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from sqlalchemy import text

from app.domain.errors import NotOnServer
from app.services import audit, backups, protection, search, study, team
from app.services.erasure import erase_participant
from app.services.ethics_summary import write_ethics_summary
from app.services.project import create_project
from app.services.pseudonymise import PseudonymRule, pseudonymise
from tests.cli_runner import rapport
from tests.unit.protected_study import fill, unique_sentences


@pytest.fixture
def server_study(pg_url: str, tmp_path: Path):
    with create_project(pg_url) as project:
        fill(project, tmp_path / "a", unique_sentences(), participant="P01")
        fill(project, tmp_path / "b", unique_sentences(), participant="P02")
        yield project


def test_backups_are_the_servers_business(server_study) -> None:
    with pytest.raises(NotOnServer, match="pg_dump"):
        backups.make_backup(server_study)
    assert backups.backup_before(server_study, "import") is None
    assert backups.list_backups(server_study) == []


def test_a_server_project_is_not_encrypted_by_rapport(server_study, pg_url: str, tmp_path: Path) -> None:
    with pytest.raises(NotOnServer, match="sslmode=require"):
        protection.encrypt_project(pg_url, "a long enough passphrase 1")
    with pytest.raises(NotOnServer):
        protection.write_decrypted_copy(server_study, tmp_path / "plain.rapport")
    assert not protection.is_encrypted(pg_url)
    (tmp_path / "phrase").write_text("a long enough passphrase 1")
    refused = rapport("encrypt", pg_url, "--passphrase-file", tmp_path / "phrase")
    assert refused.returncode == 1 and "not encrypted by Rapport" in refused.stderr


def test_send_out_copies_are_for_files(server_study, tmp_path: Path) -> None:
    with pytest.raises(NotOnServer, match="every coder works in the same project"):
        team.send_out_copies(server_study, ["Ana", "Ben"], tmp_path)
    assert list(tmp_path.glob("*.rapport")) == []


def test_erasure_on_a_server_leaves_no_row_and_names_the_servers_backups(server_study) -> None:
    report = erase_participant(server_study, "P01")
    assert [p.name for p in study.list_participants(server_study)] == ["P02"]
    assert report.backups and "pg_dump" in report.backups[0]
    assert audit.entries(server_study)[-1].action == "erase" and audit.verify(server_study).ok
    with server_study.read() as session:
        left = session.execute(text("SELECT count(*) FROM documents WHERE name LIKE 'P01%'")).scalar()
        indexed = session.execute(
            text("SELECT count(*) FROM search_terms WHERE id NOT IN (SELECT id FROM turns)")
        ).scalar()
    assert left == 0
    assert indexed == 0  # no word of an erased turn is left in the server's table of terms


def test_pseudonymise_with_the_map_apart_on_a_server(server_study, tmp_path: Path) -> None:
    outcome = pseudonymise(
        server_study,
        [PseudonymRule("biscuit", "box")],
        map_file=tmp_path / "map.rpmap",
        map_passphrase="a long enough passphrase 2",
    )
    assert len(outcome.replacements) >= 2 and (tmp_path / "map.rpmap").exists()


def test_the_ethics_summary_describes_the_server(server_study, tmp_path: Path) -> None:
    out = write_ethics_summary(server_study, tmp_path / "ethics.docx")
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "PostgreSQL server" in body and "pg_dump" in body and "sslmode" in body
    assert "one file on this computer" not in body


def test_search_on_a_server_finds_both_participants_words(server_study) -> None:
    found = search.search(server_study, "biscuit")
    # per participant: a turn of the DOCX, a turn of the TXT, and the memo that quotes the sentence
    assert found.total == 6
    assert sorted(hit.kind for hit in found.hits).count("memo") == 2
    assert all("biscuit" in hit.text for hit in found.hits)

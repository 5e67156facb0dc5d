"""The audit log: every project keeps one; the hash chain shows an edited, removed or reordered row."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from app.services import audit, exchange
from app.services.project import create_project, open_project
from tests.cli_runner import rapport
from tests.unit.protected_study import fill, unique_sentences


def study_with_log(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    with create_project(path) as project:
        fill(project, tmp_path / "sources", unique_sentences())
        exchange.export_codebook_qdc(project, tmp_path / "codes.qdc")
        audit.record_event(project, "open", {"via": "test"}, coder="Ana")
        audit.record_event(project, "open", {"via": "test"}, coder="Ben")
    return path


def tamper(path: Path, *statements: str) -> None:
    """What someone editing the file by hand would do: drop the guards, change rows."""
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            con.execute(statement)


def verification(path: Path) -> audit.Verification:
    with open_project(path, read_only=True) as project:
        return audit.verify(project)


def test_actions_are_logged_in_order_with_who_and_what(tmp_path: Path) -> None:
    path = study_with_log(tmp_path)
    with open_project(path, read_only=True) as project:
        records = audit.entries(project)
    actions = [r.action for r in records]
    assert actions == ["import", "export", "open", "open"]
    assert records[0].detail["documents"] and records[0].detail["files"]
    assert records[1].detail == {"what": "codebook (.qdc)", "to": str((tmp_path / "codes.qdc").resolve())}
    assert [r.coder for r in records[2:]] == ["Ana", "Ben"]
    assert verification(path).ok


def test_the_log_refuses_updates_and_deletes(tmp_path: Path) -> None:
    path = study_with_log(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as con:
        for statement in ("UPDATE audit_log SET coder='Eve' WHERE id=1", "DELETE FROM audit_log WHERE id=2"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(statement)


@pytest.mark.parametrize(
    ("statements", "first_bad"),
    [
        (["UPDATE audit_log SET coder='Eve' WHERE id=3"], 3),
        (["UPDATE audit_log SET detail='{}' WHERE id=2"], 2),
        (["DELETE FROM audit_log WHERE id=2"], 2),
        (["DELETE FROM audit_log WHERE id=4"], 4),
        (  # reordered: entries 3 and 4 swap places (with their hashes)
            [
                "UPDATE audit_log SET id=-3 WHERE id=3",
                "UPDATE audit_log SET id=3 WHERE id=4",
                "UPDATE audit_log SET id=4 WHERE id=-3",
            ],
            3,
        ),
    ],
    ids=["edited-coder", "edited-detail", "deleted-middle", "deleted-newest", "reordered"],
)
def test_verify_names_the_first_bad_entry(tmp_path: Path, statements: list[str], first_bad: int) -> None:
    path = study_with_log(tmp_path)
    tamper(path, *statements)
    check = verification(path)
    assert not check.ok
    assert check.first_bad == first_bad
    assert f"entry {first_bad}" in check.problem


def test_cli_lists_and_verifies_the_log(tmp_path: Path) -> None:
    path = study_with_log(tmp_path)
    listed = rapport("audit", path, "--json").json()
    assert [e["action"] for e in listed] == ["import", "export", "open", "open"]
    assert set(listed[0]) >= {"at", "coder", "action", "detail"}
    assert rapport("audit", path, "--verify").returncode == 0
    tamper(path, "UPDATE audit_log SET action='open' WHERE id=2")
    result = rapport("audit", path, "--verify")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "entry 2" in result.stderr
    assert "Traceback" not in result.stderr

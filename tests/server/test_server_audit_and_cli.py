"""On a server: the audit log is append-only and verifiable; `rapport new`/`info` take a URL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services import audit
from app.services.project import create_project, open_project
from app.storage import migrate
from tests.cli_runner import rapport


def test_the_audit_chain_is_verifiable_and_append_only(pg_url: str) -> None:
    with create_project(pg_url) as project:
        audit.record_event(project, "open", {"how": "test"}, coder="Ana")
        audit.record_event(project, "export", {"what": "codebook"}, coder="Ben")
        assert audit.verify(project).ok and audit.verify(project).entries == 2
        for statement in (
            "UPDATE audit_log SET coder = 'Eve'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(DBAPIError, match="append-only"), project.engine.begin() as connection:
                connection.execute(text(statement))
        assert audit.verify(project).entries == 2


def test_coders_appending_at_once_keep_one_chain(pg_url: str) -> None:
    create_project(pg_url).close()
    projects = [open_project(pg_url) for _ in range(4)]
    failures: list[BaseException] = []

    def append(project, who: str) -> None:
        try:
            for turn in range(5):
                audit.record_event(project, "open", {"turn": turn}, coder=who)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=append, args=(p, f"coder{i}")) for i, p in enumerate(projects)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        check = audit.verify(projects[0])
        assert check.ok and check.entries == 20
    finally:
        for project in projects:
            project.close()


def test_new_and_info_take_a_server_url_and_never_print_its_password(pg_url: str) -> None:
    with_password = pg_url.replace("rapport_admin@", "rapport_admin:hunter2@")  # the test cluster trusts us
    created = rapport("new", with_password, "--json")
    assert created.returncode == 0, created.stderr
    assert created.json() == {"project": pg_url, "schema": migrate.head_revision()}
    assert "hunter2" not in created.stdout
    shown = rapport("info", pg_url, "--json")
    assert shown.returncode == 0 and shown.json()["documents"] == 0
    again = rapport("new", pg_url)
    assert again.returncode == 1 and "already holds a Rapport project" in again.stderr

"""A server that is down, refuses us, lacks the database or the rights: one clear message, never a password."""

from __future__ import annotations

import socket
import uuid

import pytest

from app.domain.errors import ProjectMissing, ServerRefused, ServerUnavailable
from app.services.project import create_project, open_project
from app.storage.server import database_name
from tests.cli_runner import rapport

SECRET = "Tr0ub4dor-" + uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def password_role(pg_cluster) -> str:
    """A role that must give its password (scram), as a lab's coders do; the test cluster trusts everyone else."""
    role = "coder_with_password"
    hba = pg_cluster.folder / "data" / "pg_hba.conf"
    rule = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
    if rule not in hba.read_text():
        hba.write_text(rule + hba.read_text())
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
    pg_cluster.sql("SELECT pg_reload_conf()")
    return role


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_that_does_not_answer(tmp_path) -> None:
    url = f"postgresql://ana:{SECRET}@127.0.0.1:{_closed_port()}/study"
    with pytest.raises(ServerUnavailable, match=r"The server 127\.0\.0\.1:\d+ does not answer") as caught:
        open_project(url)
    assert SECRET not in str(caught.value)


def test_a_wrong_password_is_named_and_never_shown(pg_cluster, pg_url, password_role) -> None:
    create_project(pg_url).close()
    url = pg_url.replace("rapport_admin@", f"{password_role}:wrong-{SECRET}@")
    with pytest.raises(ServerRefused, match=f"refused the password of {password_role}.*~/.pgpass") as caught:
        open_project(url)
    assert SECRET not in str(caught.value)
    result = rapport("info", url)
    assert result.returncode == 1 and SECRET not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("rapport: The server") and result.stderr.count("\n") == 1


def test_a_missing_password_points_to_pgpass(pg_url, password_role, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = pg_url.replace("rapport_admin@", f"{password_role}@")
    with pytest.raises(ServerRefused, match=r"asks a password.*~/\.pgpass or PGPASSWORD"):
        open_project(url)


def test_the_password_comes_from_pgpass(pg_cluster, pg_url, password_role, monkeypatch, tmp_path) -> None:
    pg_cluster.sql(f"GRANT ALL ON DATABASE {database_name(pg_url)} TO {password_role}")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:*:{password_role}:{SECRET}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    pg_cluster.sql(f"GRANT CREATE ON SCHEMA public TO {password_role}", database_name(pg_url))
    url = pg_url.replace("rapport_admin@", f"{password_role}@")
    with create_project(url) as project:
        assert project.location == url


def test_an_unknown_user(pg_url) -> None:
    url = pg_url.replace("rapport_admin@", "nobody_here@")
    with pytest.raises(ServerRefused, match="has no user nobody_here"):
        open_project(url)


def test_a_missing_database(pg_cluster) -> None:
    with pytest.raises(ProjectMissing, match="There is no database gone_study"):
        open_project(pg_cluster.url("gone_study"))
    result = rapport("info", pg_cluster.url("gone_study"))
    assert result.returncode == 1 and "There is no database gone_study" in result.stderr


def test_a_user_without_rights_is_told_so(pg_cluster, pg_url) -> None:
    create_project(pg_url).close()
    pg_cluster.sql("DO $$ BEGIN CREATE ROLE visitor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    url = pg_url.replace("rapport_admin@", "visitor@")
    with pytest.raises(ServerRefused, match=r"refused visitor .*permission denied.*administrator grants"):
        open_project(url)


def test_a_server_that_goes_away_while_open(pg_cluster, pg_url) -> None:
    from app.services import codebook

    with create_project(pg_url) as project:
        pg_cluster.sql(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"  # waits until each session ended
            f" WHERE datname = '{database_name(pg_url)}'"
        )
        codebook.add_code(project, "Trust")  # the pooled connection the server closed is replaced
        assert [c.name for c in codebook.list_codes(project)] == ["Trust"]


def test_values_a_server_refuses_are_explained_and_change_nothing(pg_url) -> None:
    from app.domain.errors import InvalidInput
    from app.services import codebook, memos
    from app.storage.models import Coder

    with create_project(pg_url) as project:
        with pytest.raises(InvalidInput, match="NUL character"):
            memos.add_memo(project, "project", text="before\x00after")
        with pytest.raises(InvalidInput, match="too long"), project.write() as session:
            session.add(Coder(name="Ana", color="#" + "0" * 20))  # SQLite keeps it; PostgreSQL refuses
        assert memos.list_memos(project) == [] and codebook.list_codes(project) == []


def test_a_role_that_may_only_read_opens_read_only(pg_cluster, pg_url) -> None:
    from app.domain.errors import ReadOnlyLocation
    from app.services import codebook

    with create_project(pg_url) as project:
        codebook.add_code(project, "Trust")
    role = f"auditor_{uuid.uuid4().hex[:6]}"
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN")
    pg_cluster.sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}", database_name(pg_url))
    url = pg_url.replace("rapport_admin@", f"{role}@")
    with pytest.raises(ReadOnlyLocation, match=f"Your server role {role} may only read"):
        open_project(url)
    with open_project(url, read_only=True) as project:
        assert [c.name for c in codebook.list_codes(project)] == ["Trust"]
    assert rapport("codes", url).returncode == 0
    refused = rapport("add-code", url, "Rupture")
    assert refused.returncode == 1 and "may only read" in refused.stderr

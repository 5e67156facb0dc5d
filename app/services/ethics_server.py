"""The parts of the ethics summary that differ for a project on a PostgreSQL server: where the data lives, how
it is protected in transit and at rest, and who backs it up."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import text

from app.formats.ethics_docx import Section
from app.services.project import Project, ProjectInfo

TLS_MODES = {"require", "verify-ca", "verify-full"}


def _size_mb(project: Project) -> float:
    with project.read() as session:
        return float(session.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0) / 1e6


def _ssl_mode(project: Project) -> str:
    return dict(parse_qsl(urlsplit(project.location).query)).get("sslmode", "")


def server_sections(project: Project, facts: ProjectInfo) -> tuple[Section, Section, Section]:
    where = Section(
        "Where the data lives",
        [
            f"The project is the database {project.title} on the lab's PostgreSQL server ({_size_mb(project):.1f} "
            f"MB), where its coders work at once. It holds {facts.documents} documents ({facts.turns} speaker "
            f"turns) of {facts.dyads} dyads, {facts.participants} participants, {facts.codings} codings and "
            f"{facts.memos} memos.",
            "Rapport talks only to that server: no account with anyone else, no cloud service. Nothing leaves the "
            "server unless a researcher exports it; every export is recorded in the audit log.",
            "Each coder signs in with their own server role; Rapport never stores a password (libpq takes it from "
            "~/.pgpass or PGPASSWORD).",
        ],
    )
    mode = _ssl_mode(project)
    encryption = Section(
        "Encryption in transit and at rest",
        [
            (
                f"This project's address requires TLS (sslmode={mode}): the connection to the server is encrypted."
                if mode in TLS_MODES
                else "This project's address does not require TLS: add ?sslmode=require (or verify-full) to it "
                "unless the server is reached only on a trusted network."
            ),
            "Rapport does not encrypt a server project itself: the server's disk and backups are protected by "
            "its administrator, as your institution's policy requires.",
        ],
    )
    retention = Section(
        "Backups and retention",
        [
            "Rapport takes no backups of a server project: the server's administrator backs the database up "
            "(pg_dump, WAL archiving) and decides how long backups are kept.",
            "Erasing a participant rewrites the project's tables so no old row is left in them; the server's "
            "backups taken before still hold the data and are the administrator's to purge.",
        ],
    )
    return where, encryption, retention

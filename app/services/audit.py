"""The project's audit log: an append-only, hash-chained record of who did what to the data, and when.

Each entry's hash is SHA-256 over its id, the previous entry's hash and its own content (time, coder, action,
detail), so altering, removing or reordering any row breaks the chain from that row on. The id and hash of
the newest entry are also kept in project_meta (`audit_head`), so removing the newest rows shows too.
Recorded: open, import, export (what, where), pseudonymise, viewing the pseudonym map, erase, encrypt,
decrypt, change of passphrase, merge.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import RapportError
from app.services.project import Project, open_project
from app.storage.queries import audit as queries
from app.storage.queries import project as project_queries

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    coder: str
    action: str
    detail: dict[str, Any]
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "coder": self.coder,
            "action": self.action,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None  # the id of the first entry that does not fit the chain
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "first_bad": self.first_bad, "problem": self.problem}


def entry_hash(entry_id: int, previous: str, at: str, coder: str, action: str, detail: str) -> str:
    content = json.dumps([entry_id, previous, at, coder, action, detail], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def who(coder: str | None = None) -> str:
    """The person to record: the coder when known, otherwise the computer's user name."""
    if coder:
        return coder
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # pragma: no cover - no user name at all
        return ""


def record(
    session: Session, action: str, detail: dict[str, Any] | None = None, coder: str | None = None
) -> int:
    """Append one entry inside the caller's transaction; returns its id."""
    queries.lock_for_append(session)
    previous = queries.last(session)
    entry_id = (previous.id if previous else 0) + 1
    previous_hash = previous.hash if previous else GENESIS
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
    person = who(coder)
    digest = entry_hash(entry_id, previous_hash, at, person, action, text)
    queries.append(
        session, id=entry_id, at=at, coder=person, action=action, detail=text,
        previous_hash=previous_hash, hash=digest,
    )  # fmt: skip
    project_queries.set_meta(session, HEAD_KEY, f"{entry_id}:{digest}")
    return entry_id


def record_event(
    project: Project, action: str, detail: dict[str, Any] | None = None, coder: str | None = None
) -> bool:
    """Append one entry in its own transaction. A project open read-only is opened for writing for the
    moment it takes; when another Rapport holds it, nothing is recorded (returns False)."""
    if not project.read_only:
        with project.write() as session:
            record(session, action, detail, coder)
        return True
    try:
        writable = open_project(project.target)
    except RapportError:
        return False
    with contextlib.closing(writable), writable.write() as session:
        record(session, action, detail, coder)
    return True


def record_export(project: Project, what: str, path: Path | str) -> Path:
    """Record that something was exported (what, and where to) in the project's audit log; returns the path."""
    record_event(project, "export", {"what": what, "to": str(Path(path).resolve())})
    return Path(path)


def entries(project: Project) -> list[AuditRecord]:
    with project.read() as session:
        return [_record(row) for row in queries.entries(session)]


def _record(row) -> AuditRecord:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"unreadable": row.detail}
    return AuditRecord(row.id, row.at, row.coder, row.action, detail, row.hash)


def verify(project: Project) -> Verification:
    """Walk the chain; the first entry whose hash or link does not fit is named."""
    with project.read() as session:
        rows = queries.entries(session)
        head = project_queries.meta(session, HEAD_KEY)
    previous_hash = GENESIS
    for expected_id, row in enumerate(rows, start=1):
        where = f"entry {expected_id} ({row.at}, {row.action})"
        if row.id != expected_id:
            return _broken(len(rows), expected_id, f"entry {expected_id} is missing (the next is {row.id})")
        if row.previous_hash != previous_hash:
            return _broken(len(rows), row.id, f"{where} does not follow the entry before it")
        if entry_hash(row.id, row.previous_hash, row.at, row.coder, row.action, row.detail) != row.hash:
            return _broken(len(rows), row.id, f"{where} was altered after it was written")
        previous_hash = row.hash
    newest = f"{rows[-1].id}:{rows[-1].hash}" if rows else None
    if head != newest:
        first_missing = rows[-1].id + 1 if rows else 1
        return _broken(len(rows), first_missing, f"entry {first_missing} and any after it were removed")
    return Verification(True, len(rows), None, "")


def _broken(count: int, entry_id: int, problem: str) -> Verification:
    return Verification(False, count, entry_id, f"The audit log is broken: {problem}.")

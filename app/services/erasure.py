"""Erasure of one participant on request (GDPR art. 17): their documents, their turns in shared transcripts,
the codings and memos on those, their attributes and the participant itself.

A dry run (`dry_run=True`) reports what would go and changes nothing. A real erasure runs in one transaction
with SQLite's secure_delete on, then VACUUMs the file and folds the WAL in, so the erased text is not left in
free pages; the search index is thrown away (it is rebuilt on the next search). It is recorded in the audit
log. Backups taken before the erasure still hold the data: they are listed, and `purge_backups` removes them.
On a server project the tables are rewritten (VACUUM FULL) instead; its pg_dump backups and WAL archive are the
administrator's to purge, which the report says.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.text_edits import TextEdit
from app.services import audit, backups, editing, search_upkeep
from app.services.changes import EVERYTHING
from app.services.project import Project, bump_content_version
from app.storage import upkeep
from app.storage.queries import erasure as queries
from app.storage.queries import lookup

ERASED = "[erased]"


@dataclass
class ErasureReport:
    participant: str
    dry_run: bool
    documents: list[str] = field(default_factory=list)  # the participant's own documents, removed
    turns: dict[str, int] = field(default_factory=dict)  # shared document -> turns blanked
    codings: int = 0
    memos: int = 0
    attributes: int = 0
    dyads: list[str] = field(default_factory=list)  # memberships removed
    backups: list[str] = field(default_factory=list)  # files that still hold the data
    purged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _DryRun(Exception):
    pass


def speaker_labels(name: str, roles: set[str]) -> set[str]:
    """The speaker labels that are this participant in their dyads' shared transcripts."""
    labels = {name.strip().lower()}
    for role in roles:
        labels |= {role.lower(), role[:1].lower()}
    return labels


def erase_participant(
    project: Project, participant: str | int, *, dry_run: bool = False, coder: str | None = None
) -> ErasureReport:
    report: ErasureReport | None = None
    try:
        with project.write() as session:
            if not dry_run:
                upkeep.secure_delete(session)
            report = _erase(session, participant, dry_run)
            if dry_run:
                raise _DryRun
            audit.record(session, "erase", _audit_detail(report), coder)
    except _DryRun:
        pass
    assert report is not None
    report.backups = _backups_holding_it(project)
    if not dry_run:
        _compact(project)
        project.notify(EVERYTHING)
    return report


def _backups_holding_it(project: Project) -> list[str]:
    if project.path is None:  # a server: Rapport keeps no backups of it
        return [f"the server's own backups (pg_dump, WAL archive) of {project.location}: ask its administrator"]
    return [str(info.path) for info in backups.list_backups(project)] + [
        str(p) for p in sorted(project.path.parent.glob(f"{project.path.stem}.backup-*{project.path.suffix}"))
    ]


def _audit_detail(report: ErasureReport) -> dict[str, Any]:
    return {
        "participant": report.participant,
        "documents": len(report.documents),
        "turns": sum(report.turns.values()),
        "codings": report.codings,
        "memos": report.memos,
        "attributes": report.attributes,
    }


def _erase(session, ident: str | int, dry_run: bool) -> ErasureReport:
    person = lookup.participant(session, ident)
    report = ErasureReport(person.name, dry_run)
    own = queries.own_documents(session, person.id)
    own_ids = [d.id for d in own]
    report.documents = [d.name for d in own]
    report.codings = queries.count_codings(session, own_ids)
    report.memos = queries.count_memos(session, own_ids)
    report.attributes = queries.count_attributes(session, person.id)
    members = queries.memberships(session, person.id)
    report.dyads = sorted(m.dyad.name for m in members)
    roles = {m.role for m in members} | {person.role}
    labels = speaker_labels(person.name, roles)
    shared = queries.shared_documents(session, [m.dyad_id for m in members], own_ids)
    touched: list[int] = []
    kept_history: list[int] = []
    for document in shared:
        turns = queries.turns_of_speakers(session, document.id, labels)
        if not turns:
            continue
        spans = [(t.start, t.end) for t in turns]
        report.turns[document.name] = len(turns)
        report.codings += queries.count_codings_within(session, document.id, spans)
        if dry_run:
            continue
        edits, shift = [], 0
        for start, end in spans:  # sequential edits: each against the text the previous ones left
            keep_newline = "\n" if document.text[start:end].endswith("\n") else ""
            edit = TextEdit(start + shift, end + shift, ERASED + keep_newline)
            edits.append(edit)
            shift += edit.delta
        outcome = editing.apply_in_session(
            session, document.id, edits, coder_id=None, summary=f"Erased the turns of {person.name}"
        )
        touched.append(document.id)
        if outcome.snapshot.history_id is not None:
            kept_history.append(outcome.snapshot.history_id)
    if not dry_run:
        queries.delete_history(session, touched, kept_history)
        queries.delete_documents(session, own_ids)
        queries.delete_participant(session, person.id)
        bump_content_version(session)
    return report


def _compact(project: Project) -> None:
    """Rebuild the search index (its segments may still hold erased words until merged), then VACUUM (no
    erased bytes left in free pages) and fold the WAL in."""
    search_upkeep.rebuild_index(project)
    upkeep.vacuum(project.engine)


def purge_backups(paths: list[str]) -> list[str]:
    """Delete backups that still hold erased data (their bytes overwritten first, as far as the disk allows)."""
    removed = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            continue
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            with open(path, "r+b") as handle:
                handle.write(b"\0" * size)
        path.unlink(missing_ok=True)
        removed.append(str(path))
    return removed

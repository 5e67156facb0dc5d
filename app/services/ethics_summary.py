"""The ethics summary of a project (DOCX): the facts an ethics board or a data-protection officer asks for."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from app import __version__, paths
from app.formats.ethics_docx import Section, write_ethics_docx
from app.services import audit, backups, ethics_server, study
from app.services.exchange_files import write_output
from app.services.project import Project, ProjectInfo, info
from app.storage import cipher
from app.storage.queries import audit as audit_queries


def sections(project: Project) -> list[Section]:
    encrypted = project.path is not None and cipher.is_encrypted(project.path)
    facts = info(project)
    backup_list = backups.list_backups(project)
    records = audit.entries(project)
    check = audit.verify(project)
    with project.read() as session:
        coders = audit_queries.codings_per_coder(session)
    participants = study.list_participants(project)
    if project.is_server:
        where, encryption, retention = ethics_server.server_sections(project, facts)
    else:
        where, encryption, retention = _file_sections(project, facts, encrypted, backup_list)
    pseudonymisations = [r for r in records if r.action == "pseudonymise"]
    apart = [r for r in pseudonymisations if "map_file" in r.detail]
    pseudonyms = Section(
        "Pseudonymisation",
        [
            f"Participants are recorded under pseudonyms ({len(participants)}: "
            f"{', '.join(p.name for p in participants) or 'none yet'}).",
            (
                f"Names were replaced in the transcripts {len(pseudonymisations)} times with Rapport's "
                "pseudonymise"
                + (
                    f"; {len(apart)} times the pseudonym map was written to a separate encrypted file and not "
                    "kept in the project." if apart else "; the replacements are listed in each document's history."
                )
            )
            if pseudonymisations
            else "No names were replaced with Rapport's pseudonymise (the transcripts may have been "
            "pseudonymised before import).",
        ],
    )  # fmt: skip
    who_coded = Section(
        "Who coded",
        [f"{len(coders)} coders."],
        [["Coder", "Codings", "Documents coded"], *[[n, str(c), str(d)] for n, c, d in coders]],
    )
    counts = Counter(r.action for r in records)
    audit_section = Section(
        "Audit log",
        [
            f"The project keeps an append-only, hash-chained audit log: {len(records)} entries"
            + (f", from {records[0].at} to {records[-1].at}." if records else ".")
            + (" The chain verifies: no entry was altered, removed or reordered." if check.ok else f" {check.problem}"),
        ],
        [["Action", "Entries"], *[[action, str(n)] for action, n in sorted(counts.items())]],
    )  # fmt: skip
    erasures = [r for r in records if r.action in ("erase", "export", "decrypt")]
    if erasures:
        audit_section.paragraphs.append(
            "Erasures, exports and decrypted copies: "
            + "; ".join(f"{r.at} {r.action} by {r.coder} ({_short(r.detail)})" for r in erasures[-30:])
        )
    return [where, encryption, pseudonyms, who_coded, audit_section, retention]


def _file_sections(
    project: Project, facts: ProjectInfo, encrypted: bool, backup_list: list[backups.BackupInfo]
) -> tuple[Section, Section, Section]:
    """Where a project file lives, its encryption, and Rapport's backups of it."""
    size_mb = project.path.stat().st_size / 1e6

    where = Section(
        "Where the data lives",
        [
            f"The project is one file on this computer: {project.path} ({size_mb:.1f} MB). It holds "
            f"{facts.documents} documents ({facts.turns} speaker turns) of {facts.dyads} dyads, "
            f"{facts.participants} participants, {facts.codings} codings and {facts.memos} memos.",
            "Rapport works offline: it has no account, no cloud service and makes no network connection. "
            "Nothing leaves the computer unless a researcher exports it; every export is recorded in the audit log.",
            "The search index is "
            + (
                "kept out of the user's cache folder while the project is encrypted (in memory-backed storage, "
                "removed when Rapport closes)."
                if encrypted
                else f"derived data in the user's cache folder ({paths.user_cache_dir() / 'search'}), rebuilt "
                "from the project whenever needed."
            ),
        ],
    )
    encryption = Section(
        "Encryption at rest",
        [
            "The project file is encrypted with SQLCipher 4: AES-256 (CBC) with an HMAC-SHA512 on every page; the "
            "key is derived from a passphrase with PBKDF2-HMAC-SHA512 (256,000 iterations). The passphrase is "
            "never written to disk by Rapport. Its write-ahead log and its backups are encrypted too."
            if encrypted
            else "The project file is NOT encrypted. Encrypt it with `rapport encrypt` (SQLCipher 4, AES-256) "
            "or keep it on an encrypted disk, as your institution's policy requires."
        ],
    )
    retention = Section(
        "Backups and retention",
        [
            f"Backups are taken when the project opens and every {int(backups.BACKUP_EVERY.total_seconds() // 60)} "
            f"minutes of work, in {backups.backups_root()}; each is kept {backups.KEEP_DAYS} days (at most "
            f"{backups.KEEP_AT_MOST}, always the newest {backups.KEEP_AT_LEAST}). There are {len(backup_list)} now"
            + (f", {sum(cipher.is_encrypted(b.path) for b in backup_list)} of them encrypted." if backup_list else "."),
            "Erasing a participant lists the backups that still hold their data and can delete them.",
        ],
    )  # fmt: skip
    return where, encryption, retention


def _short(detail: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in detail.items())[:160]


def write_ethics_summary(project: Project, out: Path | str) -> Path:
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    data = write_ethics_docx(
        f"Data protection summary: {project.name}",
        f"Generated by Rapport {__version__} on {stamp}.",
        sections(project),
    )
    return write_output(out, data)

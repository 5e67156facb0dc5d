"""Importing transcripts: text, DOCX, SRT and WebVTT files become documents with speaker turns.

Each document is imported in one transaction (the project is unchanged when it fails); in a batch, one bad
file does not stop the others and the report names it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput
from app.domain.transcript import ParsedTranscript, normalize_newlines, parse_transcript
from app.services import study
from app.services.changes import Change
from app.services.project import Project, bump_content_version
from app.storage.models import DOCUMENT_KINDS, PERSPECTIVES, Document
from app.storage.queries import study as queries

MAX_DOCUMENT_NAME = 300


@dataclass(frozen=True)
class DocumentMeta:
    """Where a document belongs in the study. Unknown dyads (and their sessions) are created on import."""

    dyad: str | None = None
    session: int | None = None
    perspective: str | None = None  # client, therapist, interpreter, researcher
    kind: str = "other"  # session, recall, note, other
    participant: str | None = None  # an existing participant, or a new one with the perspective as role


@dataclass(frozen=True)
class ImportedDocument:
    id: int
    name: str
    turns: int
    chars: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def check_meta(meta: DocumentMeta) -> None:
    """Refuse metadata that cannot be stored, before anything is written."""
    if meta.perspective is not None and meta.perspective not in PERSPECTIVES:
        raise InvalidInput(
            f"{meta.perspective!r} is not a perspective (use one of {', '.join(PERSPECTIVES)})."
        )
    if meta.kind not in DOCUMENT_KINDS:
        raise InvalidInput(f"{meta.kind!r} is not a document kind (use one of {', '.join(DOCUMENT_KINDS)}).")
    if meta.session is not None:
        if meta.dyad is None or not str(meta.dyad).strip():
            raise InvalidInput("A session number needs a dyad: give the dyad too.")
        if isinstance(meta.session, bool) or not isinstance(meta.session, int) or meta.session < 1:
            raise InvalidInput(f"A session number must be a whole number from 1 up, not {meta.session!r}.")


def unique_document_name(session: Session, name: str) -> str:
    """`name`, or `name (2)`, `name (3)`... when taken: documents are named uniquely."""
    base = " ".join(name.split())[: MAX_DOCUMENT_NAME - 8].strip()
    if not base:
        raise InvalidInput("A document needs a name.")
    taken = queries.document_names_like(session, base)
    if base not in taken:
        return base
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"


def store_document(
    session: Session, *, name: str, parsed: ParsedTranscript, meta: DocumentMeta, source_name: str = ""
) -> ImportedDocument:
    """Write one parsed document and its turns inside the caller's transaction."""
    check_meta(meta)
    if not parsed.text.strip():
        raise InvalidInput(f"{name} has no text to import.")
    dyad = study.ensure_dyad(session, meta.dyad) if meta.dyad and meta.dyad.strip() else None
    study_session = study.ensure_session(session, dyad, meta.session) if dyad and meta.session else None
    participant_id = None
    if meta.participant and meta.participant.strip():
        person = queries.participant_by_name(session, meta.participant.strip())
        if person is None:
            if meta.perspective is None:
                raise InvalidInput(
                    f"Participant {meta.participant!r} is new: give the perspective so their role is known."
                )
            person = study.ensure_participant(session, meta.participant, meta.perspective, dyad)
        participant_id = person.id
    document = Document(
        name=unique_document_name(session, name),
        dyad_id=dyad.id if dyad else None,
        session_id=study_session.id if study_session else None,
        participant_id=participant_id,
        perspective=meta.perspective,
        kind=meta.kind,
        text=parsed.text,
        text_hash=hashlib.sha256(parsed.text.encode("utf-8")).hexdigest(),
        source_name=source_name,
    )
    session.add(document)
    session.flush()
    queries.insert_turns(
        session,
        [
            {
                "document_id": document.id,
                "start": turn.start,
                "end": turn.end,
                "speaker": turn.speaker[:200] if turn.speaker else None,
                "time_start_ms": turn.time_start_ms,
                "time_end_ms": turn.time_end_ms,
                "video_ref_ms": turn.video_ref_ms,
            }
            for turn in parsed.turns
        ],
    )
    bump_content_version(session)
    return ImportedDocument(document.id, document.name, len(parsed.turns), len(parsed.text))


def tell_search_index(project: Project, document_ids: list[int]) -> None:
    """Hook: the search index learns about new documents here.

    Deliberately a no-op for now. The index (engineer E, `app/search/`) keeps itself in sync by comparing
    the project's `content_version` and documents' `text_hash` with what it indexed, and every import bumps
    `content_version` inside its transaction and notifies `Change(documents=...)`. If the index later wants
    eager updates, call it from here: this is the one place all imports pass through after committing.
    """
    del project, document_ids


def import_text(
    project: Project, *, name: str, text: str, meta: DocumentMeta, source_name: str = ""
) -> ImportedDocument:
    """Import plain transcript text (speaker labels, timestamps, recall references) as one document."""
    parsed = parse_transcript(normalize_newlines(text))
    with project.write() as session:
        imported = store_document(session, name=name, parsed=parsed, meta=meta, source_name=source_name)
    tell_search_index(project, [imported.id])
    project.notify(Change(study=True, documents=frozenset({imported.id})))
    return imported

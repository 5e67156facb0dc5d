"""Importing transcripts: text, DOCX, SRT and WebVTT files become documents with speaker turns.

`import_text` stores one document in one transaction. `import_files` reads and parses every file first
(outside any transaction), then stores them in one transaction with a savepoint per file: a file that fails
leaves no trace, one bad file does not stop the others and the report names it, and cancelling leaves the
project exactly as before. Every import bumps the content version inside its transaction and notifies
`Change(study=True, documents=...)`; the search index inside the project is written by SQLite triggers in the
same transaction.
Participants and their typed attributes come from CSV sheets (`import_attributes`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.errors import ImportFailed, InvalidInput, OperationCancelled, RapportError
from app.domain.file_names import guess_from_file_name
from app.domain.transcript import ParsedTranscript, normalize_newlines, parse_transcript
from app.formats.attributes_csv import read_attribute_sheet
from app.formats.detect import (
    DEFAULT_MAX_BYTES,
    TRANSCRIPT_SUFFIXES,
    LoadedTranscript,
    is_transcript_file,
    read_guarded,
    read_transcript,
)
from app.formats.text_decoding import looks_binary, not_text_message
from app.services import audit, study
from app.services.changes import Change
from app.services.project import Project, bump_content_version
from app.storage.models import DOCUMENT_KINDS, PERSPECTIVES, Document
from app.storage.queries import study as queries

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

MAX_DOCUMENT_NAME = 300
MAX_SESSION_NUMBER = 9999
# For File > Import dialogs and drop targets (`is_transcript_file` tells whether a dropped path qualifies).
FILE_DIALOG_FILTER = "Transcripts (" + " ".join(f"*{s}" for s in TRANSCRIPT_SUFFIXES) + ");;All files (*)"
PARTICIPANT_SHEET_FILTER = "Participant sheets (*.csv);;All files (*)"
__all__ = [
    "FILE_DIALOG_FILTER",
    "PARTICIPANT_SHEET_FILTER",
    "AttributesReport",
    "DocumentMeta",
    "ImportFailure",
    "ImportReport",
    "ImportedDocument",
    "LoadedTranscript",
    "guess_meta",
    "import_attributes",
    "import_files",
    "import_text",
    "is_transcript_file",
    "preview_file",
    "store_document",
    "unique_document_name",
]


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
        if (
            isinstance(meta.session, bool)
            or not isinstance(meta.session, int)
            or not 1 <= meta.session <= MAX_SESSION_NUMBER
        ):
            raise InvalidInput(
                f"A session number must be a whole number from 1 to {MAX_SESSION_NUMBER}, not {meta.session!r}."
            )


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
    if looks_binary(parsed.text):  # text given directly, not read from a file that was checked already
        raise InvalidInput(not_text_message(name))
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


def import_text(
    project: Project, *, name: str, text: str, meta: DocumentMeta, source_name: str = ""
) -> ImportedDocument:
    """Import plain transcript text (speaker labels, timestamps, recall references) as one document."""
    parsed = parse_transcript(normalize_newlines(text))
    with project.write() as session:
        imported = store_document(session, name=name, parsed=parsed, meta=meta, source_name=source_name)
        audit.record(
            session, "import", {"documents": [imported.name], "files": [source_name] if source_name else []}
        )
    project.notify(Change(study=True, documents=frozenset({imported.id})))
    return imported


# -- files -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportFailure:
    path: str
    reason: str  # one line naming the file and what is wrong with it


@dataclass(frozen=True)
class ImportReport:
    documents: list[ImportedDocument] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """One line for a status bar or the CLI: what was imported and which files were not."""
        done = f"Imported {len(self.documents)} document{'s' if len(self.documents) != 1 else ''}"
        if not self.failures:
            return done + "."
        reasons = "; ".join(f.reason.rstrip(".") for f in self.failures)
        total = len(self.documents) + len(self.failures)
        return f"{done}; {len(self.failures)} of {total} files failed: {reasons}."


def guess_meta(path: Path | str) -> DocumentMeta:
    """The metadata a file name suggests (`D07_s2_client_recall.docx`), for the dialog to show and confirm."""
    guess = guess_from_file_name(Path(path).name)
    return DocumentMeta(
        dyad=guess.dyad, session=guess.session, perspective=guess.perspective, kind=guess.kind
    )


def preview_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedTranscript:
    """Read and parse a file without storing it, so the dialog can show the turns it would create."""
    return read_transcript(path, max_bytes=max_bytes)


def _meta_for(path: Path, meta: DocumentMeta | Mapping[str, DocumentMeta] | None) -> DocumentMeta:
    if isinstance(meta, DocumentMeta):
        return meta
    if meta is not None:
        for key in (str(path), path.name):
            if key in meta:
                return meta[key]
    return guess_meta(path)


def import_files(
    project: Project,
    paths: Sequence[Path | str],
    meta: DocumentMeta | Mapping[str, DocumentMeta] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    names: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import transcript files; a bad file is reported and skipped, the others are imported.

    `names` maps a path (as given) to the document's name; by default a document is named after its file.

    `meta` is one `DocumentMeta` for every file, a mapping from path (as given, or file name) to each file's
    metadata, or None to guess it from the file names. Files are read and parsed first, outside any
    transaction (the slow part), then all are stored in one transaction with a savepoint per file: each
    file's import is atomic, one commit keeps a large batch fast, and cancelling at any point leaves the
    project exactly as before (`OperationCancelled`).
    """
    paths = [Path(p) for p in paths]
    total = len(paths) + 1
    failures: dict[int, ImportFailure] = {}
    loaded: list[tuple[int, Path, LoadedTranscript, DocumentMeta]] = []
    for index, path in enumerate(paths):
        _check_cancelled(cancelled)
        if progress:
            progress(index, total, f"Reading {path.name}")
        try:
            file_meta = _meta_for(path, meta)
            check_meta(file_meta)
            loaded.append((index, path, read_transcript(path, max_bytes=max_bytes), file_meta))
        except RapportError as exc:
            failures[index] = ImportFailure(str(path), _naming(path, exc))
    _check_cancelled(cancelled)
    if progress:
        progress(len(paths), total, f"Saving {len(loaded)} documents")
    imported: dict[int, ImportedDocument] = {}
    if loaded:
        with project.write() as session:
            for index, path, transcript, file_meta in loaded:
                _check_cancelled(cancelled)
                try:
                    with session.begin_nested():
                        imported[index] = store_document(
                            session,
                            name=(names or {}).get(str(path)) or path.stem,
                            parsed=transcript.parsed,
                            meta=file_meta,
                            source_name=path.name,
                        )
                except RapportError as exc:
                    failures[index] = ImportFailure(str(path), _naming(path, exc))
            if imported:
                audit.record(session, "import", {"documents": [imported[i].name for i in sorted(imported)],
                                                 "files": [str(loaded_path) for _, loaded_path, _, _ in loaded]})  # fmt: skip
            _check_cancelled(cancelled)
    if progress:
        progress(total, total, "Done")
    report = ImportReport(
        documents=[imported[i] for i in sorted(imported)],
        failures=[failures[i] for i in sorted(failures)],
    )
    if report.documents:
        ids = [d.id for d in report.documents]
        project.notify(Change(study=True, documents=frozenset(ids)))
    return report


def _check_cancelled(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise OperationCancelled()


def _naming(path: Path, exc: RapportError) -> str:
    """The error's message, prefixed with the file name when the message does not already name it."""
    message = str(exc)
    return message if path.name in message else f"{path.name}: {message}"


# -- participants and attributes --------------------------------------------------------------------


@dataclass(frozen=True)
class AttributesReport:
    participants: int  # rows read (participants created or updated)
    dyads: int  # dyads named in the sheet
    attributes: dict[str, str]  # attribute -> type, for the columns read (dyad ones as `dyad:NAME`)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def import_attributes(
    project: Project, path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> AttributesReport:
    """Create or update participants, their dyads and typed attributes from a CSV sheet, in one transaction.

    An attribute that already exists keeps its type; a value that does not fit it fails the whole sheet
    (naming the line and column) and nothing changes.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise ImportFailed(f"{path.name}: participant sheets must be .csv files.")
    sheet = read_attribute_sheet(read_guarded(path, max_bytes=max_bytes), path.name)
    dyad_names: set[str] = set()
    dyad_values: dict[tuple[str, str], tuple[str, int]] = {}
    with project.write() as session:
        definitions = {
            (c.scope, c.name): study.ensure_attribute(session, c.scope, c.name, c.type) for c in sheet.columns
        }
        for row in sheet.rows:
            try:
                dyad = study.ensure_dyad(session, row.dyad) if row.dyad else None
                person = study.ensure_participant(session, row.participant, row.role, dyad)
                if person.role != row.role:
                    person.role = row.role
                for column in sheet.columns:
                    value = row.values.get(column.name)
                    if value is None:
                        continue
                    definition = definitions[(column.scope, column.name)]
                    if column.scope == "participant":
                        study.set_attribute_value(session, definition, value, participant_id=person.id)
                    elif dyad is not None:
                        earlier = dyad_values.get((dyad.name, column.name))
                        if earlier is not None and earlier[0] != value:
                            raise InvalidInput(
                                f"dyad {dyad.name} has {column.name} {earlier[0]!r} on line {earlier[1]} "
                                f"but {value!r} here"
                            )
                        dyad_values[(dyad.name, column.name)] = (value, row.line)
                        study.set_attribute_value(session, definition, value, dyad_id=dyad.id)
                if dyad is not None:
                    dyad_names.add(dyad.name)
            except InvalidInput as exc:
                raise ImportFailed(f"{path.name}, line {row.line}: {exc}") from exc
        types = {
            (c.name if c.scope == "participant" else f"dyad:{c.name}"): definitions[(c.scope, c.name)].type
            for c in sheet.columns
        }
    project.notify(Change(study=True))
    return AttributesReport(participants=len(sheet.rows), dyads=len(dyad_names), attributes=types)

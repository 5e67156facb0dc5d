"""The study's structure: dyads, their numbered sessions, participants, typed attributes, and documents.

The `ensure_*` helpers work inside a caller's transaction (they take the SQLAlchemy session) so an import
can create a dyad, a session and a document atomically. The other functions are whole service calls on a
`Project` and return plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.domain import attributes
from app.domain.errors import InvalidInput
from app.services.changes import Change
from app.services.project import Project, bump_content_version
from app.storage.models import (
    DOCUMENT_KINDS,
    PERSPECTIVES,
    ROLES,
    AttributeDefinition,
    AttributeValue,
    Dyad,
    DyadMember,
    Participant,
)
from app.storage.models import Session as StudySession
from app.storage.queries import lookup
from app.storage.queries import study as queries

MAX_NAME = 200


@dataclass(frozen=True)
class TurnData:
    start: int
    end: int
    speaker: str | None
    time_start_ms: int | None
    time_end_ms: int | None
    video_ref_ms: int | None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    name: str
    dyad: str | None
    session: int | None
    perspective: str | None
    kind: str
    turns: int
    chars: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class DocumentData:
    id: int
    name: str
    text: str
    perspective: str | None
    kind: str
    dyad: str | None
    session: int | None
    turns: list[TurnData]
    source_name: str = ""
    version: int = 1  # moves on with every change of the text or turns (see document_versions)


@dataclass(frozen=True)
class DyadSummary:
    id: int
    name: str
    description: str
    sessions: list[int]
    documents: int
    members: list[tuple[str, str]]  # (participant, role)
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParticipantData:
    id: int
    name: str
    role: str
    dyads: list[str]
    attributes: dict[str, str] = field(default_factory=dict)


# -- inside a transaction --------------------------------------------------------------------------


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise InvalidInput(f"A {what} needs a name.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"The {what} name {cleaned[:40]!r}... is longer than {MAX_NAME} characters.")
    return cleaned


def ensure_dyad(session: Session, name: str) -> Dyad:
    """The dyad called `name` (case-insensitively), created when the study has none yet."""
    cleaned = _clean_name(name, "dyad")
    found = queries.dyad_by_name(session, cleaned)
    if found is None:
        found = Dyad(name=cleaned)
        session.add(found)
        session.flush()
    return found


def ensure_session(session: Session, dyad: Dyad, number: int) -> StudySession:
    """Session `number` (1, 2, ...) of `dyad`, created when missing."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 9999:
        raise InvalidInput(f"A session number must be a whole number from 1 to 9999, not {number!r}.")
    found = queries.study_session(session, dyad.id, number)
    if found is None:
        found = StudySession(dyad_id=dyad.id, number=number)
        session.add(found)
        session.flush()
    return found


def ensure_participant(session: Session, name: str, role: str, dyad: Dyad | None = None) -> Participant:
    """The participant `name` (created with `role` when new), made a member of `dyad` when given."""
    if role not in ROLES:
        raise InvalidInput(f"{role!r} is not a role (use one of {', '.join(ROLES)}).")
    cleaned = _clean_name(name, "participant")
    found = queries.participant_by_name(session, cleaned)
    if found is None:
        found = Participant(name=cleaned, role=role)
        session.add(found)
        session.flush()
    if dyad is not None and queries.membership(session, dyad.id, found.id) is None:
        session.add(DyadMember(dyad_id=dyad.id, participant_id=found.id, role=role))
        session.flush()
    return found


def ensure_attribute(session: Session, scope: str, name: str, kind: str) -> AttributeDefinition:
    """The attribute definition `name` of `scope` (participant or dyad); created with type `kind` if new."""
    cleaned = _clean_name(name, "attribute")
    found = queries.attribute_definition(session, scope, cleaned)
    if found is None:
        if kind not in attributes.ATTRIBUTE_TYPES:
            raise InvalidInput(f"{kind!r} is not an attribute type.")
        found = AttributeDefinition(scope=scope, name=cleaned, type=kind)
        session.add(found)
        session.flush()
    return found


def set_attribute_value(
    session: Session,
    definition: AttributeDefinition,
    value: object,
    *,
    participant_id: int | None = None,
    dyad_id: int | None = None,
) -> None:
    """Set (or, for None or empty text, clear) one owner's value, checked against the definition's type."""
    existing = queries.attribute_value(session, definition.id, participant_id=participant_id, dyad_id=dyad_id)
    if value is None or (isinstance(value, str) and not value.strip()):
        if existing is not None:
            session.delete(existing)
        return
    text = attributes.canonical(definition.type, value, what=definition.name)
    if existing is None:
        session.add(
            AttributeValue(
                definition_id=definition.id, participant_id=participant_id, dyad_id=dyad_id, value=text
            )
        )
    else:
        existing.value = text


# -- service calls ---------------------------------------------------------------------------------


def _apply_attributes(session: Session, scope: str, values: Mapping[str, object], **owner: int) -> None:
    for name, value in values.items():
        definition = ensure_attribute(session, scope, name, attributes.type_of_value(value))
        set_attribute_value(session, definition, value, **owner)


def set_participant_attributes(
    project: Project, participant: str | int, values: Mapping[str, object]
) -> None:
    """Set a participant's attributes by name; new attributes take the type of the value given."""
    with project.write() as session:
        person = lookup.participant(session, participant)
        _apply_attributes(session, "participant", values, participant_id=person.id)
    project.notify(Change(study=True))


def set_dyad_attributes(project: Project, dyad: str | int, values: Mapping[str, object]) -> None:
    with project.write() as session:
        found = lookup.dyad(session, dyad)
        _apply_attributes(session, "dyad", values, dyad_id=found.id)
    project.notify(Change(study=True))


def add_participant(project: Project, name: str, role: str, dyad: str | None = None) -> ParticipantData:
    """Create (or find) a participant and, when given, make them a member of `dyad` (created if new)."""
    with project.write() as session:
        found_dyad = ensure_dyad(session, dyad) if dyad else None
        person = ensure_participant(session, name, role, found_dyad)
        data = _participant_data(session, person)
    project.notify(Change(study=True))
    return data


def list_documents(project: Project) -> list[DocumentSummary]:
    with project.read() as session:
        return [DocumentSummary(*row) for row in queries.document_summaries(session)]


def get_document(project: Project, doc: str | int) -> DocumentData:
    """A document by id or unique name, with its full text and turns."""
    with project.read() as session:
        found = lookup.document(session, doc)
        dyad = session.get(Dyad, found.dyad_id) if found.dyad_id is not None else None
        study_session = session.get(StudySession, found.session_id) if found.session_id is not None else None
        turns = [TurnData(*row) for row in queries.turns_of(session, found.id)]
        return DocumentData(
            id=found.id,
            name=found.name,
            text=found.text,
            perspective=found.perspective,
            kind=found.kind,
            dyad=dyad.name if dyad else None,
            session=study_session.number if study_session else None,
            turns=turns,
            source_name=found.source_name,
            version=found.version,
        )


def list_dyads(project: Project) -> list[DyadSummary]:
    with project.read() as session:
        counts = queries.documents_per_dyad(session)
        rows = queries.dyads(session)
        values = queries.attribute_values_of(session, dyad_ids=[d.id for d in rows])
        result = []
        for dyad in rows:
            result.append(
                DyadSummary(
                    id=dyad.id,
                    name=dyad.name,
                    description=dyad.description,
                    sessions=[s.number for s in queries.sessions_of(session, dyad.id)],
                    documents=counts.get(dyad.id, 0),
                    members=queries.members_of(session, dyad.id),
                    attributes={name: value for _, d_id, name, _, value in values if d_id == dyad.id},
                )
            )
        return result


def _participant_data(session: Session, person: Participant) -> ParticipantData:
    values = queries.attribute_values_of(session, participant_ids=[person.id])
    return ParticipantData(
        id=person.id,
        name=person.name,
        role=person.role,
        dyads=queries.dyads_of_participant(session, person.id),
        attributes={name: value for _, _, name, _, value in values},
    )


def list_participants(project: Project) -> list[ParticipantData]:
    with project.read() as session:
        return [_participant_data(session, person) for person in queries.participants(session)]


def attribute_types(project: Project, scope: str = "participant") -> dict[str, str]:
    """Attribute name -> type for `scope` (participant or dyad)."""
    with project.read() as session:
        return {d.name: d.type for d in queries.attribute_definitions(session, scope)}


# -- changing and deleting documents ----------------------------------------------------------------


class Keep:
    """The type of `KEEP`: "leave this field as it is" where None already means "clear it"."""


KEEP = Keep()


@dataclass(frozen=True)
class DocumentsSnapshot:
    """Everything deleted with some documents (rows by table, original ids), for `restore_documents`."""

    document_ids: tuple[int, ...]
    rows: dict[str, list[dict[str, object]]]


def _documents_change(ids: tuple[int, ...]) -> Change:
    frozen = frozenset(ids)
    return Change(study=True, documents=frozen, codings=frozen, memos=True)


def delete_documents(project: Project, ids: Sequence[int]) -> DocumentsSnapshot:
    """Delete documents with their turns, codings and memos; the snapshot lets undo bring them all back."""
    wanted = tuple(dict.fromkeys(int(i) for i in ids))
    with project.write() as session:
        for ident in wanted:
            lookup.document(session, ident)  # NotFound for an unknown id, before anything is deleted
        rows = queries.rows_with_dependents(session, "documents", wanted)
        queries.delete_documents(session, wanted)
        bump_content_version(session)
    project.notify(_documents_change(wanted))
    return DocumentsSnapshot(wanted, rows)


def restore_documents(project: Project, snapshot: DocumentsSnapshot) -> None:
    """Re-create deleted documents and everything that hung on them, with their original ids."""
    with project.write() as session:
        queries.insert_rows(session, snapshot.rows)
        bump_content_version(session)
    project.notify(_documents_change(snapshot.document_ids))


def update_document(
    project: Project,
    doc: str | int,
    *,
    name: str | None = None,
    dyad: str | Keep | None = KEEP,
    session: int | Keep | None = KEEP,
    perspective: str | Keep | None = KEEP,
    kind: str | None = None,
) -> DocumentSummary:
    """Rename a document or move it in the study (dyad, session, perspective, kind); `KEEP` keeps a field.

    Returns the document as it was before, so undo can call this again with the old values.
    """
    with project.write() as db:
        document = lookup.document(db, doc)
        before = _summary_of(db, document.id)
        if name is not None:
            cleaned = " ".join(name.split())
            if not cleaned:
                raise InvalidInput("A document needs a name.")
            if cleaned != document.name and queries.document_name_taken(db, cleaned):
                raise InvalidInput(f"There is already a document called {cleaned!r}.")
            document.name = cleaned
        if not isinstance(perspective, Keep):
            if perspective is not None and perspective not in PERSPECTIVES:
                raise InvalidInput(
                    f"{perspective!r} is not a perspective (use one of {', '.join(PERSPECTIVES)})."
                )
            document.perspective = perspective
        if kind is not None:
            if kind not in DOCUMENT_KINDS:
                raise InvalidInput(
                    f"{kind!r} is not a document kind (use one of {', '.join(DOCUMENT_KINDS)})."
                )
            document.kind = kind
        dyad_row = db.get(Dyad, document.dyad_id) if document.dyad_id is not None else None
        if not isinstance(dyad, Keep):
            dyad_row = ensure_dyad(db, dyad) if dyad else None
            document.dyad_id = dyad_row.id if dyad_row else None
            if isinstance(session, Keep):
                session = before.session if dyad_row is not None else None  # same number, new dyad
        if not isinstance(session, Keep):
            if session is not None and dyad_row is None:
                raise InvalidInput("A session number needs a dyad: give the dyad too.")
            if session and dyad_row is not None:
                document.session_id = ensure_session(db, dyad_row, session).id
            else:
                document.session_id = None
        db.flush()
    project.notify(Change(study=True))
    return before


def _summary_of(session: Session, document_id: int) -> DocumentSummary:
    [row] = queries.document_summaries(session, document_id=document_id)
    return DocumentSummary(*row)

"""Put a REFI-QDA project (from any tool, or from Rapport itself) into a Rapport project, in one transaction.

Coders merge by GUID then name; codes merge like a codebook import (GUID, then name path). Documents, codings
and memos are always added; one whose GUID the project already holds gets a new GUID (and a document a unique
name), so importing a file twice never overwrites anything. Study structure comes from Rapport's extension
when the file is Rapport's, else from variables on the sources (`Document kind`, `Perspective`, `Dyad`,
`Session`) and from cases (a case with a `Role` is a participant, any other case a dyad); a document with
nothing to say is kind "other" without a perspective. Turns come from the extension when the text is
unchanged, else from parsing the text like any imported transcript.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput, OperationCancelled
from app.domain.transcript import parse_transcript
from app.formats.refi_common import PALETTE
from app.formats.refi_extension import RapportExtension, read_extension
from app.formats.refi_project import RefiCase, RefiProject, RefiSource, RefiValue
from app.services import study
from app.services.exchange_codes import from_refi, merge_codes
from app.services.importing import unique_document_name
from app.services.project import bump_content_version
from app.services.refi_fidelity import apply_fidelity
from app.services.refi_import_codings import import_codings, import_memos, import_sets
from app.services.refi_import_summary import summarise_changes
from app.storage.models import (
    DOCUMENT_KINDS,
    PERSPECTIVES,
    ROLES,
    AttributeDefinition,
    Coder,
    Document,
    Dyad,
    Participant,
    Turn,
    new_guid,
    utcnow,
)
from app.storage.queries import exchange as queries
from app.storage.queries import study as study_queries

_TYPES = {"Text": "text", "Integer": "integer", "Float": "float", "Boolean": "boolean", "Date": "date"}
# Variables that carry study structure, recognised by name in files without Rapport's extension.
_NAMES = {
    "case_type": ("case type",),
    "role": ("role",),
    "kind": ("document kind", "kind"),
    "perspective": ("perspective",),
    "dyad": ("dyad",),
    "session": ("session",),
}


@dataclass
class ProjectImportReport:
    documents: int = 0
    turns: int = 0
    codes_added: int = 0
    codes_merged: int = 0
    codings: int = 0
    coders: int = 0
    memos: int = 0
    dyads: int = 0
    participants: int = 0
    attributes: int = 0
    sets: int = 0
    corrections: int = 0  # entries of documents' correction histories
    origin: str = ""
    skipped: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)  # what was taken over differently, by kind
    document_ids: list[int] = field(default_factory=list)

    def skip(self, what: str, count: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + count

    def change(self, what: str, count: int = 1) -> None:
        if count:
            self.changed[what] = self.changed.get(what, 0) + count

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "document_ids"}
        data["codes"] = self.codes_added + self.codes_merged
        return data


@dataclass
class ImportState:
    """What the steps of one import share: the file, its extension, and GUID -> id maps built so far."""

    session: Session
    refi: RefiProject
    ext: RapportExtension | None
    report: ProjectImportReport
    cancelled: Callable[[], bool] | None = None
    synthetic: dict[str, str] = field(default_factory=dict)  # variable GUID -> key of _NAMES
    coder_ids: dict[str, int] = field(default_factory=dict)
    code_ids: dict[str, int] = field(default_factory=dict)
    dyad_ids: dict[str, int] = field(default_factory=dict)
    participant_ids: dict[str, int] = field(default_factory=dict)
    document_ids: dict[str, int] = field(default_factory=dict)
    coding_ids: dict[str, int] = field(default_factory=dict)  # file's coding GUID -> stored coding id
    unknown_coder: int | None = None

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise OperationCancelled()

    def coder_for(self, guid: str | None) -> int:
        """The coder of a file's user GUID; codings without a known user go to one "Imported from" coder."""
        if guid and guid in self.coder_ids:
            return self.coder_ids[guid]
        name = f"Imported from {self.refi.origin or 'another tool'}"[:200]
        self.report.change(f"codings without a known coder, given to the coder “{name}”")
        if self.unknown_coder is None:
            match = next((c for c in queries.coders(self.session) if c.name == name), None)
            if match is None:
                match = Coder(name=name, color="#777777")
                self.session.add(match)
                self.session.flush()
                self.report.coders += 1
            self.unknown_coder = match.id
        return self.unknown_coder


def _synthetic_variables(refi: RefiProject, ext: RapportExtension | None) -> dict[str, str]:
    if ext is not None and ext.variables:
        return dict(ext.variables)
    found: dict[str, str] = {}
    for variable in refi.variables:
        for key, names in _NAMES.items():
            if variable.name.strip().lower() in names:
                found[variable.guid] = key
    return found


# -- coders and codes ------------------------------------------------------------------------------


def _coders(state: ImportState) -> None:
    existing = queries.coders(state.session)
    by_guid = {c.guid.lower(): c for c in existing}
    by_name = {c.name.lower(): c for c in existing}
    for user in state.refi.users:
        coder = by_guid.get(user.guid) or by_name.get(user.name[:200].lower())
        if coder is None:
            color = state.ext.coder_colors.get(user.guid) if state.ext else None
            coder = Coder(
                guid=user.guid, name=user.name[:200], color=color or PALETTE[len(by_name) % len(PALETTE)]
            )
            state.session.add(coder)
            state.session.flush()
            by_name[coder.name.lower()] = coder
            by_guid[coder.guid.lower()] = coder
            state.report.coders += 1
        state.coder_ids[user.guid] = coder.id


def _codes(state: ImportState) -> None:
    result = merge_codes(state.session, from_refi(state.refi.codes))
    state.code_ids = result.ids_by_guid
    state.report.codes_added = len(result.added)
    state.report.codes_merged = len(result.updated) + len(result.unchanged)
    taken = {c.shortcut for c in queries.codes(state.session) if c.shortcut is not None}
    for guid, shortcut in (state.ext.shortcuts if state.ext else {}).items():
        code = queries.code_by_id(state.session, state.code_ids[guid]) if guid in state.code_ids else None
        if code is not None and code.shortcut is None and shortcut not in taken:
            code.shortcut = shortcut
            taken.add(shortcut)


# -- cases: dyads, participants, attributes --------------------------------------------------------


def _case_kind(state: ImportState, case: RefiCase) -> tuple[str, str]:
    if state.ext is not None:
        if case.guid in state.ext.participant_roles:
            return "participant", state.ext.participant_roles[case.guid]
        if case.guid in state.ext.dyads:
            return "dyad", ""
    role = kind = None
    for value in case.values:
        key = state.synthetic.get(value.variable_guid)
        if key == "role" and value.value.strip().lower() in ROLES:
            role = value.value.strip().lower()
        elif key == "case_type":
            kind = value.value.strip().lower()
    if kind == "participant" or (kind is None and role is not None):
        return "participant", role or "client"
    return "dyad", ""


def _cases(state: ImportState) -> None:
    session = state.session
    for case in state.refi.cases:
        kind, role = _case_kind(state, case)
        if kind == "participant":
            person = queries.by_guid(session, Participant, case.guid) or study_queries.participant_by_name(
                session, " ".join(case.name.split())
            )
            if person is None:
                person = study.ensure_participant(session, case.name, role)
                person.guid, person.description = case.guid, case.description
                state.report.participants += 1
            state.participant_ids[case.guid] = person.id
            _attributes(state, case.values, "participant", participant_id=person.id)
        else:
            dyad = queries.by_guid(session, Dyad, case.guid) or study_queries.dyad_by_name(
                session, " ".join(case.name.split())
            )
            if dyad is None:
                dyad = study.ensure_dyad(session, case.name)
                dyad.guid, dyad.description = case.guid, case.description
                state.report.dyads += 1
            state.dyad_ids[case.guid] = dyad.id
            _attributes(state, case.values, "dyad", dyad_id=dyad.id)
    memberships = state.ext.memberships if state.ext is not None else _memberships_from_sources(state)
    for person_guid, dyad_guid, role in memberships:
        if person_guid in state.participant_ids and dyad_guid in state.dyad_ids:
            person = session.get(Participant, state.participant_ids[person_guid])
            dyad = session.get(Dyad, state.dyad_ids[dyad_guid])
            if person is not None and dyad is not None:
                study.ensure_participant(session, person.name, role, dyad)
    for facts in state.ext.sessions if state.ext is not None else []:
        dyad = session.get(Dyad, state.dyad_ids[facts.dyad]) if facts.dyad in state.dyad_ids else None
        if dyad is not None:
            found = study.ensure_session(session, dyad, facts.number)
            found.date = found.date or facts.date
            found.media_path = found.media_path or facts.media_path


def _memberships_from_sources(state: ImportState) -> list[tuple[str, str, str]]:
    """Without Rapport's extension: a participant belongs to every dyad whose case shares a source with theirs."""
    dyad_of_source = {}
    for case in state.refi.cases:
        if case.guid in state.dyad_ids:
            for source in case.source_guids:
                dyad_of_source.setdefault(source, case.guid)
    found = []
    for case in state.refi.cases:
        if case.guid in state.participant_ids:
            role = _case_kind(state, case)[1]
            dyads = {dyad_of_source[s] for s in case.source_guids if s in dyad_of_source}
            found += [(case.guid, dyad, role) for dyad in sorted(dyads)]
    return found


def _attributes(state: ImportState, values: list[RefiValue], scope: str, **owner: int) -> None:
    variables = {v.guid: v for v in state.refi.variables}
    for value in values:
        if value.variable_guid in state.synthetic:
            continue
        variable = variables.get(value.variable_guid)
        if variable is None:
            state.report.skip("values of undeclared variables")
            continue
        kind = (state.ext.attribute_types.get(variable.guid) if state.ext else None) or _TYPES.get(
            variable.type, "text"
        )
        name = " ".join(variable.name.split())
        try:
            before = study_queries.attribute_definition(state.session, scope, name)
            definition = study.ensure_attribute(state.session, scope, name, kind)
            if before is None:
                state.report.attributes += 1
                definition.description = variable.description or ""
                if not queries.existing_guids(state.session, AttributeDefinition, [variable.guid]):
                    definition.guid = variable.guid  # the same variable in both projects
                    state.session.flush()
            study.set_attribute_value(state.session, definition, value.value, **owner)
        except InvalidInput:
            state.report.skip("attribute values that do not fit their type")


# -- documents -------------------------------------------------------------------------------------


def _documents(state: ImportState, progress: Callable[[int, int, str], None] | None) -> None:
    taken = queries.existing_guids(state.session, Document, [s.guid for s in state.refi.sources])
    case_dyad: dict[str, int] = {}
    case_person: dict[str, int] = {}
    for case in state.refi.cases:
        for source_guid in case.source_guids:
            if case.guid in state.dyad_ids:
                case_dyad.setdefault(source_guid, state.dyad_ids[case.guid])
            elif case.guid in state.participant_ids:
                case_person.setdefault(source_guid, state.participant_ids[case.guid])
    total = len(state.refi.sources)
    for index, source in enumerate(state.refi.sources):
        state.check()
        if progress:
            progress(index, total, f"Importing {source.name}")
        _document(
            state, source, source.guid in taken, case_dyad.get(source.guid), case_person.get(source.guid)
        )


def _document(
    state: ImportState, source: RefiSource, guid_taken: bool, case_dyad: int | None, case_person: int | None
) -> None:
    session = state.session
    variables = {
        state.synthetic[v.variable_guid]: v.value.strip()
        for v in source.values
        if v.variable_guid in state.synthetic
    }
    foreign = len(source.values) - sum(1 for v in source.values if v.variable_guid in state.synthetic)
    if foreign:
        state.report.skip(
            "values of variables on sources (Rapport keeps attributes on participants and dyads)", foreign
        )
    facts = state.ext.documents.get(source.guid) if state.ext else None
    kind = ((facts.kind if facts else None) or variables.get("kind") or "other").lower()
    perspective = ((facts.perspective if facts else None) or variables.get("perspective") or "").lower()
    dyad_id = (state.dyad_ids.get(facts.dyad) if facts and facts.dyad else None) or case_dyad
    if dyad_id is None and variables.get("dyad"):
        dyad_id = study.ensure_dyad(session, variables["dyad"]).id
    number: int | None = facts.session if facts else None
    if number is None and (variables.get("session") or "").isdigit():
        number = int(variables["session"])
    session_id = None
    if dyad_id is not None and number is not None and number >= 1:
        session_id = study.ensure_session(session, session.get(Dyad, dyad_id), number).id
    participant_id = (
        state.participant_ids.get(facts.participant) if facts and facts.participant else None
    ) or case_person
    text_hash = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    document = Document(
        guid=new_guid() if guid_taken else source.guid,
        name=unique_document_name(session, source.name),
        dyad_id=dyad_id,
        session_id=session_id,
        participant_id=participant_id,
        perspective=perspective if perspective in PERSPECTIVES else None,
        kind=kind if kind in DOCUMENT_KINDS else "other",
        text=source.text,
        text_hash=text_hash,
        source_name=(facts.source_name if facts and facts.source_name is not None else source.name),
        imported_at=source.created or utcnow(),
        modified_at=source.modified or source.created or utcnow(),
    )
    session.add(document)
    session.flush()
    state.document_ids[source.guid] = document.id
    stored = (
        facts.turns
        if facts and facts.text_sha256 == text_hash and _tiles(facts.turns, len(source.text))
        else None
    )
    turns = stored if stored is not None else parse_transcript(source.text).turns
    queries.bulk_insert(
        session,
        Turn,
        [
            {
                "document_id": document.id,
                "start": t.start,
                "end": t.end,
                "speaker": t.speaker[:200] if t.speaker else None,
                "time_start_ms": t.time_start_ms,
                "time_end_ms": t.time_end_ms,
                "video_ref_ms": t.video_ref_ms,
            }
            for t in turns
        ],
    )
    state.report.documents += 1
    state.report.turns += len(turns)
    state.report.document_ids.append(document.id)


def _tiles(turns, length: int) -> bool:
    """Stored turns are used only when they tile the text exactly, like parsed ones."""
    if turns is None:
        return False
    position = 0
    for turn in turns:
        if turn.start != position or turn.end < turn.start:
            return False
        position = turn.end
    return position == length


def import_refi_project(
    session: Session,
    refi: RefiProject,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ProjectImportReport:
    """Write everything of `refi` inside the caller's transaction."""
    ext = read_extension(refi.extension)
    state = ImportState(
        session, refi, ext, ProjectImportReport(origin=refi.origin, skipped=dict(refi.skipped)), cancelled
    )
    state.synthetic = _synthetic_variables(refi, ext)
    _coders(state)
    _codes(state)
    _cases(state)
    _documents(state, progress)
    import_codings(state)
    import_memos(state)
    import_sets(state)
    apply_fidelity(state)
    summarise_changes(state)
    state.check()
    if state.report.documents:
        bump_content_version(session)
    return state.report

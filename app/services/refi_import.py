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

from app.domain import attributes as attribute_rules
from app.domain.errors import InvalidInput, OperationCancelled
from app.domain.transcript import parse_transcript
from app.formats.refi_common import PALETTE
from app.formats.refi_project import RefiProject, RefiSource
from app.services import study
from app.services.exchange_codes import from_refi, merge_codes
from app.services.importing import unique_document_name
from app.services.project import bump_content_version
from app.storage.models import (
    DOCUMENT_KINDS,
    PERSPECTIVES,
    ROLES,
    Coder,
    CodeSet,
    Coding,
    Document,
    Dyad,
    Memo,
    Participant,
    SetMember,
    Turn,
    new_guid,
    utcnow,
)
from app.storage.queries import exchange as queries
from app.storage.queries import study as study_queries

_TYPES = {"Text": "text", "Integer": "integer", "Float": "float", "Boolean": "boolean", "Date": "date"}
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
    origin: str = ""
    skipped: dict[str, int] = field(default_factory=dict)
    document_ids: list[int] = field(default_factory=list)

    def skip(self, what: str, count: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + count

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "document_ids"}
        data["codes"] = self.codes_added + self.codes_merged
        return data


class _Importer:
    def __init__(self, session: Session, refi: RefiProject, cancelled: Callable[[], bool] | None) -> None:
        self.session = session
        self.refi = refi
        self.ext = (
            refi.extension if isinstance(refi.extension, dict) and refi.extension.get("rapport") else {}
        )
        self.cancelled = cancelled
        self.report = ProjectImportReport(origin=refi.origin, skipped=dict(refi.skipped))
        self.variables = {v.guid: v for v in refi.variables}
        self.synthetic = self._synthetic_variables()
        self.coder_ids: dict[str, int] = {}
        self.code_ids: dict[str, int] = {}
        self.document_ids: dict[str, int] = {}
        self.document_rows: dict[str, Document] = {}
        self.coding_ids: dict[str, int] = {}
        self.dyad_ids: dict[str, int] = {}
        self.participant_ids: dict[str, int] = {}
        self._unknown_coder: int | None = None

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise OperationCancelled()

    def _synthetic_variables(self) -> dict[str, str]:
        """Variable GUID -> role ("kind", "perspective", ...) for the variables that carry study structure."""
        found: dict[str, str] = {}
        given = self.ext.get("variables") if isinstance(self.ext.get("variables"), dict) else None
        if given:
            for key, guid in given.items():
                if key in _NAMES and isinstance(guid, str):
                    found[guid.lower()] = key
            return found
        for variable in self.refi.variables:
            for key, names in _NAMES.items():
                if variable.name.strip().lower() in names:
                    found[variable.guid] = key
        return found

    def _ext(self, section: str, guid: str) -> dict:
        value = self.ext.get(section, {})
        item = value.get(guid) if isinstance(value, dict) else None
        return item if isinstance(item, dict) else {}

    # -- coders and codes --------------------------------------------------------------------------
    def coders(self) -> None:
        existing = queries.coders(self.session)
        by_guid = {c.guid.lower(): c for c in existing}
        by_name = {c.name.lower(): c for c in existing}
        for user in self.refi.users:
            coder = by_guid.get(user.guid) or by_name.get(user.name.lower())
            if coder is None:
                color = self._ext("coders", user.guid).get("color")
                coder = Coder(
                    guid=user.guid,
                    name=user.name[:200],
                    color=color if isinstance(color, str) else PALETTE[len(by_name) % len(PALETTE)],
                )
                self.session.add(coder)
                self.session.flush()
                by_name[coder.name.lower()] = coder
                self.report.coders += 1
            self.coder_ids[user.guid] = coder.id

    def coder_for(self, guid: str | None) -> int:
        if guid and guid in self.coder_ids:
            return self.coder_ids[guid]
        if self._unknown_coder is None:
            name = f"Imported from {self.refi.origin or 'another tool'}"[:200]
            coder = queries.coders(self.session)
            match = next((c for c in coder if c.name == name), None)
            if match is None:
                match = Coder(name=name, color="#777777")
                self.session.add(match)
                self.session.flush()
                self.report.coders += 1
            self._unknown_coder = match.id
        return self._unknown_coder

    def codes(self) -> None:
        result = merge_codes(self.session, from_refi(self.refi.codes))
        self.code_ids = result.ids_by_guid
        self.report.codes_added = len(result.added)
        self.report.codes_merged = len(result.updated) + len(result.unchanged)
        for guid, extra in (
            (self.ext.get("codes") or {}).items() if isinstance(self.ext.get("codes"), dict) else []
        ):
            shortcut = extra.get("shortcut") if isinstance(extra, dict) else None
            code_id = self.code_ids.get(str(guid).lower())
            if isinstance(shortcut, int) and code_id is not None:
                code = queries.code_by_id(self.session, code_id)
                if code is not None and code.shortcut is None:
                    code.shortcut = shortcut

    # -- cases: dyads, participants, attributes ----------------------------------------------------
    def _case_kind(self, case) -> tuple[str, str | None]:
        if self.ext:
            if case.guid in (self.ext.get("participants") or {}):
                return "participant", self._ext("participants", case.guid).get("role")
            if case.guid in (self.ext.get("dyads") or {}):
                return "dyad", None
        role = None
        kind = None
        for value in case.values:
            key = self.synthetic.get(value.variable_guid)
            if key == "role" and value.value.strip().lower() in ROLES:
                role = value.value.strip().lower()
            elif key == "case_type":
                kind = value.value.strip().lower()
        if kind == "participant" or (kind is None and role is not None):
            return "participant", role or "client"
        return "dyad", None

    def cases(self) -> None:
        for case in self.refi.cases:
            kind, role = self._case_kind(case)
            if kind == "participant":
                owner = self._participant(
                    case.guid, case.name, role if role in ROLES else "client", case.description
                )
                self._attributes(case.values, "participant", participant_id=owner)
            else:
                owner = self._dyad(case.guid, case.name, case.description)
                self._attributes(case.values, "dyad", dyad_id=owner)
        for guid, extra in (
            (self.ext.get("participants") or {}).items()
            if isinstance(self.ext.get("participants"), dict)
            else []
        ):
            person = self.participant_ids.get(guid)
            for pair in extra.get("dyads", []) if isinstance(extra, dict) else []:
                if (
                    person
                    and isinstance(pair, list)
                    and len(pair) == 2
                    and pair[0] in self.dyad_ids
                    and pair[1] in ROLES
                ):
                    dyad = self.session.get(Dyad, self.dyad_ids[pair[0]])
                    participant = self.session.get(Participant, person)
                    if dyad is not None and participant is not None:
                        study.ensure_participant(self.session, participant.name, participant.role, dyad)
        for item in self.ext.get("sessions", []) if isinstance(self.ext.get("sessions"), list) else []:
            if (
                isinstance(item, dict)
                and item.get("dyad") in self.dyad_ids
                and isinstance(item.get("number"), int)
            ):
                dyad = self.session.get(Dyad, self.dyad_ids[item["dyad"]])
                if dyad is None or item["number"] < 1:
                    continue
                found = study.ensure_session(self.session, dyad, item["number"])
                if isinstance(item.get("date"), str) and found.date is None:
                    found.date = item["date"][:10]
                if isinstance(item.get("media_path"), str) and found.media_path is None:
                    found.media_path = item["media_path"]

    def _dyad(self, guid: str, name: str, description: str) -> int:
        existing = queries.by_guid(self.session, Dyad, guid)
        if existing is None:
            existing = study_queries.dyad_by_name(self.session, " ".join(name.split()))
        if existing is None:
            existing = study.ensure_dyad(self.session, name)
            existing.guid = guid
            existing.description = description or ""
            self.report.dyads += 1
        self.dyad_ids[guid] = existing.id
        return existing.id

    def _participant(self, guid: str, name: str, role: str, description: str) -> int:
        existing = queries.by_guid(self.session, Participant, guid)
        if existing is None:
            existing = study_queries.participant_by_name(self.session, " ".join(name.split()))
        if existing is None:
            existing = study.ensure_participant(self.session, name, role)
            existing.guid = guid
            existing.description = description or ""
            self.report.participants += 1
        self.participant_ids[guid] = existing.id
        return existing.id

    def _attributes(self, values, scope: str, **owner: int) -> None:
        for value in values:
            if value.variable_guid in self.synthetic:
                continue
            variable = self.variables.get(value.variable_guid)
            if variable is None:
                self.report.skip("values of undeclared variables")
                continue
            extra = self._ext("attributes", variable.guid)
            kind = (
                extra.get("type")
                if extra.get("type") in attribute_rules.ATTRIBUTE_TYPES
                else _TYPES.get(variable.type, "text")
            )
            before = study_queries.attribute_definition(self.session, scope, " ".join(variable.name.split()))
            try:
                definition = study.ensure_attribute(self.session, scope, variable.name, kind)
                if before is None:
                    self.report.attributes += 1
                    if variable.description and not definition.description:
                        definition.description = variable.description
                study.set_attribute_value(self.session, definition, value.value, **owner)
            except InvalidInput:
                self.report.skip("attribute values that do not fit their type")

    # -- documents ---------------------------------------------------------------------------------
    def documents(self, progress: Callable[[int, int, str], None] | None) -> None:
        taken = queries.existing_guids(self.session, Document, [s.guid for s in self.refi.sources])
        case_dyad: dict[str, int] = {}
        case_person: dict[str, int] = {}
        for case in self.refi.cases:
            for source_guid in case.source_guids:
                if case.guid in self.dyad_ids:
                    case_dyad.setdefault(source_guid, self.dyad_ids[case.guid])
                elif case.guid in self.participant_ids:
                    case_person.setdefault(source_guid, self.participant_ids[case.guid])
        total = len(self.refi.sources)
        for index, source in enumerate(self.refi.sources):
            self.check()
            if progress:
                progress(index, total, f"Importing {source.name}")
            self._document(
                source, source.guid in taken, case_dyad.get(source.guid), case_person.get(source.guid)
            )

    def _structure(self, source: RefiSource) -> dict[str, Any]:
        extra = self._ext("documents", source.guid)
        found: dict[str, Any] = {}
        for value in source.values:
            key = self.synthetic.get(value.variable_guid)
            if key:
                found[key] = value.value.strip()
        if extra:
            found = {
                "kind": extra.get("kind"),
                "perspective": extra.get("perspective"),
                "dyad_guid": extra.get("dyad"),
                "session": extra.get("session"),
                "participant_guid": extra.get("participant"),
                **{k: v for k, v in found.items() if k == "dyad"},
            }
        return found

    def _document(
        self, source: RefiSource, guid_taken: bool, case_dyad: int | None, case_person: int | None
    ) -> None:
        facts = self._structure(source)
        foreign = [v for v in source.values if v.variable_guid not in self.synthetic]
        if foreign:
            self.report.skip(
                "values of variables on sources (Rapport keeps attributes on participants and dyads)",
                len(foreign),
            )
        kind = str(facts.get("kind") or "other").lower()
        perspective = str(facts.get("perspective") or "").lower() or None
        dyad_id = self.dyad_ids.get(facts.get("dyad_guid") or "") or case_dyad
        if dyad_id is None and facts.get("dyad"):
            dyad_id = study.ensure_dyad(self.session, str(facts["dyad"])).id
        session_id = None
        number = facts.get("session")
        if dyad_id is not None and number not in (None, ""):
            try:
                number = int(number)
            except (TypeError, ValueError):
                number = None
            if isinstance(number, int) and number >= 1:
                dyad = self.session.get(Dyad, dyad_id)
                session_id = study.ensure_session(self.session, dyad, number).id if dyad else None
        participant_id = self.participant_ids.get(facts.get("participant_guid") or "") or case_person
        document = Document(
            guid=new_guid() if guid_taken else source.guid,
            name=unique_document_name(self.session, source.name),
            dyad_id=dyad_id,
            session_id=session_id,
            participant_id=participant_id,
            perspective=perspective if perspective in PERSPECTIVES else None,
            kind=kind if kind in DOCUMENT_KINDS else "other",
            text=source.text,
            text_hash=hashlib.sha256(source.text.encode("utf-8")).hexdigest(),
            source_name=str(self._ext("documents", source.guid).get("source_name") or source.name),
            imported_at=source.created or utcnow(),
            modified_at=source.modified or source.created or utcnow(),
        )
        self.session.add(document)
        self.session.flush()
        self.document_ids[source.guid] = document.id
        self.document_rows[source.guid] = document
        turns = self._turns(source, document)
        queries.bulk_insert(self.session, Turn, turns)
        self.report.documents += 1
        self.report.turns += len(turns)
        self.report.document_ids.append(document.id)

    def _turns(self, source: RefiSource, document: Document) -> list[dict[str, Any]]:
        extra = self._ext("documents", source.guid)
        stored = extra.get("turns")
        if (
            isinstance(stored, list)
            and extra.get("text_sha256") == document.text_hash
            and _tile(stored, len(source.text))
        ):
            return [
                {
                    "document_id": document.id,
                    "start": t[0],
                    "end": t[1],
                    "speaker": t[2] if isinstance(t[2], str) else None,
                    "time_start_ms": t[3] if isinstance(t[3], int) else None,
                    "time_end_ms": t[4] if isinstance(t[4], int) else None,
                    "video_ref_ms": t[5] if isinstance(t[5], int) else None,
                }
                for t in stored
            ]
        return [
            {
                "document_id": document.id,
                "start": t.start,
                "end": t.end,
                "speaker": t.speaker[:200] if t.speaker else None,
                "time_start_ms": t.time_start_ms,
                "time_end_ms": t.time_end_ms,
                "video_ref_ms": t.video_ref_ms,
            }
            for t in parse_transcript(source.text).turns
        ]

    # -- codings, memos, sets ----------------------------------------------------------------------
    def codings(self) -> None:
        all_guids = [c.guid for s in self.refi.sources for sel in s.selections for c in sel.codings]
        taken = queries.existing_guids(self.session, Coding, all_guids)
        seen: set[str] = set()
        for source in self.refi.sources:
            self.check()
            document_id = self.document_ids[source.guid]
            rows = []
            for selection in source.selections:
                if (
                    selection.end > len(source.text)
                    or selection.start < 0
                    or selection.start >= selection.end
                ):
                    self.report.skip("selections outside their text")
                    continue
                for coding in selection.codings:
                    code_id = self.code_ids.get(coding.code_guid)
                    if code_id is None:
                        self.report.skip("codings of codes missing from the codebook")
                        continue
                    guid = coding.guid if coding.guid not in taken and coding.guid not in seen else new_guid()
                    seen.add(guid)
                    created = coding.created or selection.created or utcnow()
                    rows.append(
                        {
                            "guid": guid,
                            "document_id": document_id,
                            "code_id": code_id,
                            "coder_id": self.coder_for(coding.user_guid or selection.user_guid),
                            "start": selection.start,
                            "end": selection.end,
                            "created_at": created,
                            "updated_at": created,
                        }
                    )
                    self.coding_guid_by_source_coding[coding.guid] = guid
            queries.bulk_insert(self.session, Coding, rows)
            self.report.codings += len(rows)
        self.coding_ids = queries.ids_by_guid(self.session, Coding, list(seen))

    coding_guid_by_source_coding: dict[str, str]

    def memos(self) -> None:
        targets: dict[str, dict[str, Any]] = {}

        def claim(note_guid: str, **target: Any) -> None:
            targets.setdefault(note_guid, target)

        for code_guid, note_guids in _code_notes(self.refi.codes):
            for note in note_guids:
                claim(note, target="code", code_id=self.code_ids.get(code_guid))
        for source in self.refi.sources:
            document_id = self.document_ids.get(source.guid)
            for selection in source.selections:
                for coding in selection.codings:
                    coding_id = self.coding_ids.get(self.coding_guid_by_source_coding.get(coding.guid, ""))
                    for note in coding.note_guids:
                        claim(note, target="coding", coding_id=coding_id)
                for note in selection.note_guids:
                    claim(
                        note,
                        target="document",
                        document_id=document_id,
                        start=selection.start,
                        end=selection.end,
                    )
            for note in source.note_guids:
                claim(note, target="document", document_id=document_id)
        for note in self.refi.note_guids:
            claim(note, target="project")
        taken = queries.existing_guids(self.session, Memo, [n.guid for n in self.refi.notes])
        rows = []
        for note in self.refi.notes:
            target = dict(targets.get(note.guid, {"target": "project"}))
            extra = self._ext("memos", note.guid)
            if extra.get("target") == "dyad" and extra.get("dyad") in self.dyad_ids:
                target = {"target": "dyad", "dyad_id": self.dyad_ids[extra["dyad"]]}
            owner = {
                "code": "code_id",
                "coding": "coding_id",
                "document": "document_id",
                "dyad": "dyad_id",
            }.get(target["target"])
            if owner and target.get(owner) is None:
                target = {"target": "project"}
            author = self.coder_ids.get(note.user_guid or "") or self.coder_ids.get(
                str(extra.get("author") or "")
            )
            created = note.created or utcnow()
            rows.append(
                {
                    "guid": note.guid if note.guid not in taken else new_guid(),
                    "target": target["target"],
                    "document_id": target.get("document_id"),
                    "code_id": target.get("code_id"),
                    "coding_id": target.get("coding_id"),
                    "dyad_id": target.get("dyad_id"),
                    "start": target.get("start"),
                    "end": target.get("end"),
                    "author_id": author,
                    "title": note.name[:300],
                    "text": note.text,
                    "created_at": created,
                    "updated_at": note.modified or created,
                }
            )
        queries.bulk_insert(self.session, Memo, rows)
        self.report.memos = len(rows)

    def sets(self) -> None:
        for refi_set in self.refi.sets:
            code_set = CodeSet(name=refi_set.name[:200], description=refi_set.description)
            if not queries.existing_guids(self.session, CodeSet, [refi_set.guid]):
                code_set.guid = refi_set.guid
            self.session.add(code_set)
            self.session.flush()
            members = [
                {"set_id": code_set.id, "code_id": self.code_ids[g], "document_id": None}
                for g in dict.fromkeys(refi_set.code_guids)
                if g in self.code_ids
            ]
            members += [
                {"set_id": code_set.id, "code_id": None, "document_id": self.document_ids[g]}
                for g in dict.fromkeys(refi_set.source_guids)
                if g in self.document_ids
            ]
            queries.bulk_insert(
                self.session, SetMember, list({(m["code_id"], m["document_id"]): m for m in members}.values())
            )
            self.report.sets += 1


def _tile(turns: list, length: int) -> bool:
    """Stored turns are usable only if they are well-formed and tile the text like parsed ones."""
    position = 0
    for turn in turns:
        if not (
            isinstance(turn, list)
            and len(turn) == 6
            and isinstance(turn[0], int)
            and isinstance(turn[1], int)
        ):
            return False
        if turn[0] != position or turn[1] < turn[0]:
            return False
        position = turn[1]
    return position == length


def _code_notes(codes) -> list[tuple[str, list[str]]]:
    found = []
    for code in codes:
        if code.note_guids:
            found.append((code.guid, code.note_guids))
        found.extend(_code_notes(code.children))
    return found


def import_refi_project(
    session: Session,
    refi: RefiProject,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ProjectImportReport:
    """Write everything of `refi` inside the caller's transaction."""
    importer = _Importer(session, refi, cancelled)
    importer.coding_guid_by_source_coding = {}
    importer.coders()
    importer.codes()
    importer.cases()
    importer.documents(progress)
    importer.codings()
    importer.memos()
    importer.sets()
    importer.check()
    if importer.report.documents:
        bump_content_version(session)
    return importer.report

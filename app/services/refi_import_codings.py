"""The second half of a REFI-QDA project import: codings, memos (notes) and sets.

Every selection's codings become separate codings, even when tools repeat the same range (NVivo does, once
per coder or per coding pass); only a coding identical to one already taken (same range, code and coder) is
skipped and reported, as the schema allows one. Notes find their target by what references them: a code, a coding, a
selection (a memo anchored to that range), a source, or the project; Rapport's extension adds memos on dyads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.formats.refi_common import RefiCode
from app.storage.models import CodeSet, Coding, Memo, SetMember, new_guid, utcnow
from app.storage.queries import exchange as queries

if TYPE_CHECKING:
    from app.services.refi_import import ImportState


def import_codings(state: ImportState) -> None:
    sources = state.refi.sources
    all_guids = [c.guid for s in sources for sel in s.selections for c in sel.codings]
    taken = queries.existing_guids(state.session, Coding, all_guids)
    given: dict[str, str] = {}  # the file's coding GUID -> the GUID stored
    for source in sources:
        state.check()
        document_id = state.document_ids[source.guid]
        rows = []
        kept: dict[tuple[int, int, int, int], str] = {}  # (code, coder, start, end) -> the GUID stored
        for selection in source.selections:
            if selection.start < 0 or selection.start >= selection.end or selection.end > len(source.text):
                state.report.skip("selections outside their text")
                continue
            for coding in selection.codings:
                code_id = state.code_ids.get(coding.code_guid)
                if code_id is None:
                    state.report.skip("codings of codes missing from the codebook")
                    continue
                coder_id = state.coder_for(coding.user_guid or selection.user_guid)
                key = (code_id, coder_id, selection.start, selection.end)
                if key in kept:  # one coder codes one range with one code once; notes go to the one kept
                    given.setdefault(coding.guid, kept[key])
                    state.report.skip("identical codings (same range, code and coder)")
                    continue
                guid = coding.guid if coding.guid not in taken and coding.guid not in given else new_guid()
                given.setdefault(coding.guid, guid)
                kept[key] = guid
                exact = state.ext.fidelity.codings.get(coding.guid) if state.ext else None  # to the microsecond
                created = (exact and exact.created) or coding.created or selection.created or utcnow()
                rows.append(
                    {
                        "guid": guid,
                        "document_id": document_id,
                        "code_id": code_id,
                        "coder_id": coder_id,
                        "start": selection.start,
                        "end": selection.end,
                        "created_at": created,
                        "updated_at": (exact and exact.updated) or created,
                    }
                )
        queries.bulk_insert(state.session, Coding, rows)
        state.report.codings += len(rows)
    stored = queries.ids_by_guid(state.session, Coding, list(given.values()))
    state.coding_ids = {source_guid: stored[guid] for source_guid, guid in given.items() if guid in stored}


def _code_notes(codes: list[RefiCode]) -> list[tuple[str, list[str]]]:
    found = []
    for code in codes:
        if code.note_guids:
            found.append((code.guid, code.note_guids))
        found.extend(_code_notes(code.children))
    return found


def _note_targets(state: ImportState) -> dict[str, dict[str, Any]]:
    """Note GUID -> where it belongs; the first reference found wins."""
    targets: dict[str, dict[str, Any]] = {}
    ranges = {note.guid: note.range for note in state.refi.notes if note.range is not None}
    for code_guid, note_guids in _code_notes(state.refi.codes):
        for note in note_guids:
            targets.setdefault(note, {"target": "code", "code_id": state.code_ids.get(code_guid)})
    for source in state.refi.sources:
        document_id = state.document_ids.get(source.guid)
        for selection in source.selections:
            for coding in selection.codings:
                for note in coding.note_guids:
                    targets.setdefault(
                        note, {"target": "coding", "coding_id": state.coding_ids.get(coding.guid)}
                    )
            for note in selection.note_guids:
                targets.setdefault(
                    note,
                    {
                        "target": "document",
                        "document_id": document_id,
                        "start": selection.start,
                        "end": selection.end,
                    },
                )
        for note in source.note_guids:
            target = {"target": "document", "document_id": document_id}
            if note in ranges:  # a note on a range of this source (QualCoder's form)
                target["start"], target["end"] = ranges[note]
            targets.setdefault(note, target)
    for note in state.refi.note_guids:
        targets.setdefault(note, {"target": "project"})
    if state.ext is not None:
        for note, dyad_guid in state.ext.memo_dyads.items():
            if dyad_guid in state.dyad_ids:
                targets[note] = {"target": "dyad", "dyad_id": state.dyad_ids[dyad_guid]}
    return targets


_OWNER = {"code": "code_id", "coding": "coding_id", "document": "document_id", "dyad": "dyad_id"}


def import_memos(state: ImportState) -> None:
    targets = _note_targets(state)
    taken = queries.existing_guids(state.session, Memo, [n.guid for n in state.refi.notes])
    rows = []
    for note in state.refi.notes:
        target = targets.get(note.guid, {"target": "project"})
        owner = _OWNER.get(target["target"])
        if owner and target.get(owner) is None:
            target = {"target": "project"}
            state.report.change("memos put on the project (what they were about was not imported)")
        author_guid = note.user_guid or (state.ext.memo_authors.get(note.guid) if state.ext else None)
        exact = state.ext.fidelity.memo_times.get(note.guid) if state.ext else None
        created = (exact[0] if exact else None) or note.created or utcnow()
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
                "author_id": state.coder_ids.get(author_guid or ""),
                "title": ""
                if state.ext and note.guid in state.ext.fidelity.untitled_memos
                else note.name[:300],
                "text": note.text,
                "created_at": created,
                "updated_at": (exact[1] if exact else None) or note.modified or created,
            }
        )
    queries.bulk_insert(state.session, Memo, rows)
    state.report.memos = len(rows)


def import_sets(state: ImportState) -> None:
    for refi_set in state.refi.sets:
        code_set = CodeSet(name=refi_set.name[:200], description=refi_set.description)
        if not queries.existing_guids(state.session, CodeSet, [refi_set.guid]):
            code_set.guid = refi_set.guid
        state.session.add(code_set)
        state.session.flush()
        members = {
            (state.code_ids[g], None): {
                "set_id": code_set.id,
                "code_id": state.code_ids[g],
                "document_id": None,
            }
            for g in refi_set.code_guids
            if g in state.code_ids
        }
        members.update(
            {
                (None, state.document_ids[g]): {
                    "set_id": code_set.id,
                    "code_id": None,
                    "document_id": state.document_ids[g],
                }
                for g in refi_set.source_guids
                if g in state.document_ids
            }
        )
        queries.bulk_insert(state.session, SetMember, list(members.values()))
        state.report.sets += 1

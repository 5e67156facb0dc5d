"""Correcting a transcript after coding: text, turns, codings and memos follow every edit.

All text changes go through `apply_text_edits` (the editor's edit mode, pseudonymisation, relabelling a
speaker), which maps every anchored position with the one set of rules in `app.domain.text_edits`, records
the edit in the document's history, and returns a snapshot from which `restore_document` brings back the exact
previous state (the GUI's undo). The search index follows by itself: it compares text hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput, NotFound
from app.domain.text_edits import TextEdit, apply_edits, diff_edits, map_spans, map_tiling
from app.domain.transcript import find_video_markers, parse_transcript, split_label
from app.services import document_versions as versions
from app.services.changes import Change
from app.services.project import Project, bump_content_version
from app.storage.models import Document, utcnow
from app.storage.queries import editing as queries


@dataclass(frozen=True)
class DocumentSnapshot:
    """Everything an edit can change in one document, with original ids: enough to undo it exactly."""

    document_id: int
    text: str
    text_hash: str
    modified_at: datetime
    turns: tuple[dict[str, Any], ...]
    codings: tuple[dict[str, Any], ...]
    memos: tuple[dict[str, Any], ...]
    history_id: int | None = None  # the history entry the edit added (removed again on undo)


@dataclass(frozen=True)
class RemovedCoding:
    id: int
    code_id: int
    coder_id: int
    text: str  # the text it covered before the edit


@dataclass(frozen=True)
class EditOutcome:
    document_id: int
    edits: tuple[TextEdit, ...]
    removed_codings: tuple[RemovedCoding, ...]  # codings whose whole text was deleted: tell the user
    snapshot: DocumentSnapshot
    version: int = 0  # the document's version after the edit
    text_hash: str = ""  # the hash of the text after the edit (what its undo expects to find)


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    coder_id: int | None
    summary: str
    edits: list[dict[str, Any]]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _snapshot(session: Session, document: Document) -> DocumentSnapshot:
    codings = queries.codings(session, document.id)
    return DocumentSnapshot(
        document_id=document.id,
        text=document.text,
        text_hash=document.text_hash,
        modified_at=document.modified_at,
        turns=tuple(queries.turns(session, document.id)),
        codings=tuple(codings),
        memos=tuple(queries.memos(session, document.id, [c["id"] for c in codings])),
    )


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"There is no document {document_id} in this project.")
    return document


def apply_text_edits(
    project: Project,
    document_id: int,
    edits: Sequence[TextEdit],
    *,
    coder_id: int | None = None,
    summary: str = "",
    expected_version: int | None = None,
) -> EditOutcome:
    """Apply edits (each against the text the previous ones left) as one action, moving everything anchored.
    With `expected_version`, refused (DocumentChangedElsewhere) when the document moved past it meanwhile."""
    edits = tuple(edits)
    with project.write() as session:
        versions.check_version(session, versions.locked(session, document_id), expected_version)
        outcome = apply_in_session(session, document_id, edits, coder_id=coder_id, summary=summary)
    project.notify(Change(documents=frozenset({document_id}), codings=frozenset({document_id}), memos=True))
    return outcome


def edit_document_text(
    project: Project,
    document_id: int,
    new_text: str,
    *,
    coder_id: int | None = None,
    summary: str = "",
    expected_version: int | None = None,
    expected_text_hash: str | None = None,
) -> EditOutcome:
    """Replace a document's text by a corrected version; the differences become the recorded edits.

    `expected_version` is the version the corrected text was made from (the editor's): when another coder
    changed the document since, nothing is saved and `DocumentChangedElsewhere` keeps `new_text` for the user.
    The differences are taken against the text in the same transaction, so no concurrent correction is undone."""
    if "\r" in new_text or new_text.startswith("\ufeff"):
        new_text = new_text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    with project.write() as session:
        document = versions.locked(session, document_id)
        versions.check_version(
            session, document, expected_version, expected_text_hash=expected_text_hash, kept_text=new_text
        )
        edits = diff_edits(document.text, new_text)
        outcome = apply_in_session(session, document_id, edits, coder_id=coder_id, summary=summary)
    project.notify(Change(documents=frozenset({document_id}), codings=frozenset({document_id}), memos=True))
    return outcome


def apply_in_session(
    session: Session, document_id: int, edits: Sequence[TextEdit], *, coder_id: int | None, summary: str
) -> EditOutcome:
    """The body of an edit inside the caller's transaction (pseudonymisation edits many documents in one)."""
    document = _document(session, document_id)
    before = _snapshot(session, document)
    text = before.text
    try:
        new_text = apply_edits(text, edits)
    except ValueError as exc:
        raise InvalidInput(f"The correction does not fit {document.name}: {exc}.") from exc
    if not edits:
        return EditOutcome(document_id, (), (), before, document.version, document.text_hash)

    removed = _move_codings(session, before, edits)
    _move_memos(session, before, edits)
    queries.replace_turns(session, document_id, _moved_turns(before, edits, new_text))
    now = utcnow()
    queries.set_document_text(session, document_id, new_text, _hash(new_text), now)
    detail = [{"start": e.start, "end": e.end, "replacement": e.replacement} for e in edits]
    history_id = queries.add_history(
        session,
        {
            "document_id": document_id,
            "coder_id": coder_id,
            "at": now,
            "summary": summary or _describe(text, edits),
            "detail_json": json.dumps(detail, ensure_ascii=False),
        },
    )
    bump_content_version(session)
    version = versions.moved_on(session, document_id)
    snapshot = DocumentSnapshot(**{**before.__dict__, "history_id": history_id})
    return EditOutcome(document_id, tuple(edits), tuple(removed), snapshot, version, _hash(new_text))


def _move_codings(
    session: Session, before: DocumentSnapshot, edits: Sequence[TextEdit]
) -> list[RemovedCoding]:
    rows = before.codings
    mapped = map_spans([(r["start"], r["end"]) for r in rows], edits)
    removed = [
        RemovedCoding(r["id"], r["code_id"], r["coder_id"], before.text[r["start"] : r["end"]])
        for r, span in zip(rows, mapped)
        if span is None
    ]
    queries.delete_codings(session, [r.id for r in removed])
    queries.update_coding_spans(
        session,
        {
            r["id"]: span
            for r, span in zip(rows, mapped)
            if span is not None and span != (r["start"], r["end"])
        },
    )
    return removed


def _move_memos(session: Session, before: DocumentSnapshot, edits: Sequence[TextEdit]) -> None:
    anchored = [m for m in before.memos if m["start"] is not None and m["end"] is not None]
    mapped = map_spans([(m["start"], m["end"]) for m in anchored], edits)
    # A memo whose anchored text is gone stays on the document, unanchored: a memo is never lost to an edit.
    queries.update_memo_anchors(session, {m["id"]: span for m, span in zip(anchored, mapped)})


def _moved_turns(before: DocumentSnapshot, edits: Sequence[TextEdit], new_text: str) -> list[dict[str, Any]]:
    turns = list(before.turns)
    if not turns:
        return []
    boundaries = map_tiling([t["start"] for t in turns] + [turns[-1]["end"]], edits)
    touched = _touched_turns(turns, edits)
    result: list[dict[str, Any]] = []
    for index, turn in enumerate(turns):
        start, end = boundaries[index], boundaries[index + 1]
        if start >= end:
            if result:  # an emptied turn disappears; keep the tiling by extending the previous one
                result[-1]["end"] = max(result[-1]["end"], end)
            continue
        row = {**turn, "start": start, "end": end}
        if index in touched:
            _reread_label(row, new_text[start:end])
        result.append(row)
    if result:
        result[0]["start"] = 0
        result[-1]["end"] = len(new_text)
    _recompute_video_refs(before.text, new_text, result)
    return result


def _touched_turns(turns: list[dict[str, Any]], edits: Sequence[TextEdit]) -> set[int]:
    """Indexes (in the original list) of turns whose text an edit changed; approximate after the first edit,
    which is enough to decide where speaker labels must be read again."""
    touched: set[int] = set()
    spans = [(t["start"], t["end"]) for t in turns]
    for edit in edits:
        for index, span in enumerate(spans):
            if span is not None and span[0] <= edit.end and edit.start <= span[1]:
                touched.add(index)
        spans = map_spans(spans, [edit])
    return touched


def _reread_label(row: dict[str, Any], turn_text: str) -> None:
    parsed = parse_transcript(turn_text)
    first = parsed.turns[0] if parsed.turns else None
    if first is not None and first.start == 0 and first.speaker:
        row["speaker"] = first.speaker[:200]
        if first.time_start_ms is not None:
            row["time_start_ms"] = first.time_start_ms


def _recompute_video_refs(old_text: str, new_text: str, rows: list[dict[str, Any]]) -> None:
    """A turn's reference is its first `[video ...]` marker, else the latest one before it (as on import)."""
    markers = find_video_markers(new_text)
    if not markers and not find_video_markers(old_text):
        return  # references that did not come from markers (none known) are left alone
    latest: int | None = None
    position = 0
    for row in rows:  # rows tile the text in order, so each marker falls in exactly one turn
        first_in_turn: int | None = None
        while position < len(markers) and markers[position][0] < row["end"]:
            if first_in_turn is None:
                first_in_turn = markers[position][1]
            latest_in_turn = markers[position][1]
            position += 1
        row["video_ref_ms"] = first_in_turn if first_in_turn is not None else latest
        if first_in_turn is not None:
            latest = latest_in_turn


def _describe(text: str, edits: Sequence[TextEdit]) -> str:
    if len(edits) == 1:
        edit = edits[0]
        old = text[edit.start : edit.end]
        if old and edit.replacement:
            return f"Replaced “{_short(old)}” with “{_short(edit.replacement)}”"
        if old:
            return f"Deleted “{_short(old)}”"
        return f"Inserted “{_short(edit.replacement)}”"
    return f"{len(edits)} corrections"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def restore_document(
    project: Project,
    snapshot: DocumentSnapshot,
    *,
    expected_version: int | None = None,
    expected_text_hash: str | None = None,
) -> int:
    """Undo: the document's text, turns, codings and memos exactly as the snapshot holds them. With
    `expected_text_hash` (the text the edit left) or `expected_version`, refused when another coder changed
    the document since. Returns the document's new version."""
    with project.write() as session:
        document = versions.locked(session, snapshot.document_id)
        versions.check_version(
            session, document, expected_version, expected_text_hash=expected_text_hash, undoing=True
        )
        version = restore_in_session(session, snapshot)
    doc = frozenset({snapshot.document_id})
    project.notify(Change(documents=doc, codings=doc, memos=True))
    return version


def restore_in_session(session: Session, snapshot: DocumentSnapshot) -> int:
    _document(session, snapshot.document_id)
    queries.set_document_text(
        session, snapshot.document_id, snapshot.text, snapshot.text_hash, snapshot.modified_at
    )
    queries.replace_turns(session, snapshot.document_id, [dict(t) for t in snapshot.turns])
    queries.replace_codings_and_memos(
        session, snapshot.document_id, [dict(c) for c in snapshot.codings], [dict(m) for m in snapshot.memos]
    )
    if snapshot.history_id is not None:
        queries.remove_history(session, snapshot.history_id)
    bump_content_version(session)
    return versions.moved_on(session, snapshot.document_id)


# -- turn structure: split, merge, relabel (no change to the text except for a relabel) ---------------


def _turn_change(
    project: Project,
    document_id: int,
    change,
    summary: str,
    coder_id: int | None,
    expected_version: int | None = None,
) -> DocumentSnapshot:
    """Rewrite a document's turns with `change(rows, text)`; rows without an "id" are new turns. The change is
    recorded in the document's history and the content version moves on (so the search index follows)."""
    with project.write() as session:
        document = versions.locked(session, document_id)
        versions.check_version(session, document, expected_version)
        before = _snapshot(session, document)
        rows = [dict(t) for t in before.turns]
        change(rows, document.text)
        queries.replace_turns(session, document_id, rows)
        history_id = _record(session, document_id, coder_id, summary)
        bump_content_version(session)
        versions.moved_on(session, document_id)
    project.notify(Change(documents=frozenset({document_id})))
    return DocumentSnapshot(**{**before.__dict__, "history_id": history_id})


def _record(session: Session, document_id: int, coder_id: int | None, summary: str) -> int:
    """A history entry for a change of the turns alone (no text edits)."""
    return queries.add_history(
        session,
        {
            "document_id": document_id,
            "coder_id": coder_id,
            "at": utcnow(),
            "summary": summary,
            "detail_json": "[]",
        },
    )


def split_turn(
    project: Project,
    document_id: int,
    position: int,
    *,
    coder_id: int | None = None,
    expected_version: int | None = None,
) -> DocumentSnapshot:
    """Split the turn containing `position` there; the new turn reads its own speaker label if it has one."""

    def change(rows: list[dict[str, Any]], text: str) -> None:
        for index, row in enumerate(rows):
            if row["start"] < position < row["end"]:
                tail = {**row, "start": position, "time_start_ms": None, "time_end_ms": None}
                tail.pop("id")
                row["end"] = position
                _reread_label(tail, text[position : tail["end"]])
                rows.insert(index + 1, tail)
                return
        raise InvalidInput("Place the cursor inside a turn, not at its edge, to split it.")

    return _turn_change(
        project, document_id, change, f"Split a turn at {position}", coder_id, expected_version
    )


def merge_turn_with_next(
    project: Project,
    document_id: int,
    turn_start: int,
    *,
    coder_id: int | None = None,
    expected_version: int | None = None,
) -> DocumentSnapshot:
    """Merge the turn starting at `turn_start` with the one after it (the first turn's speaker stays)."""

    def change(rows: list[dict[str, Any]], _text: str) -> None:
        for index, row in enumerate(rows[:-1]):
            if row["start"] == turn_start:
                following = rows.pop(index + 1)
                row["end"] = following["end"]
                row["time_end_ms"] = following["time_end_ms"] or row["time_end_ms"]
                return
        raise InvalidInput("That turn has no following turn to merge with.")

    return _turn_change(
        project,
        document_id,
        change,
        f"Merged the turn at {turn_start} with the next",
        coder_id,
        expected_version,
    )


def restore_turns(project: Project, snapshot: DocumentSnapshot) -> None:
    """Undo of a split or merge: the turns exactly as before."""
    with project.write() as session:
        queries.replace_turns(session, snapshot.document_id, [dict(t) for t in snapshot.turns])
        if snapshot.history_id is not None:
            queries.remove_history(session, snapshot.history_id)
        bump_content_version(session)
        versions.moved_on(session, snapshot.document_id)
    project.notify(Change(documents=frozenset({snapshot.document_id})))


def relabel_speaker(
    project: Project,
    document_id: int,
    turn_start: int,
    new_label: str,
    *,
    coder_id: int | None = None,
    expected_version: int | None = None,
) -> EditOutcome:
    """Change a turn's speaker. When the label is written in the text (`Client:`), the text changes too."""
    label = " ".join(new_label.split())
    if not label or len(label) > 200:
        raise InvalidInput("A speaker label needs 1 to 200 characters.")
    with project.read() as session:
        document = _document(session, document_id)
        turn = next((t for t in queries.turns(session, document_id) if t["start"] == turn_start), None)
        if turn is None:
            raise NotFound("There is no turn starting there.")
        line = document.text[turn["start"] : turn["end"]].split("\n", 1)[0]
    old = turn["speaker"]
    edits: list[TextEdit] = []
    if old:
        offset = line.find(old)
        found = split_label(line[offset:]) if offset >= 0 else None
        if found is not None and found[0] == old:
            edits.append(TextEdit(turn["start"] + offset, turn["start"] + offset + len(old), label))
    summary = f"Speaker “{old or '—'}” → “{label}”"
    with project.write() as session:
        versions.check_version(session, versions.locked(session, document_id), expected_version)
        outcome = apply_in_session(session, document_id, edits, coder_id=coder_id, summary=summary)
        rows = [dict(t) for t in queries.turns(session, document_id)]
        for row in rows:
            if row["start"] == turn_start:
                row["speaker"] = label  # also when the label is not written in the text
        queries.replace_turns(session, document_id, rows)
        if not edits:  # only the turn changed: record it here (apply_in_session records text edits)
            history_id = _record(session, document_id, coder_id, summary)
            bump_content_version(session)
            outcome = EditOutcome(
                document_id,
                (),
                (),
                DocumentSnapshot(**{**outcome.snapshot.__dict__, "history_id": history_id}),
                versions.moved_on(session, document_id),
            )
    project.notify(Change(documents=frozenset({document_id}), codings=frozenset({document_id})))
    return outcome


def document_history(project: Project, document_id: int) -> list[HistoryEntry]:
    with project.read() as session:
        _document(session, document_id)
        return [
            HistoryEntry(e.id, e.at, e.coder_id, e.summary, json.loads(e.detail_json or "[]"))
            for e in queries.history(session, document_id)
        ]

"""What a Rapport -> .qdpx -> Rapport round trip keeps beyond REFI-QDA: anchor excerpts, correction history,
exact timestamps. Written into Rapport's extension on export, applied after the rest of an import.

Only things the import itself created are touched (documents and codings it added, by their ids), so a file
can never rewrite what the project already held. A history is restored only onto the text it led to: when
the text was changed after Rapport wrote the file, the history no longer describes it and is left out (the
import summary says so).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.formats.refi_extension_facts import exact_time
from app.services.anchors import MAX_ANCHORS
from app.storage.models import Document, DocumentEdit
from app.storage.queries import codings as coding_queries
from app.storage.queries import exchange as queries
from app.storage.queries import fidelity as fidelity_queries

if TYPE_CHECKING:
    from app.services.refi_import import ImportState


def fidelity_extension(
    session: Session, data: dict[str, list[dict[str, Any]]], by_id: dict[str, dict[int, dict]]
) -> dict[str, Any]:
    """The extension keys of refi_extension_facts, from a project snapshot."""
    coders, documents = by_id["coders"], by_id["documents"]
    history: dict[str, list[dict[str, Any]]] = {}
    for edit in queries.rows(session, DocumentEdit):
        if edit["document_id"] not in documents:
            continue
        try:
            detail = json.loads(edit["detail_json"] or "[]")
        except ValueError:
            detail = []
        history.setdefault(documents[edit["document_id"]]["guid"], []).append(
            {
                "at": exact_time(edit["at"]),
                "coder": coders[edit["coder_id"]]["guid"] if edit["coder_id"] in coders else None,
                "summary": edit["summary"],
                "edits": [
                    [d["start"], d["end"], d["replacement"]]
                    for d in detail
                    if isinstance(d, dict) and {"start", "end", "replacement"} <= set(d)
                ],
            }
        )
    return {
        "codings": {
            c["guid"]: {
                "anchor": bool(c["anchor"]),
                "created": exact_time(c["created_at"]),
                "updated": exact_time(c["updated_at"]),
            }
            for c in data["codings"]
        },
        "times": {
            "documents": {
                d["guid"]: [exact_time(d["imported_at"]), exact_time(d["modified_at"])]
                for d in data["documents"]
            },
            "memos": {
                m["guid"]: [exact_time(m["created_at"]), exact_time(m["updated_at"])] for m in data["memos"]
            },
        },
        "history": history,
        "untitled_memos": [m["guid"] for m in data["memos"] if not m["title"]],
    }


def untitled_name(text: str) -> str:
    """A name for a memo without a title: QualCoder takes a note without a name for nothing."""
    first = " ".join(text.split())
    return (first[:57] + "…" if len(first) > 58 else first) or "Memo"


def apply_fidelity(state: ImportState) -> None:
    """Anchors, exact times and histories from Rapport's extension onto what this import added."""
    if state.ext is None:
        return
    facts, session = state.ext.fidelity, state.session
    for file_guid, document_id in state.document_ids.items():
        times = facts.document_times.get(file_guid)
        if times is not None and times[0] is not None:
            fidelity_queries.set_document_times(session, document_id, times[0], times[1] or times[0])
    _codings(state)
    _history(state)


def _codings(state: ImportState) -> None:
    """The imported codings chosen as anchor excerpts, at most three a code (exact times are set on insert)."""
    facts, session = state.ext.fidelity, state.session  # type: ignore[union-attr]
    chosen = [
        i for guid, i in state.coding_ids.items() if (found := facts.codings.get(guid)) and found.anchor
    ]
    if not chosen:
        return
    codes = fidelity_queries.coding_codes(session, chosen)
    room: dict[int, int] = {}
    anchors = []
    for coding_id in chosen:
        code_id = codes[coding_id]
        if code_id not in room:
            room[code_id] = MAX_ANCHORS - coding_queries.anchor_count(session, code_id)
        if room[code_id] > 0:
            room[code_id] -= 1
            anchors.append(coding_id)
        else:
            state.report.skip(f"anchor excerpts beyond {MAX_ANCHORS} a code (the codings are kept)")
    fidelity_queries.mark_anchors(session, anchors)


def _history(state: ImportState) -> None:
    ext, session = state.ext, state.session
    rows = []
    for file_guid, entries in ext.fidelity.history.items():  # type: ignore[union-attr]
        document_id = state.document_ids.get(file_guid)
        if document_id is None:
            continue
        document = session.get(Document, document_id)
        written = ext.documents.get(file_guid)  # type: ignore[union-attr]
        digest = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        if written is None or written.text_sha256 != digest:
            state.report.skip(
                "correction histories of texts changed since Rapport wrote the file", len(entries)
            )
            continue
        for entry in entries:
            rows.append(
                {
                    "document_id": document_id,
                    "coder_id": state.coder_ids.get(entry.coder or ""),
                    "at": entry.at,
                    "summary": entry.summary,
                    "detail_json": json.dumps(
                        [{"start": s, "end": e, "replacement": r} for s, e, r in entry.edits],
                        ensure_ascii=False,
                    ),
                }
            )
    queries.bulk_insert(session, DocumentEdit, rows)
    state.report.corrections = len(rows)

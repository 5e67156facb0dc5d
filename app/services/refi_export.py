"""Build the REFI-QDA picture of a Rapport project (for .qdpx export), and Rapport's extension beside it.

Mapping: coders are Users; the code tree is the CodeBook; dyads and participants are Cases (with their
attributes as Variables, a participant's role as the `Role` variable and `Case type` telling the two apart);
documents are TextSources carrying `Document kind`, `Perspective`, `Dyad` and `Session` variables; each
coding is one PlainTextSelection with one Coding by its coder; memos are Notes referenced from the project,
the code, the coding, the document, or a selection without codings for a memo anchored to a range; sets are
Sets. What REFI has no place for (turns, session dates, memo targets on dyads, colours of coders) goes into
the extension, keyed by GUID.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from app import __version__
from app.formats.refi_common import RefiCode, RefiSet, stable_guid
from app.formats.refi_memos import write_memo_descriptions
from app.formats.refi_project import (
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiValue,
    RefiVariable,
)
from app.services.exchange_codes import refi_tree
from app.services.refi_fidelity import fidelity_extension, untitled_name
from app.storage.queries import exchange as queries
from app.storage.queries import project as project_queries

EXTENSION_VERSION = 1
REFI_TYPES = {"text": "Text", "integer": "Integer", "float": "Float", "boolean": "Boolean", "date": "Date"}
# Variables Rapport adds so any tool sees the study structure; recognised again by name on import.
SYNTHETIC = {
    "case_type": "Case type",
    "role": "Role",
    "kind": "Document kind",
    "perspective": "Perspective",
    "dyad": "Dyad",
    "session": "Session",
}


def _refi_value(kind: str, value: str) -> tuple[str, str]:
    """The REFI type and lexical form of a stored attribute value (xsd:decimal has no exponent)."""
    refi = REFI_TYPES.get(kind, "Text")
    if refi == "Float":
        try:
            return refi, format(Decimal(value), "f")
        except InvalidOperation:
            return "Text", value
    return refi, value


def build_project(session: Session, name: str) -> RefiProject:
    """Everything of the project in REFI terms, positions in code points of the stored text."""
    data = queries.snapshot(session)
    project_id = project_queries.meta(session, "project_id") or name
    by_id = {table: {row["id"]: row for row in rows if "id" in row} for table, rows in data.items()}
    coders, codes, dyads = by_id["coders"], by_id["codes"], by_id["dyads"]
    documents = by_id["documents"]
    sessions, definitions = by_id["sessions"], by_id["attribute_definitions"]
    memos = data["memos"]

    refi = RefiProject(name=name, origin=f"Rapport {__version__}")
    refi.users = [RefiUser(row["guid"], row["name"]) for row in data["coders"]]
    refi.codes = refi_tree(queries.codes(session))
    synthetic = {key: stable_guid(project_id, "variable", key) for key in SYNTHETIC}
    refi.variables = [RefiVariable(synthetic[key], label) for key, label in SYNTHETIC.items()]
    refi.variables[list(SYNTHETIC).index("session")].type = "Integer"
    for row in data["attribute_definitions"]:
        refi.variables.append(
            RefiVariable(row["guid"], row["name"], REFI_TYPES.get(row["type"], "Text"), row["description"])
        )

    def values_of(owner: str, owner_id: int) -> list[RefiValue]:
        found = []
        for row in data["attribute_values"]:
            if row[owner] == owner_id:
                definition = definitions[row["definition_id"]]
                kind, text = _refi_value(definition["type"], row["value"])
                found.append(RefiValue(definition["guid"], text, kind))
        return found

    for dyad in data["dyads"]:
        case = RefiCase(dyad["guid"], dyad["name"], dyad["description"])
        case.values = [RefiValue(synthetic["case_type"], "dyad"), *values_of("dyad_id", dyad["id"])]
        case.source_guids = [d["guid"] for d in data["documents"] if d["dyad_id"] == dyad["id"]]
        refi.cases.append(case)
    for person in data["participants"]:
        case = RefiCase(person["guid"], person["name"], person["description"])
        case.values = [
            RefiValue(synthetic["case_type"], "participant"),
            RefiValue(synthetic["role"], person["role"]),
            *values_of("participant_id", person["id"]),
        ]
        case.source_guids = [d["guid"] for d in data["documents"] if d["participant_id"] == person["id"]]
        refi.cases.append(case)

    sources: dict[int, RefiSource] = {}
    for document in data["documents"]:
        values = [RefiValue(synthetic["kind"], document["kind"])]
        if document["perspective"]:
            values.append(RefiValue(synthetic["perspective"], document["perspective"]))
        if document["dyad_id"] is not None:
            values.append(RefiValue(synthetic["dyad"], dyads[document["dyad_id"]]["name"]))
        if document["session_id"] is not None:
            values.append(
                RefiValue(synthetic["session"], str(sessions[document["session_id"]]["number"]), "Integer")
            )
        source = RefiSource(
            guid=document["guid"],
            name=document["name"],
            text=document["text"],
            values=values,
            created=document["imported_at"],
            modified=document["modified_at"],
        )
        sources[document["id"]] = source
        refi.sources.append(source)

    coding_elements: dict[int, RefiCoding] = {}
    for coding in data["codings"]:
        element = RefiCoding(
            guid=coding["guid"],
            code_guid=codes[coding["code_id"]]["guid"],
            user_guid=coders[coding["coder_id"]]["guid"],
            created=coding["created_at"],
        )
        coding_elements[coding["id"]] = element
        sources[coding["document_id"]].selections.append(
            RefiSelection(
                guid=stable_guid("selection", coding["guid"]),
                start=coding["start"],
                end=coding["end"],
                user_guid=element.user_guid,
                created=coding["created_at"],
                codings=[element],
            )
        )

    code_elements: dict[str, RefiCode] = {}

    def index(tree: list[RefiCode]) -> None:
        for code in tree:
            code_elements[code.guid] = code
            index(code.children)

    index(refi.codes)
    for memo in memos:
        author = coders.get(memo["author_id"]) if memo["author_id"] is not None else None
        note = RefiNote(
            guid=memo["guid"],
            name=memo["title"] or untitled_name(memo["text"]),
            text=memo["text"],
            user_guid=author["guid"] if author else None,
            created=memo["created_at"],
            modified=memo["updated_at"],
            in_file=True,
        )
        refi.notes.append(note)
        target = memo["target"]
        if target == "project":
            refi.note_guids.append(memo["guid"])
        elif target == "code" and memo["code_id"] in codes:
            code_elements[codes[memo["code_id"]]["guid"]].note_guids.append(memo["guid"])
        elif target == "coding" and memo["coding_id"] in coding_elements:
            coding_elements[memo["coding_id"]].note_guids.append(memo["guid"])
            note.in_file = False  # its text goes to the selection's Description for other tools
        elif target == "document" and memo["document_id"] in sources:
            sources[memo["document_id"]].note_guids.append(memo["guid"])
            if memo["start"] is not None and memo["end"] is not None and memo["start"] < memo["end"]:
                note.range = (memo["start"], memo["end"])
    write_memo_descriptions(refi)
    for source in refi.sources:
        source.selections.sort(key=lambda s: (s.start, s.end))

    members = data["set_members"]
    for code_set in data["sets"]:
        mine = [m for m in members if m["set_id"] == code_set["id"]]
        refi.sets.append(
            RefiSet(
                guid=code_set["guid"],
                name=code_set["name"],
                description=code_set["description"],
                code_guids=[codes[m["code_id"]]["guid"] for m in mine if m["code_id"] in codes],
                source_guids=[
                    documents[m["document_id"]]["guid"] for m in mine if m["document_id"] in documents
                ],
            )
        )
    refi.extension = _extension(data, by_id, synthetic)
    refi.extension.update(fidelity_extension(session, data, by_id))
    return refi


def _extension(
    data: dict[str, list[dict[str, Any]]], by_id: dict[str, dict[int, dict]], synthetic: dict
) -> dict:
    """Rapport's facts without a REFI place, keyed by GUID, so a Rapport-to-Rapport round trip loses nothing."""
    dyads, participants, coders = by_id["dyads"], by_id["participants"], by_id["coders"]
    codes, documents, codings = by_id["codes"], by_id["documents"], by_id["codings"]
    sessions = by_id["sessions"]
    turns: dict[int, list[list]] = {}
    for turn in data["turns"]:
        turns.setdefault(turn["document_id"], []).append(
            [
                turn["start"],
                turn["end"],
                turn["speaker"],
                turn["time_start_ms"],
                turn["time_end_ms"],
                turn["video_ref_ms"],
            ]
        )

    def guid(table: dict[int, dict], key: int | None) -> str | None:
        return table[key]["guid"] if key is not None and key in table else None

    return {
        "rapport": EXTENSION_VERSION,
        "variables": synthetic,
        "coders": {c["guid"]: {"color": c["color"]} for c in data["coders"]},
        "codes": {c["guid"]: {"shortcut": c["shortcut"]} for c in data["codes"] if c["shortcut"] is not None},
        "dyads": {d["guid"]: {"description": d["description"]} for d in data["dyads"]},
        "sessions": [
            {
                "dyad": dyads[s["dyad_id"]]["guid"],
                "number": s["number"],
                "date": s["date"],
                "media_path": s["media_path"],
            }
            for s in data["sessions"]
        ],
        "participants": {
            p["guid"]: {
                "role": p["role"],
                "dyads": [
                    [dyads[m["dyad_id"]]["guid"], m["role"]]
                    for m in data["dyad_members"]
                    if m["participant_id"] == p["id"]
                ],
            }
            for p in data["participants"]
        },
        "attributes": {
            a["guid"]: {"scope": a["scope"], "type": a["type"]} for a in data["attribute_definitions"]
        },
        "documents": {
            d["guid"]: {
                "kind": d["kind"],
                "perspective": d["perspective"],
                "dyad": guid(dyads, d["dyad_id"]),
                "session": sessions[d["session_id"]]["number"] if d["session_id"] in sessions else None,
                "participant": guid(participants, d["participant_id"]),
                "source_name": d["source_name"],
                "text_sha256": hashlib.sha256(d["text"].encode("utf-8")).hexdigest(),
                "turns": turns.get(d["id"], []),
            }
            for d in data["documents"]
        },
        "memos": {
            m["guid"]: {
                "target": m["target"],
                "document": guid(documents, m["document_id"]),
                "code": guid(codes, m["code_id"]),
                "coding": guid(codings, m["coding_id"]),
                "dyad": guid(dyads, m["dyad_id"]),
                "start": m["start"],
                "end": m["end"],
                "author": guid(coders, m["author_id"]),
            }
            for m in data["memos"]
        },
    }

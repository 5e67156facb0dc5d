"""Rapport's extension inside a .qdpx (`rapport/extension.json`), read defensively into typed facts.

The extension carries what REFI-QDA has no place for (turns, dyad membership, session dates, memo targets on
dyads, coder colours, attribute scopes and types). Rapport writes it, but a file is hostile until proven
otherwise: every value is checked for its type here, once, and anything malformed is simply ignored, so the
importer never meets a list where it expects a GUID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain.attributes import ATTRIBUTE_TYPES
from app.formats.refi_common import clean_color, clean_guid
from app.formats.refi_extension_facts import FidelityFacts, read_fidelity

ROLES = ("client", "therapist", "interpreter", "researcher")
VARIABLE_KEYS = ("case_type", "role", "kind", "perspective", "dyad", "session")


@dataclass(frozen=True)
class TurnFacts:
    start: int
    end: int
    speaker: str | None
    time_start_ms: int | None
    time_end_ms: int | None
    video_ref_ms: int | None


@dataclass(frozen=True)
class DocumentFacts:
    kind: str | None = None
    perspective: str | None = None
    dyad: str | None = None  # GUID
    session: int | None = None
    participant: str | None = None  # GUID
    source_name: str | None = None
    text_sha256: str | None = None
    turns: tuple[TurnFacts, ...] | None = None


@dataclass(frozen=True)
class SessionFacts:
    dyad: str
    number: int
    date: str | None
    media_path: str | None


@dataclass
class RapportExtension:
    variables: dict[str, str] = field(default_factory=dict)  # variable GUID -> VARIABLE_KEYS entry
    coder_colors: dict[str, str] = field(default_factory=dict)
    shortcuts: dict[str, int] = field(default_factory=dict)
    dyads: set[str] = field(default_factory=set)
    participant_roles: dict[str, str] = field(default_factory=dict)
    memberships: list[tuple[str, str, str]] = field(default_factory=list)  # participant, dyad, role
    sessions: list[SessionFacts] = field(default_factory=list)
    attribute_types: dict[str, str] = field(default_factory=dict)
    documents: dict[str, DocumentFacts] = field(default_factory=dict)
    memo_dyads: dict[str, str] = field(default_factory=dict)  # memo GUID -> dyad GUID
    memo_authors: dict[str, str] = field(default_factory=dict)
    fidelity: FidelityFacts = field(default_factory=FidelityFacts)  # anchors, history, exact times


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _guid_items(value: Any) -> list[tuple[str, dict]]:
    return [(g, v) for k, v in _dict(value).items() if (g := clean_guid(_text(k))) and isinstance(v, dict)]


def _turns(value: Any) -> tuple[TurnFacts, ...] | None:
    if not isinstance(value, list):
        return None
    turns = []
    for item in value:
        if not isinstance(item, list) or len(item) != 6:
            return None
        start, end = _int(item[0]), _int(item[1])
        if start is None or end is None:
            return None
        speaker = _text(item[2])
        turns.append(
            TurnFacts(
                start, end, speaker[:200] if speaker else None, _int(item[3]), _int(item[4]), _int(item[5])
            )
        )
    return tuple(turns)


def read_extension(raw: dict) -> RapportExtension | None:
    """The typed facts of an extension dict, or None when there is none (another tool's file)."""
    if not raw or not _int(raw.get("rapport")):
        return None
    ext = RapportExtension()
    for key, guid in _dict(raw.get("variables")).items():
        if key in VARIABLE_KEYS and (clean := clean_guid(_text(guid))):
            ext.variables[clean] = key
    for guid, item in _guid_items(raw.get("coders")):
        if color := clean_color(_text(item.get("color"))):
            ext.coder_colors[guid] = color
    for guid, item in _guid_items(raw.get("codes")):
        shortcut = _int(item.get("shortcut"))
        if shortcut is not None and 1 <= shortcut <= 9:
            ext.shortcuts[guid] = shortcut
    ext.dyads = {guid for guid, _ in _guid_items(raw.get("dyads"))}
    for guid, item in _guid_items(raw.get("participants")):
        role = _text(item.get("role"))
        if role in ROLES:
            ext.participant_roles[guid] = role
        for pair in item.get("dyads") if isinstance(item.get("dyads"), list) else []:
            if (
                isinstance(pair, list)
                and len(pair) == 2
                and (dyad := clean_guid(_text(pair[0])))
                and pair[1] in ROLES
            ):
                ext.memberships.append((guid, dyad, pair[1]))
    for item in raw.get("sessions") if isinstance(raw.get("sessions"), list) else []:
        item = _dict(item)
        dyad, number = clean_guid(_text(item.get("dyad"))), _int(item.get("number"))
        if dyad and number is not None and number >= 1:
            date = _text(item.get("date"))
            ext.sessions.append(
                SessionFacts(dyad, number, date[:10] if date else None, _text(item.get("media_path")))
            )
    for guid, item in _guid_items(raw.get("attributes")):
        if item.get("type") in ATTRIBUTE_TYPES:
            ext.attribute_types[guid] = item["type"]
    for guid, item in _guid_items(raw.get("documents")):
        ext.documents[guid] = DocumentFacts(
            kind=_text(item.get("kind")),
            perspective=_text(item.get("perspective")),
            dyad=clean_guid(_text(item.get("dyad"))),
            session=_int(item.get("session")),
            participant=clean_guid(_text(item.get("participant"))),
            source_name=_text(item.get("source_name")),
            text_sha256=_text(item.get("text_sha256")),
            turns=_turns(item.get("turns")),
        )
    for guid, item in _guid_items(raw.get("memos")):
        if item.get("target") == "dyad" and (dyad := clean_guid(_text(item.get("dyad")))):
            ext.memo_dyads[guid] = dyad
        if author := clean_guid(_text(item.get("author"))):
            ext.memo_authors[guid] = author
    ext.fidelity = read_fidelity(raw)
    return ext

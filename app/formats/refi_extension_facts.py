"""The fidelity part of Rapport's extension in a .qdpx: what a Rapport -> .qdpx -> Rapport round trip must not
lose although REFI-QDA has no place for it: anchor excerpts, every document's correction history, and exact
timestamps (REFI's xsd:dateTime as tools write it keeps whole seconds).

Layout written by Rapport (all keys optional, keyed by GUID):

    "codings": {guid: {"anchor": true, "created": iso, "updated": iso}}
    "times":   {"documents": {guid: [imported iso, modified iso]}, "memos": {guid: [created iso, updated iso]}}
    "history": {document guid: [{"at": iso, "coder": guid|null, "summary": str, "edits": [[start, end, text]]}]}
    "untitled_memos": [memo guid, ...]   (their notes carry a name made from the text, for other tools)

Read like the rest of the extension: hostile until proven otherwise, anything malformed is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.formats.refi_common import clean_guid

MAX_SUMMARY = 2000


@dataclass(frozen=True)
class CodingFacts:
    anchor: bool = False
    created: datetime | None = None
    updated: datetime | None = None


@dataclass(frozen=True)
class EditFacts:
    at: datetime
    coder: str | None  # GUID
    summary: str
    edits: tuple[tuple[int, int, str], ...]  # start, end, replacement: what the correction did


@dataclass
class FidelityFacts:
    codings: dict[str, CodingFacts] = field(default_factory=dict)
    document_times: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    memo_times: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    history: dict[str, tuple[EditFacts, ...]] = field(default_factory=dict)
    untitled_memos: set[str] = field(default_factory=set)  # written with a made-up name for other tools


def exact_time(value: datetime | None) -> str | None:
    """A naive UTC datetime with its microseconds, as written in the extension."""
    return value.isoformat() if value is not None else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is None else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _pair(value: Any) -> tuple[datetime | None, datetime | None] | None:
    if isinstance(value, list) and len(value) == 2:
        return _time(value[0]), _time(value[1])
    return None


def _edits(value: Any) -> tuple[tuple[int, int, str], ...] | None:
    if not isinstance(value, list):
        return None
    found = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)):
            return None
        start, end = item[0], item[1]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (start, end)):
            return None
        found.append((start, end, item[2]))
    return tuple(found)


def _entries(value: Any) -> tuple[EditFacts, ...] | None:
    if not isinstance(value, list):
        return None
    entries = []
    for item in value:
        item = _dict(item)
        at, edits, summary = _time(item.get("at")), _edits(item.get("edits")), item.get("summary")
        if at is None or edits is None or not isinstance(summary, str):
            return None
        coder = item.get("coder")
        entries.append(EditFacts(at, clean_guid(coder) if isinstance(coder, str) else None,
                                 summary[:MAX_SUMMARY], edits))  # fmt: skip
    return tuple(entries)


def read_fidelity(raw: dict) -> FidelityFacts:
    facts = FidelityFacts()
    for key, item in _dict(raw.get("codings")).items():
        guid, item = clean_guid(key if isinstance(key, str) else None), _dict(item)
        if guid:
            facts.codings[guid] = CodingFacts(
                item.get("anchor") is True, _time(item.get("created")), _time(item.get("updated"))
            )
    times = _dict(raw.get("times"))
    for name, target in (("documents", facts.document_times), ("memos", facts.memo_times)):
        for key, value in _dict(times.get(name)).items():
            guid, pair = clean_guid(key if isinstance(key, str) else None), _pair(value)
            if guid and pair is not None:
                target[guid] = pair
    for key, value in _dict(raw.get("history")).items():
        guid, entries = clean_guid(key if isinstance(key, str) else None), _entries(value)
        if guid and entries:
            facts.history[guid] = entries
    untitled = raw.get("untitled_memos")
    for item in untitled if isinstance(untitled, list) else []:
        if guid := clean_guid(item if isinstance(item, str) else None):
            facts.untitled_memos.add(guid)
    return facts

"""Team coding: send blind copies out to coders, then merge their work back without duplicates.

Copies keep the project's ids and GUIDs, so merging matches documents by identity (GUID) and then by content
hash, codes by GUID and then by name path, coders by GUID and then by name. A document whose text changed in
a copy is reported, never merged blindly. Codings are appended per coder, skipping exact duplicates, and memos
keep their authors. A dry run gives the same summary without writing; a real merge is one transaction and
returns what it added so it can be undone.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.errors import InvalidInput, NotARapportProject, ReadOnlyProject
from app.services import audit, server_limits
from app.services.changes import EVERYTHING
from app.services.project import Project, open_project
from app.storage import migrate
from app.storage.models import Code, Coder, Coding, Memo
from app.storage.queries import lookup
from app.storage.queries import project as project_queries
from app.storage.queries import team as queries


@dataclass
class CopySummary:
    copy: str
    added_codings: Counter = field(default_factory=Counter)  # coder name -> codings added
    duplicate_codings: int = 0
    added_codes: list[str] = field(default_factory=list)
    added_coders: list[str] = field(default_factory=list)
    added_memos: int = 0
    changed_memos: int = 0  # memos the copy edited: added beside ours as the copy's version
    skipped_memos: int = 0  # memos whose document, coding, code or dyad is not in the project
    conflicts: list[str] = field(default_factory=list)  # documents changed or unknown, with the reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "copy": self.copy,
            "added_codings": dict(self.added_codings),
            "duplicate_codings": self.duplicate_codings,
            "added_codes": self.added_codes,
            "added_coders": self.added_coders,
            "added_memos": self.added_memos,
            "changed_memos": self.changed_memos,
            "skipped_memos": self.skipped_memos,
            "conflicts": self.conflicts,
        }


@dataclass
class MergeOutcome:
    copies: list[CopySummary]
    dry_run: bool
    inserted: dict[str, list[int]] = field(default_factory=dict)  # table -> ids added (for undo)

    def as_dict(self) -> dict[str, Any]:
        totals: Counter = Counter()
        for copy in self.copies:
            totals.update(copy.added_codings)
        return {
            "dry_run": self.dry_run,
            "added_codings": dict(totals),
            "conflicts": [c for copy in self.copies for c in copy.conflicts],
            "copies": [copy.as_dict() for copy in self.copies],
        }


def _safe_file_part(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "coder"


def send_out_copies(project: Project, coders: list[str], folder: Path) -> list[Path]:
    """One copy of the project per coder, holding only that coder's codings (blind coding). A project file's
    business: on a server the coders work in the project itself."""
    server_limits.refuse_on_server(project, server_limits.SEND_OUT)
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"The folder {folder} does not exist.")
    names = [c.strip() for c in coders if c.strip()]
    if not names or len(set(names)) != len(names):
        raise InvalidInput("Name each coder once to send copies out.")
    made: list[Path] = []
    for name in names:
        target = folder / f"{project.path.stem}-{_safe_file_part(name)}.rapport"
        if target.exists():
            raise InvalidInput(f"{target.name} already exists in {folder}; choose an empty folder.")
        migrate.copy_database(project.path, target)
        with open_project(target) as copy, copy.write() as session:
            coder = lookup.optional_coder_by_name(session, name)
            if coder is None:
                coder = Coder(name=name)
                session.add(coder)
                session.flush()
            queries.delete_codings_except_coder(session, coder.id)
            project_queries.set_meta(session, "assigned_coder", name)
            # its own id, so the copy's search index and backups never mix with the project's
            project_queries.set_meta(session, "project_id", str(uuid.uuid4()))
        made.append(target)
    audit.record_event(
        project, "export", {"what": "blind coder copies", "to": [str(p.resolve()) for p in made]}
    )
    return made


def _code_paths(codes: list[dict[str, Any]]) -> dict[int, str]:
    by_id = {c["id"]: c for c in codes}
    paths: dict[int, str] = {}

    def path(code_id: int) -> str:
        if code_id not in paths:
            code = by_id[code_id]
            parent = code["parent_id"]
            paths[code_id] = (path(parent) + "/" if parent in by_id else "") + code["name"]
        return paths[code_id]

    for code_id in by_id:
        path(code_id)
    return paths


def _read_copy(path: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        copy = open_project(path, read_only=True)
    except ReadOnlyProject:
        copy = open_project(path)  # an older copy: upgrade it first (after its own backup)
    with contextlib.closing(copy), copy.read() as session:
        return {
            "documents": queries.documents(session),
            "codes": queries.codes(session),
            "coders": queries.coders(session),
            "codings": queries.codings(session),
            "memos": queries.memos(session),
            "dyads": queries.dyads(session),
        }


def merge_copies(project: Project, copies: list[Path], *, dry_run: bool = False) -> MergeOutcome:
    """Bring coders' copies back into `project` (a dry run changes nothing)."""
    if not copies:
        raise InvalidInput("Choose at least one copy to merge.")
    data = []
    for path in copies:
        path = Path(path)
        if project.path is not None and path.resolve() == project.path:
            raise InvalidInput("A project cannot be merged into itself.")
        try:
            data.append((path, _read_copy(path)))
        except NotARapportProject as exc:
            raise NotARapportProject(f"Cannot merge {path.name}: {exc}") from exc
    outcome = MergeOutcome([], dry_run)
    inserted: dict[str, list[int]] = {"codings": [], "memos": [], "codes": [], "coders": []}
    try:
        with project.write() as session:
            for path, copy in data:
                outcome.copies.append(_merge_one(session, path.name, copy, inserted))
            if dry_run:
                raise _DryRunDone
            audit.record(
                session, "merge", {"copies": [str(path.resolve()) for path, _ in data]}
            )  # roll the whole merge back: the summary is all a dry run keeps
    except _DryRunDone:
        return outcome
    outcome.inserted = inserted
    project.notify(EVERYTHING)
    return outcome


class _DryRunDone(Exception):
    """Raised inside the merge transaction of a dry run so that it rolls back."""


def _merge_one(session, name: str, copy: dict, inserted: dict[str, list[int]]) -> CopySummary:
    summary = CopySummary(name)
    doc_map = _match_documents(session, copy["documents"], summary)
    code_map = _match_codes(session, copy["codes"], summary, inserted)
    coder_map, coder_names = _match_coders(session, copy["coders"], summary, inserted)
    existing = queries.codings(session)
    seen_keys = {
        (c["document_id"], c["code_id"], c["coder_id"], c["start"], c["end"]): c["id"] for c in existing
    }
    seen_guids = {c["guid"]: c["id"] for c in existing}
    coding_map: dict[int, int] = {}  # the copy's coding id -> ours (also for duplicates, so memos attach)
    for coding in copy["codings"]:
        document = doc_map.get(coding["document_id"])
        if document is None:
            continue
        key = (
            document,
            code_map[coding["code_id"]],
            coder_map[coding["coder_id"]],
            coding["start"],
            coding["end"],
        )
        if key in seen_keys or coding["guid"] in seen_guids:
            summary.duplicate_codings += 1
            coding_map[coding["id"]] = seen_keys.get(key) or seen_guids[coding["guid"]]
            continue
        row = {k: v for k, v in coding.items() if k not in ("id", "document_id", "code_id", "coder_id")}
        new_id = queries.insert_one(
            session, Coding, {**row, "document_id": key[0], "code_id": key[1], "coder_id": key[2]}
        )
        coding_map[coding["id"]] = new_id
        inserted["codings"].append(new_id)
        seen_keys[key] = new_id
        seen_guids[coding["guid"]] = new_id
        summary.added_codings[coder_names[key[2]]] += 1
    ours = {d["name"]: d["id"] for d in queries.dyads(session)}  # copies keep the project's dyads, by name
    dyad_map = {d["id"]: ours[d["name"]] for d in copy.get("dyads", []) if d["name"] in ours}
    maps = {"document": doc_map, "code": code_map, "coding": coding_map, "dyad": dyad_map}
    _merge_memos(session, copy["memos"], maps, coder_map, summary, inserted)
    return summary


def _match_documents(session, documents: list[dict[str, Any]], summary: CopySummary) -> dict[int, int]:
    ours = queries.documents(session)
    by_guid = {d["guid"]: d for d in ours}
    by_hash = {d["text_hash"]: d for d in ours}
    mapping: dict[int, int] = {}
    for document in documents:
        mine = by_guid.get(document["guid"])
        if mine is not None and mine["text_hash"] != document["text_hash"]:
            summary.conflicts.append(
                f"{document['name']}: its text differs between the copy and the project; its codings were "
                "not merged (correct the text in one place, then merge again)"
            )
            continue
        mine = mine or by_hash.get(document["text_hash"])
        if mine is None:
            summary.conflicts.append(
                f"{document['name']}: not in this project; import it here first, then merge again"
            )
            continue
        mapping[document["id"]] = mine["id"]
    return mapping


def _match_codes(session, codes, summary: CopySummary, inserted) -> dict[int, int]:
    ours = queries.codes(session)
    by_guid = {c["guid"]: c["id"] for c in ours}
    our_paths = {path: code_id for code_id, path in _code_paths(ours).items()}
    their_paths = _code_paths(codes)
    mapping: dict[int, int] = {}
    for code in codes:  # parents come before children (ids grow), so a new child finds its new parent
        found = by_guid.get(code["guid"]) or our_paths.get(their_paths[code["id"]])
        if found is None:
            row = {k: v for k, v in code.items() if k not in ("id", "parent_id")}
            row["parent_id"] = mapping.get(code["parent_id"]) if code["parent_id"] else None
            found = queries.insert_one(session, Code, row)
            inserted["codes"].append(found)
            summary.added_codes.append(their_paths[code["id"]])
        mapping[code["id"]] = found
    return mapping


def _match_coders(session, coders, summary: CopySummary, inserted) -> tuple[dict[int, int], dict[int, str]]:
    ours = queries.coders(session)
    by_guid = {c["guid"]: c["id"] for c in ours}
    by_name = {c["name"].casefold(): c["id"] for c in ours}
    names = {c["id"]: c["name"] for c in ours}
    mapping: dict[int, int] = {}
    for coder in coders:
        found = by_guid.get(coder["guid"]) or by_name.get(coder["name"].casefold())
        if found is None:
            found = queries.insert_one(session, Coder, {k: v for k, v in coder.items() if k != "id"})
            inserted["coders"].append(found)
            summary.added_coders.append(coder["name"])
            names[found] = coder["name"]
            by_name[coder["name"].casefold()] = found
        mapping[coder["id"]] = found
    return mapping, names


def _merge_memos(session, memos, maps, coder_map, summary, inserted) -> None:
    """Add the copy's new memos, re-attached to our documents, codes, codings and dyads. A memo both sides
    hold (same GUID) but the copy changed is added beside ours as the copy's version (nothing is
    overwritten); one whose target is not here is counted as skipped."""
    existing = {m["guid"]: m for m in queries.memos(session)}
    versions = {(m["title"], m["text"]) for m in existing.values()}
    for memo in memos:
        row = {k: v for k, v in memo.items() if k != "id"}
        ours = existing.get(memo["guid"])
        if ours is not None:
            same = (ours["title"], ours["text"]) == (memo["title"], memo["text"])
            if same or (memo["updated_at"] or ours["updated_at"]) <= ours["updated_at"]:
                continue  # unchanged, or changed only here
            row["guid"] = str(uuid.uuid4())
            row["title"] = f"{memo['title'] or 'Memo'} (version from {summary.copy})"
            if (row["title"], row["text"]) in versions:
                continue  # merged before
            summary.changed_memos += 1
        target = memo["target"]
        key = f"{target}_id"
        if target in maps:
            row[key] = maps[target].get(memo[key])
            if row[key] is None:
                summary.skipped_memos += 1
                continue
        row["author_id"] = coder_map.get(memo["author_id"]) if memo["author_id"] else None
        inserted["memos"].append(queries.insert_one(session, Memo, row))
        summary.added_memos += 1


def undo_merge(project: Project, outcome: MergeOutcome) -> None:
    """Remove exactly what a merge added."""
    with project.write() as session:
        queries.delete_ids(session, Memo, outcome.inserted.get("memos", []))
        queries.delete_ids(session, Coding, outcome.inserted.get("codings", []))
        queries.delete_ids(session, Code, sorted(outcome.inserted.get("codes", []), reverse=True))
        queries.delete_ids(session, Coder, outcome.inserted.get("coders", []))
    project.notify(EVERYTHING)

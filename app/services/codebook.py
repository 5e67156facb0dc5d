"""The hierarchical codebook: themes with the definitions a team agrees on, and every change undoable.

Names are unique among siblings (case-insensitive); colours are `#rrggbb`; a shortcut digit 1-9 belongs to at
most one code (giving it to another code takes it from the first). Deleting or merging returns a snapshot of
every row it removed or moved, and `restore_code` / `unmerge_codes` put them back with their original ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import InvalidInput, NotFound
from app.domain.names import normalise_name
from app.paths import resources_dir
from app.services.changes import Change, code_edits_change
from app.services.project import Project
from app.storage.concurrent_writes import names_in_turn
from app.storage.models import Code, Coding, Memo, SetMember, new_guid
from app.storage.queries import codebook as queries

# A palette of distinct, print-friendly colours for new codes (Tol's muted and light schemes).
PALETTE = (
    "#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933", "#aa4499",
    "#ee8866", "#77aadd", "#eedd88", "#ffaabb", "#99ddff", "#bbcc33", "#6699cc",
)  # fmt: skip
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass(frozen=True)
class CodeData:
    id: int
    guid: str
    parent_id: int | None
    name: str
    color: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    shortcut: int | None = None
    position: int = 0
    codable: bool = True
    depth: int = 0
    path: str = ""
    # Usage for the coders asked about (all when none were named); not part of a code's identity.
    codings: int = field(default=0, compare=False)
    documents: int = field(default=0, compare=False)


@dataclass(frozen=True)
class CodeSnapshot:
    """Rows removed by a deletion, enough to restore them exactly."""

    codes: tuple[dict[str, Any], ...]
    codings: tuple[dict[str, Any], ...]
    memos: tuple[dict[str, Any], ...]
    set_members: tuple[dict[str, Any], ...] = ()

    @property
    def code_id(self) -> int:
        return self.codes[0]["id"]


@dataclass(frozen=True)
class MergeSnapshot:
    source: CodeSnapshot  # the source code row, and duplicate codings (with their memos) that collapsed
    target_id: int
    moved_codings: tuple[int, ...] = ()
    moved_children: tuple[tuple[int, int], ...] = ()  # (child id, old position)
    moved_memos: tuple[int, ...] = ()
    moved_members: tuple[int, ...] = field(default=())


def check_color(color: str) -> str:
    if not _COLOR.match(color or ""):
        raise InvalidInput(f"{color!r} is not a colour; use the form #RRGGBB, e.g. #2e86de.")
    return color.lower()


def _clean_name(name: str) -> str:
    clean = normalise_name(name)
    if not clean:
        raise InvalidInput("A code needs a name.")
    if "/" in clean:
        raise InvalidInput("A code name cannot contain '/', which separates levels in code paths.")
    if len(clean) > 200:
        raise InvalidInput("A code name can have at most 200 characters.")
    return clean


_DERIVED = ("depth", "path", "codings", "documents")
_STORED = tuple(k for k in CodeData.__dataclass_fields__ if k not in _DERIVED)  # columns, in field order


def _data(row: dict[str, Any], depth: int = 0, path: str = "", used: tuple[int, int] = (0, 0)) -> CodeData:
    try:  # a full row of the codes table (the common case, a thousand times a list): fields in order
        stored = [row[k] for k in _STORED]
    except KeyError:
        fields = {k: row[k] for k in _STORED if k in row}
        return CodeData(**fields, depth=depth, path=path, codings=used[0], documents=used[1])
    return CodeData(*stored, depth=depth, path=path, codings=used[0], documents=used[1])


def list_codes(
    project: Project, coders: Sequence[int] | None = None, *, with_usage: bool = True
) -> list[CodeData]:
    """Every code in tree order (parents before children, siblings by position then name), each with its
    number of codings and of coded documents, counting only `coders` when given (e.g. "mine only").
    `with_usage=False` leaves the numbers at 0 and skips counting (a tenth of a second on 40,000 codings)."""
    with project.read() as session:
        rows = queries.code_rows(session)
        usage = queries.usage(session, None if coders is None else list(coders)) if with_usage else {}
    children: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)
    for group in children.values():
        group.sort(key=lambda r: (r["position"], r["name"].casefold(), r["id"]))
    ordered: list[CodeData] = []

    def walk(parent: int | None, depth: int, prefix: str) -> None:
        for row in children.get(parent, []):
            path = f"{prefix}/{row['name']}" if prefix else row["name"]
            ordered.append(_data(row, depth, path, usage.get(row["id"], (0, 0))))
            walk(row["id"], depth + 1, path)

    walk(None, 0, "")
    return ordered


def code_fields(project: Project, code_id: int) -> CodeData | None:
    """One code's stored fields (None when it no longer exists), read alone: no tree walk, no counts, so its
    depth and path are left empty. For a caller that needs a code's name or old values, not its place."""
    with project.read() as session:
        rows = queries.code_rows(session, Code.id == code_id)
    return _data(rows[0]) if rows else None


def codes_fields(project: Project, code_ids: Iterable[int]) -> list[CodeData]:
    """Those of these codes that exist, their stored fields read alone (depth and path left empty, no
    counts): for a view that patches a few rows after their codes were edited."""
    ids = list(code_ids)
    if not ids:
        return []
    with project.read() as session:
        rows = queries.code_rows(session, Code.id.in_(ids))
    return [_data(row) for row in rows]


def keyed_codes(project: Project) -> list[tuple[int, str]]:
    """(shortcut digit, name) of the codes that have a key 1-9, by digit: one small query."""
    with project.read() as session:
        return queries.keyed_codes(session)


def code_usage(
    project: Project, coder: int | list[int] | None = None, codes: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """code id -> (codings, documents) for one coder, some coders, or everyone (None); only for `codes` when
    given (a code without codings is absent)."""
    coder_ids = None if coder is None else ([coder] if isinstance(coder, int) else list(coder))
    with project.read() as session:
        return queries.usage(session, coder_ids, None if codes is None else list(codes))


def add_code(
    project: Project,
    name: str,
    parent: int | None = None,
    color: str | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
    guid: str | None = None,
) -> CodeData:
    clean = _clean_name(name)
    with project.write() as session:
        if parent is not None and session.get(Code, parent) is None:
            raise NotFound(f"There is no parent code {parent}.")
        names_in_turn(session, "codes")  # two coders adding one name at once: the second is told
        if queries.sibling_named(session, parent, clean) is not None:
            where = "at the top level" if parent is None else "under that code"
            raise InvalidInput(f"A code called {clean!r} already exists {where}.")
        if guid is not None and queries.guid_taken(session, guid):
            raise InvalidInput(f"A code with the GUID {guid} already exists.")
        if color is None:
            used = set(queries.colors_in_use(session))
            color = next((c for c in PALETTE if c not in used), PALETTE[len(used) % len(PALETTE)])
        code = Code(
            guid=guid or new_guid(), parent_id=parent, name=clean, color=check_color(color),
            definition=definition, inclusion=inclusion, exclusion=exclusion, example=example,
            position=queries.max_position(session, parent) + 1,
        )  # fmt: skip
        session.add(code)
        session.flush()
        data = _data({c: getattr(code, c) for c in queries.CODE_COLUMNS})
    project.notify(Change(codebook=True))
    return data


def update_code(project: Project, code_id: int, **values: Any) -> CodeData:
    """Change name, color, definition, inclusion, exclusion, example or shortcut; returns the code as it was."""
    allowed = {"name", "color", "codable", "shortcut", *TEXT_FIELDS}
    unknown = set(values) - allowed
    if unknown:
        raise InvalidInput(f"A code has no field {', '.join(sorted(unknown))}.")
    with project.write() as session:
        code = session.get(Code, code_id)
        if code is None:
            raise NotFound(f"There is no code {code_id}.")
        before = _data({c: getattr(code, c) for c in queries.CODE_COLUMNS})
        edited = {code_id}  # and the code whose key this one takes
        if "name" in values:
            values["name"] = _clean_name(values["name"])
            names_in_turn(session, "codes")
            if queries.sibling_named(session, code.parent_id, values["name"], exclude=code_id) is not None:
                raise InvalidInput(f"A sibling code is already called {values['name']!r}.")
        if "color" in values:
            values["color"] = check_color(values["color"])
        if values.get("shortcut") is not None:
            shortcut = values["shortcut"]
            if isinstance(shortcut, bool) or not isinstance(shortcut, int) or not 1 <= shortcut <= 9:
                raise InvalidInput("A shortcut is a digit from 1 to 9.")
            holder = queries.code_with_shortcut(session, shortcut)
            if holder is not None and holder.id != code_id:
                holder.shortcut = None
                edited.add(holder.id)
                session.flush()  # a shortcut is unique in the schema: free it before it is given
        changed = {k: v for k, v in values.items() if getattr(code, k) != v}
        for key, value in changed.items():
            setattr(code, key, value)
    if changed:  # saving an unchanged code is not a change: views need not reload
        project.notify(code_edits_change(edited))
    return before


def _descendants(session, code_id: int) -> list[int]:
    found, frontier = [code_id], [code_id]
    while frontier:
        frontier = [child for parent in frontier for child in queries.children_of(session, parent)]
        found.extend(frontier)
    return found


def move_code(project: Project, code_id: int, new_parent: int | None, position: int | None = None) -> None:
    """Re-parent (and optionally reorder) a code; refuses to move a code under itself or its descendants."""
    with project.write() as session:
        code = session.get(Code, code_id)
        if code is None:
            raise NotFound(f"There is no code {code_id}.")
        if new_parent is not None:
            if session.get(Code, new_parent) is None:
                raise NotFound(f"There is no code {new_parent}.")
            if new_parent in _descendants(session, code_id):
                raise InvalidInput(f"“{code.name}” cannot move under itself or one of its sub-codes.")
        if queries.sibling_named(session, new_parent, code.name, exclude=code_id) is not None:
            raise InvalidInput(f"A code called {code.name!r} already exists there.")
        code.parent_id = new_parent
        code.position = position if position is not None else queries.max_position(session, new_parent) + 1
    project.notify(Change(codebook=True))


def count_codings_affected(project: Project, code_id: int) -> int:
    """Codings (every coder) that deleting this code and its sub-codes would remove."""
    with project.read() as session:
        return len(queries.codings_of_codes(session, _descendants(session, code_id)))


def delete_code(project: Project, code_id: int) -> CodeSnapshot:
    """Delete a code with its sub-codes, their codings and memos; the snapshot restores them exactly."""
    with project.write() as session:
        if session.get(Code, code_id) is None:
            raise NotFound(f"There is no code {code_id}.")
        ids = _descendants(session, code_id)
        codes = queries.code_rows(session, Code.id.in_(ids))
        codes.sort(key=lambda r: ids.index(r["id"]))  # parents first, so a restore can insert in order
        codings = queries.codings_of_codes(session, ids)
        memos = queries.memos_on(session, ids, [c["id"] for c in codings])
        members = queries.set_members_of(session, ids)
        queries.delete_ids(session, Code, reversed(ids))  # cascades to codings, memos and set members
    project.notify(Change(codebook=True, codings=frozenset(c["document_id"] for c in codings), memos=True))
    return CodeSnapshot(tuple(codes), tuple(codings), tuple(memos), tuple(members))


def restore_code(project: Project, snapshot: CodeSnapshot) -> None:
    with project.write() as session:
        _restore(session, snapshot)
    documents = frozenset(c["document_id"] for c in snapshot.codings)
    project.notify(Change(codebook=True, codings=documents, memos=True))


def _restore(session, snapshot: CodeSnapshot) -> None:
    queries.insert_rows(session, Code, [dict(r) for r in snapshot.codes])
    queries.insert_rows(session, Coding, [dict(r) for r in snapshot.codings])
    queries.insert_rows(session, Memo, [dict(r) for r in snapshot.memos])
    queries.insert_rows(session, SetMember, [dict(r) for r in snapshot.set_members])


def merge_codes(project: Project, source_id: int, target_id: int) -> MergeSnapshot:
    """Merge `source` into `target`: codings, sub-codes and memos move; exact duplicate codings collapse."""
    with project.write() as session:
        snapshot, documents = _merge(session, source_id, target_id)
    project.notify(Change(codebook=True, codings=documents, memos=True))
    return snapshot


def merge_many(project: Project, source_ids: Sequence[int], target_id: int) -> list[MergeSnapshot]:
    """Merge several codes into one target in one transaction; undo with `unmerge_many`."""
    snapshots: list[MergeSnapshot] = []
    documents: set[int] = set()
    with project.write() as session:
        for source_id in dict.fromkeys(source_ids):
            snapshot, touched = _merge(session, source_id, target_id)
            snapshots.append(snapshot)
            documents |= touched
    project.notify(Change(codebook=True, codings=frozenset(documents), memos=True))
    return snapshots


def _merge(session, source_id: int, target_id: int) -> tuple[MergeSnapshot, frozenset[int]]:
    if source_id == target_id:
        raise InvalidInput("Choose two different codes to merge.")
    source, target = session.get(Code, source_id), session.get(Code, target_id)
    if source is None or target is None:
        raise NotFound("Both codes must exist to merge them.")
    if target_id in _descendants(session, source_id):
        raise InvalidInput(f"“{source.name}” cannot be merged into one of its own sub-codes.")
    children = [(c.id, c.position) for c in queries.siblings(session, source_id)]
    for child_id, _position in children:
        child = session.get(Code, child_id)
        if queries.sibling_named(session, target_id, child.name) is not None:
            raise InvalidInput(
                f"“{source.name}” and “{target.name}” both have a sub-code called “{child.name}”; "
                "merge or rename those first."
            )
    source_row = queries.code_rows(session, Code.id == source_id)
    theirs = {(c["document_id"], c["coder_id"], c["start"], c["end"])
              for c in queries.codings_of_codes(session, [target_id])}  # fmt: skip
    mine = queries.codings_of_codes(session, [source_id])
    duplicates = [c for c in mine if (c["document_id"], c["coder_id"], c["start"], c["end"]) in theirs]
    duplicate_ids = {c["id"] for c in duplicates}
    duplicate_memos = queries.memos_on(session, [], sorted(duplicate_ids)) if duplicates else []
    moved = [c["id"] for c in mine if c["id"] not in duplicate_ids]
    code_memos = [m["id"] for m in queries.memos_on(session, [source_id], [])]
    members = [m["id"] for m in queries.set_members_of(session, [source_id])]
    queries.delete_ids(session, Coding, sorted(duplicate_ids))
    queries.set_values(session, Coding, moved, code_id=target_id)
    queries.set_values(session, Memo, code_memos, code_id=target_id)
    queries.set_values(session, SetMember, members, code_id=target_id)
    base = queries.max_position(session, target_id)
    queries.set_each(session, Code, {cid: {"parent_id": target_id, "position": base + i + 1}
                                     for i, (cid, _p) in enumerate(children)})  # fmt: skip
    queries.delete_ids(session, Code, [source_id])
    snapshot = CodeSnapshot(tuple(source_row), tuple(duplicates), tuple(duplicate_memos))
    merged = MergeSnapshot(
        snapshot, target_id, tuple(moved), tuple(children), tuple(code_memos), tuple(members)
    )
    return merged, frozenset(c["document_id"] for c in mine)


def unmerge_codes(project: Project, snapshot: MergeSnapshot) -> None:
    """Undo a merge exactly: the source code, its codings, sub-codes, memos and duplicates come back."""
    unmerge_many(project, [snapshot])


def unmerge_many(project: Project, snapshots: Sequence[MergeSnapshot]) -> None:
    with project.write() as session:
        for snapshot in reversed(snapshots):
            _unmerge(session, snapshot)
    project.notify(Change(codebook=True, everything=True))


def _unmerge(session, snapshot: MergeSnapshot) -> None:
    source_id = snapshot.source.code_id
    _restore(session, snapshot.source)
    queries.set_values(session, Coding, snapshot.moved_codings, code_id=source_id)
    queries.set_values(session, Memo, snapshot.moved_memos, code_id=source_id)
    queries.set_values(session, SetMember, snapshot.moved_members, code_id=source_id)
    queries.set_each(session, Code, {cid: {"parent_id": source_id, "position": position}
                                     for cid, position in snapshot.moved_children})  # fmt: skip


def starter_codebook_path():
    return resources_dir() / "starter_codebook.json"


def load_starter_codebook(project: Project) -> list[CodeData]:
    """Add the starter codebook of alliance themes (skipping codes that already exist by GUID or name)."""
    entries = json.loads(starter_codebook_path().read_text(encoding="utf-8"))["codes"]
    added: list[CodeData] = []
    existing = {c.guid: c for c in list_codes(project)}
    by_path = {c.path.casefold(): c for c in existing.values()}
    keys_taken = {c.shortcut for c in existing.values() if c.shortcut}

    def add(entry: dict[str, Any], parent: CodeData | None) -> None:
        path = f"{parent.path}/{entry['name']}" if parent else entry["name"]
        code = existing.get(entry["guid"]) or by_path.get(path.casefold())
        if code is None:
            code = add_code(
                project, entry["name"], parent=parent.id if parent else None, color=entry.get("color"),
                definition=entry.get("definition", ""), inclusion=entry.get("inclusion", ""),
                exclusion=entry.get("exclusion", ""), example=entry.get("example", ""), guid=entry["guid"],
            )  # fmt: skip
            key = entry.get("shortcut")
            if key and key not in keys_taken:  # a key the project already uses stays where it is
                update_code(project, code.id, shortcut=key)
                keys_taken.add(key)
                code = CodeData(**{**code.__dict__, "shortcut": key})
            code = CodeData(**{**code.__dict__, "path": path})
            added.append(code)
        for child in entry.get("children", []):
            add(child, code if code.path else CodeData(**{**code.__dict__, "path": path}))

    for entry in entries:
        add(entry, None)
    return added

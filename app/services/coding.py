"""Coding: a coder applies a code to a span of a document. Fast, validated, undoable.

Every change is one transaction followed by a `Change` naming the codings, documents and codes it touched. Destructive calls return records (with the
memos attached to those codings) that `restore_codings` puts back with their original ids, which is what the
GUI's undo does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from app.domain.errors import InvalidInput, NotFound
from app.services import code_sets, document_versions
from app.services.changes import Change, codings_change
from app.services.project import Project
from app.storage.concurrent_writes import names_in_turn
from app.storage.models import Code, Coder, Coding, Document, Memo, new_guid, utcnow
from app.storage.queries import codings as queries
from app.storage.queries import lookup

# Distinct, colour-blind-friendly hues for coders (Okabe & Ito, then Tol's bright scheme).
CODER_COLORS = (
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#882255", "#117733",
    "#332288", "#aa4499", "#44aa99", "#999933",
)  # fmt: skip


@dataclass(frozen=True)
class CodingSpec:
    document_id: int
    code_id: int
    start: int
    end: int


@dataclass(frozen=True)
class CodingRecord:
    id: int
    guid: str
    document_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    anchor: bool
    created_at: datetime
    updated_at: datetime
    memos: tuple[dict[str, Any], ...] = field(default=(), compare=False)  # memos on this coding, for undo

    def row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in queries.CODING_COLUMNS}


@dataclass(frozen=True)
class CodingView:
    id: int
    document_id: int
    document: str
    code_id: int
    code: str
    coder_id: int
    coder: str
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "document": self.document, "code": self.code, "coder": self.coder,
            "start": self.start, "end": self.end, "text": self.text,
        }  # fmt: skip


@dataclass(frozen=True)
class CoderData:
    id: int
    guid: str
    name: str
    color: str


def _record(row: dict[str, Any], memos: Iterable[dict[str, Any]] = ()) -> CodingRecord:
    return CodingRecord(**{k: row[k] for k in queries.CODING_COLUMNS}, memos=tuple(memos))


def _notify(project: Project, rows: Iterable[Any], memos: bool = False, **ids: Iterable[int]) -> None:
    """Announce a coding write: `rows` are the records or row dicts touched, `ids` added/removed/changed."""
    rows = list(rows)

    def get(row: Any, key: str) -> Any:
        return row[key] if isinstance(row, dict) else getattr(row, key)

    documents = {get(r, "document_id") for r in rows}
    codes = {get(r, "code_id") for r in rows}
    project.notify(codings_change(documents, codes | set(ids.pop("codes", ())), memos=memos, **ids))


# -- coders ----------------------------------------------------------------------------------------


def ensure_coder(project: Project, name: str) -> int:
    """The id of the coder called `name`, creating the coder (with a distinct colour) when new."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("A coder needs a name.")
    with project.write() as session:
        names_in_turn(session, "coders")  # two coders' windows adding one name at once make one coder
        found = lookup.optional_coder_by_name(session, clean)
        if found is not None:
            return found.id
        used = set(queries.coder_colors(session))
        color = next((c for c in CODER_COLORS if c not in used), CODER_COLORS[len(used) % len(CODER_COLORS)])
        coder = Coder(name=clean, color=color)
        session.add(coder)
        session.flush()
        coder_id = coder.id
    project.notify(Change(coders=True))
    return coder_id


def remove_new_coder(project: Project, coder_id: int) -> dict[str, Any]:
    """Remove a coder who has no codings yet (the undo of creating one); returns the row for `restore_coder`."""
    with project.write() as session:
        coder = session.get(Coder, coder_id)
        if coder is None:
            raise NotFound(f"There is no coder {coder_id}.")
        if queries.coding_rows(session, Coding.coder_id == coder_id):
            raise InvalidInput(f"{coder.name} has codings now; merge coders instead of removing one.")
        row = {"id": coder.id, "guid": coder.guid, "name": coder.name, "color": coder.color,
               "created_at": coder.created_at}  # fmt: skip
        session.delete(coder)
    project.notify(Change(coders=True))
    return row


def restore_coder(project: Project, row: dict[str, Any]) -> None:
    with project.write() as session:
        queries.insert_rows(session, Coder, [row])
    project.notify(Change(coders=True))


def list_coders(project: Project) -> list[CoderData]:
    with project.read() as session:
        return [CoderData(c.id, c.guid, c.name, c.color) for c in queries.coders(session)]


def rename_coder(project: Project, coder_id: int, name: str) -> str:
    """Rename a coder; returns the old name (for undo)."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("A coder needs a name.")
    with project.write() as session:
        coder = session.get(Coder, coder_id)
        if coder is None:
            raise NotFound(f"There is no coder {coder_id}.")
        names_in_turn(session, "coders")
        other = lookup.optional_coder_by_name(session, clean)
        if other is not None and other.id != coder_id:
            raise InvalidInput(f"There is already a coder called {clean!r}; merge the two instead.")
        old, coder.name = coder.name, clean
    project.notify(Change(coders=True, everything=True))
    return old


def set_coder_color(project: Project, coder_id: int, color: str) -> str:
    from app.services.codebook import check_color

    with project.write() as session:
        coder = session.get(Coder, coder_id)
        if coder is None:
            raise NotFound(f"There is no coder {coder_id}.")
        old, coder.color = coder.color, check_color(color)
    project.notify(Change(coders=True, everything=True))
    return old


# -- codings ---------------------------------------------------------------------------------------


def add_codings(
    project: Project,
    specs: Sequence[CodingSpec],
    coder_id: int,
    *,
    seen_versions: Mapping[int, int] | None = None,
) -> list[CodingRecord]:
    """Apply codes for one coder, in one transaction. Exact duplicates of existing codings are skipped.

    `seen_versions` ({document id: version}) are the versions the positions were read from (the editor's):
    when another coder corrected one of those documents since, nothing is coded (DocumentChangedElsewhere).

    A second value of a marked code set on a passage the coder already gave another value of that set is
    refused (`code_sets.SetValueConflict`); `replace_set_values` replaces the first value instead.
    """
    if not specs:
        return []
    now = utcnow()
    with project.write() as session:
        if session.get(Coder, coder_id) is None:
            raise NotFound(f"There is no coder {coder_id}.")
        document_versions.check_seen_versions(session, seen_versions)
        lengths = queries.document_lengths(session, (s.document_id for s in specs))
        known_codes = queries.existing_ids(session, Code, (s.code_id for s in specs))
        for spec in specs:
            _validate(spec, lengths, known_codes)
        code_sets.refuse_conflicts(
            session, [(s.document_id, s.code_id, s.start, s.end) for s in specs], coder_id
        )
        few = len(specs) <= 500  # a few new codings: look up only existing ones starting where they start
        taken = queries.existing_keys(session, lengths, starts={s.start for s in specs} if few else None)
        rows = []
        for spec in specs:
            key = (spec.document_id, spec.code_id, coder_id, spec.start, spec.end)
            if key in taken:
                continue
            taken.add(key)
            rows.append(
                {"guid": new_guid(), "document_id": spec.document_id, "code_id": spec.code_id,
                 "coder_id": coder_id, "start": spec.start, "end": spec.end, "anchor": False, "created_at": now,
                 "updated_at": now}
            )  # fmt: skip
        ids = queries.insert_codings(session, rows)
        records = [_record({**row, "id": new_id}) for row, new_id in zip(rows, ids)]
    _notify(project, records, added=[r.id for r in records])
    return records


def replace_set_values(
    project: Project, specs: Sequence[CodingSpec], coder_id: int
) -> tuple[list[CodingRecord], list[CodingRecord]]:
    """`add_codings`, first removing the coder's codings of other values of the same sets that overlap the specs.

    Returns (removed, added): undo deletes `added` and restores `removed` (`restore_codings`).
    """
    with project.action():  # one transaction: a refused addition removes nothing
        with project.read() as session:
            conflicts = code_sets.conflicting_codings(
                session, [(s.document_id, s.code_id, s.start, s.end) for s in specs], coder_id
            )
        removed = delete_codings(project, sorted({coding for coding, *_rest in conflicts}))
        added = add_codings(project, specs, coder_id)
    return removed, added


def validate_codings(project: Project, specs: Sequence[CodingSpec]) -> None:
    """Raise what `add_codings` would raise for these specs, writing nothing (check before creating a coder)."""
    with project.read() as session:
        lengths = queries.document_lengths(session, (s.document_id for s in specs))
        known_codes = queries.existing_ids(session, Code, (s.code_id for s in specs))
    for spec in specs:
        _validate(spec, lengths, known_codes)


def _validate(spec: CodingSpec, lengths: dict[int, int], known_codes: set[int]) -> None:
    if spec.document_id not in lengths:
        raise NotFound(f"There is no document {spec.document_id} in this project.")
    if spec.code_id not in known_codes:
        raise NotFound(f"There is no code {spec.code_id} in this project.")
    length = lengths[spec.document_id]
    if not 0 <= spec.start < spec.end <= length:
        raise InvalidInput(
            f"The range {spec.start}–{spec.end} does not fit the document ({length} characters): "
            "a coding needs a start before its end, both inside the text."
        )


def delete_codings(project: Project, ids: Sequence[int]) -> list[CodingRecord]:
    """Remove codings (and their memos); the records returned bring them back via `restore_codings`."""
    with project.write() as session:
        rows = queries.codings_by_ids(session, ids)
        memos = queries.memos_of_codings(session, [r["id"] for r in rows])
        queries.delete_codings(session, [r["id"] for r in rows])
    records = [_record(r, (m for m in memos if m["coding_id"] == r["id"])) for r in rows]
    _notify(project, records, memos=bool(memos), removed=[r.id for r in records])
    return records


def restore_codings(project: Project, records: Sequence[CodingRecord]) -> None:
    """Put codings back exactly as recorded (original ids and memos); existing ones are set to the record."""
    with project.write() as session:
        present = queries.existing_ids(session, Coding, (r.id for r in records))
        before = queries.codings_by_ids(session, list(present))  # their codes and documents count as touched
        for record in records:
            if record.id in present:
                row = record.row()
                queries.update_coding(session, record.id, **{k: v for k, v in row.items() if k != "id"})
        queries.insert_rows(session, Coding, [r.row() for r in records if r.id not in present])
        memo_rows = [m for r in records for m in r.memos]
        present_memos = queries.existing_ids(session, Memo, (m["id"] for m in memo_rows))
        queries.insert_rows(session, Memo, [m for m in memo_rows if m["id"] not in present_memos])
    _notify(
        project, [*records, *before], memos=bool(memo_rows),
        added=[r.id for r in records if r.id not in present], changed=present,
    )  # fmt: skip


def recode_codings(project: Project, ids: Sequence[int], code_id: int) -> list[CodingRecord]:
    """Give codings another code; returns the records as they were (undo with `restore_codings`).

    A coding whose coder already has the very same span with the new code would become a duplicate: it is
    removed instead (its record, with its memos, still comes back on undo)."""
    with project.write() as session:
        if session.get(Code, code_id) is None:
            raise NotFound(f"There is no code {code_id}.")
        rows = queries.codings_by_ids(session, ids)
        taken = queries.existing_keys(session, {r["document_id"] for r in rows})
        keep, drop = [], []
        for row in rows:
            key = (row["document_id"], code_id, row["coder_id"], row["start"], row["end"])
            if row["code_id"] == code_id:
                continue
            (drop if key in taken else keep).append(row)
            taken.add(key)
        memos = queries.memos_of_codings(session, [r["id"] for r in drop])
        queries.delete_codings(session, [r["id"] for r in drop])
        queries.update_codings(session, [r["id"] for r in keep], code_id=code_id, updated_at=utcnow())
    _notify(
        project, rows, memos=bool(memos), codes=[code_id] if keep else [],
        removed=[r["id"] for r in drop], changed=[r["id"] for r in keep],
    )  # fmt: skip
    return [_record(r, (m for m in memos if m["coding_id"] == r["id"])) for r in rows]


def resize_coding(project: Project, coding_id: int, start: int, end: int) -> CodingRecord:
    """Change a coding's range; returns the record as it was."""
    with project.write() as session:
        rows = queries.codings_by_ids(session, [coding_id])
        if not rows:
            raise NotFound(f"There is no coding {coding_id}.")
        row = rows[0]
        lengths = queries.document_lengths(session, [row["document_id"]])
        _validate(CodingSpec(row["document_id"], row["code_id"], start, end), lengths, {row["code_id"]})
        key = (row["document_id"], row["code_id"], row["coder_id"], start, end)
        if (start, end) != (row["start"], row["end"]) and key in queries.existing_keys(session, [key[0]]):
            raise InvalidInput("The same coder already has this code on exactly that range.")
        queries.update_coding(session, coding_id, start=start, end=end, updated_at=utcnow())
    _notify(project, [row], changed=[coding_id])
    return _record(row)


def codings_by_ids(project: Project, ids: Iterable[int]) -> list[CodingRecord]:
    """Those of these codings that exist (e.g. to patch a view after a change named them)."""
    with project.read() as session:
        return [_record(r) for r in queries.codings_by_ids(session, list(ids))]


class CodingSpan(NamedTuple):
    """A coding as the editor paints it: which code, which coder, where."""

    id: int
    code_id: int
    coder_id: int
    start: int
    end: int


def coding_spans(project: Project, document_id: int) -> list[CodingSpan]:
    """The codings of one document (every coder), by start, without what only undo and exports need (GUIDs,
    timestamps): opening a long transcript reads thousands of them."""
    with project.read() as session:
        return [CodingSpan(*row) for row in queries.coding_spans_of_document(session, document_id)]


def codings_for_document(project: Project, document_id: int) -> list[CodingRecord]:
    """All codings of one document (every coder), by start."""
    with project.read() as session:
        return [_record(r) for r in queries.codings_of_document(session, document_id)]


def list_codings(
    project: Project,
    *,
    document: str | int | None = None,
    code: str | int | None = None,
    coder: str | int | None = None,
    dyad: str | int | None = None,
) -> list[CodingView]:
    """Coded excerpts with names and text, filtered by document, code, coder and dyad (ids or names)."""
    with project.read() as session:
        where = []
        if document is not None:
            where.append(Coding.document_id == lookup.document(session, document).id)
        if code is not None:
            where.append(Coding.code_id == lookup.code(session, code).id)
        if coder is not None:
            where.append(Coding.coder_id == lookup.coder(session, coder).id)
        if dyad is not None:
            where.append(Document.dyad_id == lookup.dyad(session, dyad).id)
        return [CodingView(**row._mapping) for row in queries.coding_views(session, *where)]


def merge_coders(project: Project, source_id: int, target_id: int) -> dict[str, Any]:
    """Fold one coder into another (e.g. "ana" and "Ana"): codings and memos move, duplicates collapse.

    Returns a snapshot for `unmerge_coders`."""
    if source_id == target_id:
        raise InvalidInput("Choose two different coders to merge.")
    with project.write() as session:
        source, target = session.get(Coder, source_id), session.get(Coder, target_id)
        if source is None or target is None:
            raise NotFound("Both coders must exist to merge them.")
        mine = queries.coding_rows(session, Coding.coder_id == source_id)
        theirs = {
            (r["document_id"], r["code_id"], r["start"], r["end"]): r["id"]
            for r in queries.coding_rows(session, Coding.coder_id == target_id)
        }
        survivor = {
            r["id"]: theirs[key]
            for r in mine
            if (key := (r["document_id"], r["code_id"], r["start"], r["end"])) in theirs
        }
        duplicates = [r for r in mine if r["id"] in survivor]
        # Memos on a duplicate move to the coding that stays, so none is lost with it.
        rehomed = [(m["id"], m["coding_id"]) for m in queries.memos_of_codings(session, list(survivor))]
        queries.move_memos_to_codings(session, [(memo_id, survivor[old]) for memo_id, old in rehomed])
        queries.delete_codings(session, [r["id"] for r in duplicates])
        moved, moved_memos = queries.reassign_coder(session, source_id, target_id)
        coder_row = {"id": source.id, "guid": source.guid, "name": source.name, "color": source.color,
                     "created_at": source.created_at}  # fmt: skip
        session.delete(source)
    project.notify(Change(coders=True, everything=True))
    return {"coder": coder_row, "moved": moved, "moved_memos": moved_memos, "duplicates": duplicates,
            "rehomed": rehomed, "target": target_id}  # fmt: skip


def unmerge_coders(project: Project, snapshot: dict[str, Any]) -> None:
    with project.write() as session:
        queries.insert_rows(session, Coder, [snapshot["coder"]])
        queries.update_codings(session, snapshot["moved"], coder_id=snapshot["coder"]["id"])
        queries.set_memo_authors(session, snapshot["moved_memos"], snapshot["coder"]["id"])
        queries.insert_rows(session, Coding, snapshot["duplicates"])
        queries.move_memos_to_codings(session, snapshot["rehomed"])  # back to their own codings
    project.notify(Change(coders=True, everything=True))

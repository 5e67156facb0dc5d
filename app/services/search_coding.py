"""Code all hits of a search, once: what a coder has already coded with the code is skipped, not coded again.

The hits come from the search service's public API (`search.run_request` and the `Hit` ranges), so this works
whatever the index behind it. A range to code is, for one document, the turn, the sentence or the matched
words of a hit (`search.coding_ranges`). Against the coder's existing codings with the same code, each range is:

- **skipped** when those codings already cover all of it (running the same search twice adds nothing);
- **extended** when a coding overlaps part of it: that coding grows to cover the range too, rather than a
  second, nested coding of the same passage being made;
- **coded** otherwise: a new coding.

Everything happens in one transaction; `undo_hit_coding` puts the project back as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.errors import InvalidInput, NotFound
from app.services import coding, search
from app.services.changes import codings_change
from app.services.project import Project
from app.storage.models import Code, Coder, Coding, new_guid, utcnow
from app.storage.queries import codings as queries
from app.storage.queries import lookup

Range = tuple[int, int, int]  # document id, start, end (code points, end exclusive)


@dataclass(frozen=True)
class HitCodingReport:
    """What coding the hits did; `created` and `before_extension` are what undo needs."""

    hits: int
    coded: int
    extended: int
    skipped: int
    created: tuple[coding.CodingRecord, ...]
    before_extension: tuple[coding.CodingRecord, ...]  # extended codings as they were

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.hits,
            "coded": self.coded,
            "extended": self.extended,
            "skipped": self.skipped,
        }

    def summary(self, code_name: str) -> str:
        """One sentence for a researcher, e.g. "Coded 3 passages with Trust; 2 already coded were skipped."."""
        parts = [f"Coded {_count(self.coded, 'passage')} with {code_name}"]
        if self.extended:
            parts.append(f"extended {_count(self.extended, 'coding')} that covered part of a hit")
        if self.skipped:
            verb = "was" if self.skipped == 1 else "were"
            parts.append(f"{_count(self.skipped, 'passage')} already coded {verb} skipped")
        return "; ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def code_search_hits(
    project: Project,
    request: search.SearchRequest,
    code_id: int,
    coder_id: int,
    scope: str = "turn",
) -> HitCodingReport:
    """Search again without a limit (every hit, offsets of the text as it is now) and code the hits once."""
    if scope not in search.SCOPES:
        raise InvalidInput(
            f"{scope!r} is not a scope for coding hits (use one of {', '.join(search.SCOPES)})."
        )
    result = search.run_request(project, request, limit=None)
    ranges = search.coding_ranges(result.hits, scope)
    return code_ranges(project, ranges, code_id, coder_id, hits=result.total)


def code_search_hits_as(
    project: Project, request: search.SearchRequest, code: str | int, coder: str, scope: str = "turn"
) -> tuple[HitCodingReport, str]:
    """`code_search_hits` with the code and coder named (a new coder is created only once the code is found).

    Returns the report and the code's name."""
    if scope not in search.SCOPES:
        raise InvalidInput(
            f"{scope!r} is not a scope for coding hits (use one of {', '.join(search.SCOPES)})."
        )
    with project.read() as session:
        found = lookup.code(session, code)
        code_id, code_name = found.id, found.name
        if not found.codable:
            raise InvalidInput(
                f"{code_name} is a heading of the codebook, not a code to apply: choose a code under it."
            )
    with project.action():  # the new coder and the codings: one transaction, one announcement
        coder_id = coding.ensure_coder(project, coder)
        return code_search_hits(project, request, code_id, coder_id, scope), code_name


def code_ranges(
    project: Project,
    ranges: Iterable[Range],
    code_id: int,
    coder_id: int,
    *,
    hits: int | None = None,
) -> HitCodingReport:
    """Code each (document, start, end) for one coder with one code, skipping what that coder already coded."""
    wanted = sorted(set(ranges))
    now = utcnow()
    created_rows: list[dict] = []
    before: dict[int, dict] = {}
    skipped = 0
    with project.write() as session:
        if session.get(Coder, coder_id) is None:
            raise NotFound(f"There is no coder {coder_id}.")
        if session.get(Code, code_id) is None:
            raise NotFound(f"There is no code {code_id}.")
        documents = {doc for doc, _, _ in wanted}
        lengths = queries.document_lengths(session, documents)
        existing: dict[int, list[dict]] = {}
        if documents:
            for row in queries.coding_rows(
                session,
                Coding.code_id == code_id,
                Coding.coder_id == coder_id,
                Coding.document_id.in_(sorted(documents)),
            ):
                existing.setdefault(row["document_id"], []).append(row)
        for doc, start, end in wanted:
            if doc not in lengths:
                raise NotFound(f"There is no document {doc} in this project.")
            if not 0 <= start < end <= lengths[doc]:
                raise InvalidInput(f"The range {start}–{end} does not fit document {doc}.")
            mine = existing.setdefault(doc, [])
            overlapping = [row for row in mine if row["start"] < end and start < row["end"]]
            if _covers([(row["start"], row["end"]) for row in overlapping], start, end):
                skipped += 1
            elif overlapping:
                widest = max(overlapping, key=lambda row: (row["end"] - row["start"], -row["id"]))
                if "id" in widest:  # an existing coding (not one made by this call): keep it for undo
                    before.setdefault(widest["id"], dict(widest))
                widest["start"], widest["end"] = min(start, widest["start"]), max(end, widest["end"])
                widest["updated_at"] = now
            else:
                row = {"guid": new_guid(), "document_id": doc, "code_id": code_id, "coder_id": coder_id,
                       "start": start, "end": end, "anchor": False, "created_at": now, "updated_at": now}  # fmt: skip
                created_rows.append(row)
                mine.append(row)
        for coding_id in before:
            row = next(r for rows in existing.values() for r in rows if r.get("id") == coding_id)
            queries.update_coding(session, coding_id, start=row["start"], end=row["end"], updated_at=now)
        ids = queries.insert_codings(session, created_rows)
    created = tuple(_record({**row, "id": new_id}) for row, new_id in zip(created_rows, ids))
    report = HitCodingReport(
        hits=len(wanted) if hits is None else hits,
        coded=len(created),
        extended=len(before),
        skipped=skipped,
        created=created,
        before_extension=tuple(_record(row) for row in before.values()),
    )
    changed = {r.document_id for r in (*report.created, *report.before_extension)}
    if changed:  # exactly which codings: views patch those rows instead of reloading
        project.notify(
            codings_change(
                changed,
                {code_id},
                added=[r.id for r in report.created],
                changed=[r.id for r in report.before_extension],
            )
        )
    return report


def undo_hit_coding(project: Project, report: HitCodingReport) -> None:
    """Remove the codings the hits made and shrink the extended ones back (one action)."""
    with project.action():
        if report.created:
            coding.delete_codings(project, [r.id for r in report.created])
        if report.before_extension:
            coding.restore_codings(project, report.before_extension)


def _covers(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the union of `spans` covers all of [start, end)."""
    reached = start
    for s, e in sorted(spans):
        if s > reached:
            return False
        reached = max(reached, e)
        if reached >= end:
            return True
    return reached >= end


def _record(row: dict) -> coding.CodingRecord:
    return coding.CodingRecord(**{k: row[k] for k in queries.CODING_COLUMNS})

"""Exchange with other tools: codebooks (.qdc, .csv, .docx) and whole projects (.qdpx), in and out.

Every import is one transaction: a hostile or broken file raises a `RapportError` before or during the
transaction and the project stays exactly as it was. Exports are written to a temporary file beside the
target and moved into place, so a failed export never leaves half a file under the chosen name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.errors import ImportFailed, OperationCancelled
from app.formats import codebook_csv, codebook_docx
from app.formats.refi_common import CodeFields, RefiCodebook, RefiSet
from app.formats.refi_qdc import read_codebook, write_codebook
from app.formats.refi_qdpx import read_project
from app.formats.refi_qdpx_writer import write_project
from app.formats.safe_zip import ZipLimits
from app.services import audit
from app.services.anchors import anchor_ids
from app.services.changes import EVERYTHING, Change
from app.services.exchange_codes import (
    IncomingCode,
    MergeResult,
    code_paths,
    from_refi,
    merge_codes,
    refi_tree,
)
from app.services.exchange_files import read_input, write_output
from app.services.project import Project
from app.services.refi_export import build_project
from app.services.refi_import import ProjectImportReport, import_refi_project
from app.services.reports import excerpts_in
from app.storage.models import CodeSet, SetMember
from app.storage.queries import exchange as queries

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

MAX_CODEBOOK_BYTES = 50 * 1024 * 1024
MAX_PROJECT_BYTES = 1024 * 1024 * 1024  # the archive itself; SafeZip bounds what it unpacks to


@dataclass
class CodebookImportReport:
    """What a codebook import did, by code path."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sets: int = 0

    @classmethod
    def of(cls, result: MergeResult, sets: int = 0) -> CodebookImportReport:
        return cls(result.added, result.updated, result.unchanged, sets)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "sets": self.sets,
            "added_codes": self.added,
            "updated_codes": self.updated,
        }


# -- codebook --------------------------------------------------------------------------------------


def codebook_of(project: Project) -> RefiCodebook:
    with project.read() as session:
        codes = queries.codes(session)
        tree = refi_tree(codes)
        code_guids = {code.id: code.guid for code in codes}
        code_sets = queries.rows(session, CodeSet)
        set_members = queries.rows(session, SetMember)
    sets = []
    for code_set in code_sets:
        members = [
            code_guids[m["code_id"]]
            for m in set_members
            if m["set_id"] == code_set["id"] and m["code_id"] in code_guids
        ]
        if members:
            sets.append(
                RefiSet(code_set["guid"], code_set["name"], code_set["description"], code_guids=members)
            )
    return RefiCodebook(codes=tree, sets=sets, origin="Rapport")


def _exported(project: Project, what: str, path: Path) -> Path:
    """Record an export in the project's audit log (what, where); returns the path written."""
    audit.record_export(project, what, path)
    return path


def export_codebook_qdc(project: Project, path: Path | str) -> Path:
    """The codebook as a REFI-QDA .qdc file (GUIDs stable across exports)."""
    return _exported(project, "codebook (.qdc)", write_output(path, write_codebook(codebook_of(project))))


def _merge_sets(session, sets: list[RefiSet], ids_by_guid: dict[str, int]) -> int:
    added = 0
    for refi_set in sets:
        members = [ids_by_guid[g] for g in dict.fromkeys(refi_set.code_guids) if g in ids_by_guid]
        existing = queries.by_guid(session, CodeSet, refi_set.guid)
        if existing is None:
            existing = CodeSet(guid=refi_set.guid, name=refi_set.name[:200], description=refi_set.description)
            session.add(existing)
            session.flush()
            added += 1
        have = {row["code_id"] for row in queries.set_members(session, existing.id)}
        queries.bulk_insert(
            session,
            SetMember,
            [{"set_id": existing.id, "code_id": c, "document_id": None} for c in members if c not in have],
        )
    return added


def _merge_into(project: Project, codes: list[IncomingCode], sets: list[RefiSet]) -> CodebookImportReport:
    with project.write() as session:
        result = merge_codes(session, codes)
        added_sets = _merge_sets(session, sets, result.ids_by_guid)
    project.notify(Change(codebook=True))
    return CodebookImportReport.of(result, added_sets)


def import_codebook_qdc(project: Project, path: Path | str) -> CodebookImportReport:
    """Merge a .qdc codebook from any tool: by GUID, then by name path. One transaction."""
    path = Path(path)
    codebook = read_codebook(read_input(path, MAX_CODEBOOK_BYTES), path.name)
    return _merge_into(project, from_refi(codebook.codes), codebook.sets)


def export_codebook_csv(project: Project, path: Path | str) -> Path:
    """One row a code: path, name, color, definition, inclusion, exclusion, example, guid."""
    with project.read() as session:
        codes = queries.codes(session)
        paths = code_paths(codes)
        rows = [
            codebook_csv.CodeRow(
                path=paths[c.id],
                name=c.name,
                color=c.color,
                definition=c.definition or "",
                inclusion=c.inclusion or "",
                exclusion=c.exclusion or "",
                example=c.example or "",
                guid=c.guid,
            )
            for c in _tree_order(codes)
        ]
    return _exported(project, "codebook (.csv)", write_output(path, codebook_csv.write_codebook_csv(rows)))


def _tree_order(codes: list) -> list:
    children: dict[int | None, list] = {}
    for code in sorted(codes, key=lambda c: (c.position, c.id)):
        children.setdefault(code.parent_id, []).append(code)
    ordered: list = []

    def walk(parent_id: int | None) -> None:
        for code in children.get(parent_id, []):
            ordered.append(code)
            walk(code.id)

    walk(None)
    return ordered


def import_codebook_csv(project: Project, path: Path | str) -> CodebookImportReport:
    """Merge a codebook CSV (as `export_codebook_csv` writes, or edited in a spreadsheet)."""
    path = Path(path)
    rows = codebook_csv.read_codebook_csv(read_input(path, MAX_CODEBOOK_BYTES), path.name)
    return _merge_into(project, _csv_tree(rows), [])


def _csv_tree(rows: list[codebook_csv.CodeRow]) -> list[IncomingCode]:
    """CSV rows as a code tree: each row placed by its path, parents missing from the file created."""

    roots: list[IncomingCode] = []
    by_path: dict[str, IncomingCode] = {}

    def node(parts: list[str]) -> IncomingCode:
        key = "/".join(parts).lower()
        if key in by_path:
            return by_path[key]
        code = IncomingCode(guid=None, name=parts[-1])
        by_path[key] = code
        (node(parts[:-1]).children if len(parts) > 1 else roots).append(code)
        return code

    for row in rows:
        parts = [p.strip() for p in row.path.split("/") if p.strip()]
        parts[-1] = row.name or parts[-1]
        code = node(parts)
        code.guid = row.guid or None
        code.color = row.color or None
        code.fields = CodeFields(row.definition, row.inclusion, row.exclusion, row.example)
    return roots


def export_codebook_docx(
    project: Project, path: Path | str, *, anchors: Sequence[int] | None = None, title: str | None = None
) -> Path:
    """The printable codebook. `anchors` are coding ids chosen as anchor excerpts (up to three a code; by
    default the ones chosen in the project, see `anchors.py`); codes without any show their first codings."""
    with project.read() as session:
        codes = _tree_order(queries.codes(session))
        paths = code_paths(codes)
        counts = queries.code_counts(session)
        excerpts = excerpts_in(session)
    chosen = set(anchors) if anchors else anchor_ids(project)
    by_code: dict[str, list] = {}
    for excerpt in excerpts:
        by_code.setdefault(excerpt.code, []).append(excerpt)
    depth = {c.id: paths[c.id].count("/") for c in codes}
    entries = []
    for code in codes:
        mine = by_code.get(paths[code.id], [])
        anchored = [e for e in mine if e.coding_id in chosen]
        picked = anchored or _distinct_passages(mine)
        entries.append(
            codebook_docx.CodebookEntry(
                path=paths[code.id],
                name=code.name,
                depth=depth[code.id],
                color=code.color,
                definition=code.definition or "",
                inclusion=code.inclusion or "",
                exclusion=code.exclusion or "",
                example=code.example or "",
                codings=counts.get(code.id, (0, 0))[0],
                documents=counts.get(code.id, (0, 0))[1],
                codable=bool(code.codable),
                anchors=[
                    codebook_docx.AnchorExcerpt(
                        e.text, e.document, e.speaker or None, e.dyad or None, e.session, e.coder
                    )
                    for e in picked[: codebook_docx.MAX_ANCHORS]
                ],
                anchors_chosen=bool(anchored),
            )
        )
    data = codebook_docx.write_codebook_docx(
        entries, title=title or f"Codebook: {project.name}", project=project.name
    )
    return _exported(project, "codebook with excerpts (.docx)", write_output(path, data))


def _distinct_passages(excerpts: list) -> list:
    """Examples without repeats: a passage several coders coded is printed once."""
    seen: set[tuple[str, str]] = set()
    distinct = []
    for excerpt in excerpts:
        key = (excerpt.document, excerpt.text)
        if key not in seen:
            seen.add(key)
            distinct.append(excerpt)
    return distinct


# -- project ---------------------------------------------------------------------------------------


def export_project_qdpx(
    project: Project,
    path: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """The whole project as a REFI-QDA .qdpx archive (valid against Project.xsd)."""
    if progress:
        progress(0, 2, "Collecting the project")
    with project.read() as session:
        refi = build_project(session, project.name)
    if cancelled is not None and cancelled():
        raise OperationCancelled("Export cancelled; nothing was written.")
    if progress:
        progress(1, 2, "Writing the archive")
    data = write_project(refi)
    written = _exported(project, "whole project (.qdpx)", write_output(path, data))
    if progress:
        progress(2, 2, "Done")
    return written


def import_project_qdpx(
    project: Project,
    path: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    limits: ZipLimits | None = None,
) -> ProjectImportReport:
    """Import a .qdpx from any REFI-QDA tool into this project: all of it in one transaction, or nothing."""
    path = Path(path)
    refi = read_project(read_input(path, MAX_PROJECT_BYTES), path.name, limits=limits, progress=progress)
    with project.write() as session:
        report = import_refi_project(session, refi, progress=progress, cancelled=cancelled)
    project.notify(EVERYTHING)
    return report


def import_refi(project: Project, path: Path | str, **options: Any) -> dict[str, Any]:
    """A .qdpx project or a .qdc codebook, by suffix; the counts imported as plain data."""
    suffix = Path(path).suffix.lower()
    if suffix == ".qdc":
        return import_codebook_qdc(project, path).as_dict()
    if suffix in (".qdpx", ".zip"):
        return import_project_qdpx(project, path, **options).as_dict()
    raise ImportFailed(f"{Path(path).name}: Rapport imports REFI-QDA .qdpx projects and .qdc codebooks.")

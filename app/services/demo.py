"""The demo study: a small, fictional but realistic alliance study that shows every part of Rapport.

The sources live in `app/resources/demo/` as a researcher would have them: plain-text transcripts (sessions and
video-assisted recall interviews), a participant sheet (CSV), `study.json` (which file is which document,
plus memos) and `codings.json` (two coders' codings). Codings name the exact quoted text rather than offsets,
so that editing a transcript can never silently move a coding: `resolve_quote` finds each quote when the demo
is built, and a quote that is missing or ambiguous stops the build with a message naming it.

The project is built through the same services the application uses (import, attributes, codebook, coding,
memos). It is built in a work file beside the target and moved into place only when complete, so a failed
or cancelled build leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.errors import InvalidInput, NotARapportProject, OperationCancelled
from app.paths import demo_dir
from app.services import codebook, coding, memos
from app.services.demo_cqr import add_cqr_examples
from app.services.importing import DocumentMeta, import_attributes, import_text
from app.services.project import Project, create_project, open_project
from app.services.study import get_document, list_dyads
from app.storage.server import is_server_address

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class DemoSourceError(InvalidInput):
    """The demo's own source files are inconsistent (a quote not found, an unknown code...)."""


@dataclass(frozen=True)
class QuotedCoding:
    """One coding as written in `codings.json`: the document's file stem and the exact quoted text."""

    coder: str
    document: str
    code: str
    quote: str
    occurrence: int | None = None  # 1-based; required when the quote occurs more than once
    memo: str = ""


def resolve_quote(
    text: str, quote: str, occurrence: int | None = None, *, where: str = ""
) -> tuple[int, int]:
    """The (start, end) code-point range of `quote` in `text`.

    Refuses a quote that is empty, absent, ambiguous (found more than once with no occurrence given) or whose
    occurrence does not exist, so a change to a transcript is noticed instead of coding the wrong words.
    """
    label = f"{where}: " if where else ""
    if not quote:
        raise DemoSourceError(f"{label}a coding has an empty quote.")
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise DemoSourceError(f"{label}the quote {quote[:60]!r} is not in the document.")
    if occurrence is None:
        if len(starts) > 1:
            raise DemoSourceError(
                f'{label}the quote {quote[:60]!r} occurs {len(starts)} times; say which with "occurrence".'
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise DemoSourceError(
            f"{label}the quote {quote[:60]!r} occurs {len(starts)} time(s), not {occurrence}."
        )
    start = starts[occurrence - 1]
    return start, start + len(quote)


def read_codings(path: Path) -> list[QuotedCoding]:
    """The entries of a codings file ([coder, code path, quote, {occurrence, memo}?] per document)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found: list[QuotedCoding] = []
    for document, entries in data["codings"].items():
        for entry in entries:
            if not 3 <= len(entry) <= 4:
                raise DemoSourceError(
                    f"{path.name}, {document}: an entry needs coder, code and quote: {entry!r}"
                )
            options: dict[str, Any] = entry[3] if len(entry) == 4 else {}
            found.append(
                QuotedCoding(
                    coder=entry[0], document=document, code=entry[1], quote=entry[2],
                    occurrence=options.get("occurrence"), memo=options.get("memo", ""),
                )
            )  # fmt: skip
    return found


def build_demo(
    path: Path | str,
    *,
    source: Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Project:
    """Create the demo study at `path` (which must not exist yet; or in an empty server database, given its
    URL) and return it open for writing."""
    source = source or demo_dir()
    if is_server_address(path):
        project = create_project(str(path))
        try:
            _populate(project, source, progress or (lambda done, total, message: None), cancelled)
        except BaseException:
            project.close()
            raise
        return project
    path = Path(path)
    if path.exists():
        raise NotARapportProject(f"{path} already exists; choose a new file name for the demo study.")
    work = path.with_name(path.name + ".building")
    _remove_database(work)
    try:
        with create_project(work) as project:
            _populate(project, source, progress or (lambda done, total, message: None), cancelled)
        _fold_in_write_ahead_log(work)
        os.replace(work, path)
    finally:
        _remove_database(work)
    return open_project(path)


def _fold_in_write_ahead_log(path: Path) -> None:
    """Make the closed work file self-contained before it is renamed (a `-wal` left beside it would be lost)."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _remove_database(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))):
        leftover.unlink(missing_ok=True)


def _populate(project: Project, source: Path, progress: Progress, cancelled: Cancelled | None) -> None:
    study = json.loads((source / "study.json").read_text(encoding="utf-8"))
    quoted = read_codings(source / "codings.json")
    documents = study["documents"]
    total = len(documents) + 5
    step = 0

    def tick(message: str) -> None:
        nonlocal step
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        progress(step, total, message)
        step += 1

    tick("Loading the starter codebook…")
    codebook.load_starter_codebook(project)
    tick("Reading the participant sheet…")
    import_attributes(project, source / study["participants"])

    texts: dict[str, tuple[int, str]] = {}  # file stem -> (document id, stored text)
    for entry in documents:
        tick(f"Importing {entry['name']}…")
        raw = (source / entry["file"]).read_text(encoding="utf-8")
        meta = DocumentMeta(
            dyad=entry.get("dyad"), session=entry.get("session"), perspective=entry.get("perspective"),
            kind=entry.get("kind", "other"), participant=entry.get("participant"),
        )  # fmt: skip
        imported = import_text(project, name=entry["name"], text=raw, meta=meta, source_name=entry["file"])
        texts[Path(entry["file"]).stem] = (imported.id, get_document(project, imported.id).text)

    tick("Applying the coders' codings…")
    coders = {name: coding.ensure_coder(project, name) for name in study.get("coders", [])}
    codes = {c.path.casefold(): c.id for c in codebook.list_codes(project)}
    _apply_codings(project, quoted, texts, codes, coders)

    tick("Writing memos…")
    names = {entry["name"]: texts[Path(entry["file"]).stem] for entry in documents}
    _add_memos(project, study.get("memos", []), names, codes, coders)
    tick("Writing core ideas and the audit…")
    add_cqr_examples(project, study.get("cqr", {}), {stem: ids[0] for stem, ids in texts.items()})
    progress(total, total, "The demo study is ready.")


def _apply_codings(
    project: Project,
    quoted: list[QuotedCoding],
    texts: dict[str, tuple[int, str]],
    codes: dict[str, int],
    coders: dict[str, int],
) -> None:
    by_coder: dict[str, list[tuple[coding.CodingSpec, str]]] = {}
    for item in quoted:
        where = f"codings.json, {item.document}, {item.coder}"
        if item.document not in texts:
            raise DemoSourceError(f"{where}: there is no demo document {item.document!r}.")
        if item.code.casefold() not in codes:
            raise DemoSourceError(f"{where}: there is no code {item.code!r} in the starter codebook.")
        if item.coder not in coders:
            coders[item.coder] = coding.ensure_coder(project, item.coder)
        document_id, text = texts[item.document]
        start, end = resolve_quote(text, item.quote, item.occurrence, where=where)
        spec = coding.CodingSpec(document_id, codes[item.code.casefold()], start, end)
        by_coder.setdefault(item.coder, []).append((spec, item.memo))
    for name, entries in by_coder.items():
        records = coding.add_codings(project, [spec for spec, _memo in entries], coders[name])
        ids = {(r.document_id, r.code_id, r.start, r.end): r.id for r in records}
        for spec, memo in entries:
            if memo:
                key = (spec.document_id, spec.code_id, spec.start, spec.end)
                memos.add_memo(project, "coding", ids[key], text=memo, author_id=coders[name])


def _add_memos(
    project: Project,
    entries: list[dict[str, Any]],
    documents: dict[str, tuple[int, str]],
    codes: dict[str, int],
    coders: dict[str, int],
) -> None:
    dyads = {d.name: d.id for d in list_dyads(project)}
    for entry in entries:
        target = entry["target"]
        author = coders.get(entry.get("author", "")) if entry.get("author") else None
        start = end = None
        target_id: int | None = None
        try:
            if target == "dyad":
                target_id = dyads[entry["dyad"]]
            elif target == "code":
                target_id = codes[entry["code"].casefold()]
            elif target == "document":
                target_id, text = documents[entry["document"]]
                if entry.get("anchor"):
                    start, end = resolve_quote(text, entry["anchor"], entry.get("occurrence"),
                                               where=f"study.json memo {entry.get('title', '')!r}")  # fmt: skip
        except KeyError as exc:
            raise DemoSourceError(f"study.json: a memo names an unknown {target} {exc}.") from exc
        memos.add_memo(
            project, target, target_id, text=entry["text"], title=entry.get("title", ""), author_id=author,
            start=start, end=end,
        )  # fmt: skip

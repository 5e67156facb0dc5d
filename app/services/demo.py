"""The demo study: a small, clearly fictional alliance study built from the sources in `resources/demo/`.

It is the first thing a new user or a reviewer sees (`rapport demo PATH`, `python -m app --demo`), so it is
built through the same services a researcher uses (import, participant sheet, codebook, coding, memos) and
exercises what the comparison and agreement features need: two dyads (one with an interpreter), two sessions
each, a session transcript and a client and a therapist recall interview per session, and two coders whose
codings partly agree.

Codings and memos are stored in the sources as quotes, not offsets, so the transcripts can be edited without
recounting characters: each quote is found in its document at build time (the n-th occurrence when
`occurrence` is given). A quote that is not there is a bug in the bundled sources, not a user error, so it
raises `DemoSourceError` naming the document and the quote, and the half-built file is removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.errors import OperationCancelled
from app.domain.file_names import guess_from_file_name
from app.paths import demo_dir
from app.services import codebook, coding, importing, memos, study
from app.services.project import Project, create_project

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

PARTICIPANT_SHEET = "participants.csv"
CODINGS_FILE = "codings.json"
MEMOS_FILE = "memos.json"
_STEPS = 6


class DemoSourceError(Exception):
    """The bundled demo sources are inconsistent (a quote not found, an unknown code or document)."""


@dataclass(frozen=True)
class DemoDocument:
    """One transcript of the demo sources and where it belongs in the study."""

    path: Path
    name: str
    dyad: str
    session: int
    perspective: str | None
    kind: str


def demo_sources() -> Path:
    """The folder holding the demo study's transcripts, participant sheet, codings and memos."""
    return demo_dir()


def demo_documents(folder: Path | None = None) -> list[DemoDocument]:
    """The demo transcripts in study order, with dyad, session, perspective and kind read from their names."""
    folder = folder or demo_sources()
    found = []
    for path in sorted(folder.glob("D*_s*_*.txt")):
        guess = guess_from_file_name(path.name)
        if guess.dyad is None or guess.session is None:
            raise DemoSourceError(f"{path.name}: the demo file name does not name a dyad and a session.")
        found.append(DemoDocument(path, path.stem, guess.dyad, guess.session, guess.perspective, guess.kind))
    if not found:
        raise DemoSourceError(f"No demo transcripts in {folder}.")
    return found


def find_quote(text: str, quote: str, occurrence: int = 1, *, where: str = "") -> tuple[int, int]:
    """(start, end) of the `occurrence`-th (1-based) appearance of `quote` in `text`; loud when missing."""
    if not quote:
        raise DemoSourceError(f"{where}: an empty quote.")
    start = -1
    for _ in range(max(1, occurrence)):
        start = text.find(quote, start + 1)
        if start < 0:
            raise DemoSourceError(f"{where}: quote not found (occurrence {occurrence}): {quote!r}")
    return start, start + len(quote)


def _load_json(folder: Path, name: str) -> Any:
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoSourceError(f"{name}: the demo source cannot be read ({exc}).") from exc


def _participants_by_role(project: Project) -> dict[tuple[str, str], str]:
    """(dyad, role) -> participant name, from the imported participant sheet."""
    return {(dyad.name, role): person for dyad in study.list_dyads(project) for person, role in dyad.members}


def _import_documents(project: Project, folder: Path) -> dict[str, tuple[int, str]]:
    """Import every transcript; returns document name -> (id, stored text)."""
    people = _participants_by_role(project)
    stored: dict[str, tuple[int, str]] = {}
    for doc in demo_documents(folder):
        participant = people.get((doc.dyad, doc.perspective)) if doc.perspective else None
        meta = importing.DocumentMeta(
            dyad=doc.dyad,
            session=doc.session,
            perspective=doc.perspective,
            kind=doc.kind,
            participant=participant,
        )
        imported = importing.import_text(
            project,
            name=doc.name,
            text=doc.path.read_text(encoding="utf-8"),
            meta=meta,
            source_name=doc.path.name,
        )
        stored[doc.name] = (imported.id, study.get_document(project, imported.id).text)
    return stored


def _locate(entry: dict[str, Any], documents: dict[str, tuple[int, str]], where: str) -> tuple[int, int, int]:
    """(document id, start, end) of an entry's quote in its document."""
    name = entry.get("document")
    if name not in documents:
        raise DemoSourceError(f"{where}: unknown demo document {name!r}.")
    doc_id, text = documents[name]
    start, end = find_quote(text, entry["quote"], int(entry.get("occurrence", 1)), where=f"{where} in {name}")
    return doc_id, start, end


def _code_ids(project: Project) -> dict[str, int]:
    return {c.path: c.id for c in codebook.list_codes(project)}


def _add_codings(
    project: Project, entries: list[dict[str, Any]], documents: dict[str, tuple[int, str]]
) -> dict[tuple[str, str, str, str], int]:
    """Apply each coder's codings (one transaction per coder); returns (doc, code, coder, quote) -> coding id."""
    codes = _code_ids(project)
    specs: dict[str, list[tuple[tuple[str, str, str, str], coding.CodingSpec]]] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{CODINGS_FILE} entry {number}"
        if entry.get("code") not in codes:
            raise DemoSourceError(f"{where}: unknown code {entry.get('code')!r}.")
        doc_id, start, end = _locate(entry, documents, where)
        key = (entry["document"], entry["code"], entry["coder"], entry["quote"])
        specs.setdefault(entry["coder"], []).append(
            (key, coding.CodingSpec(doc_id, codes[entry["code"]], start, end))
        )
    ids: dict[tuple[str, str, str, str], int] = {}
    for coder_name, items in specs.items():
        coder_id = coding.ensure_coder(project, coder_name)
        records = coding.add_codings(project, [spec for _, spec in items], coder_id)
        if len(records) != len(items):
            raise DemoSourceError(f"{CODINGS_FILE}: coder {coder_name} has duplicate codings.")
        ids.update({key: record.id for (key, _), record in zip(items, records)})
    return ids


def _add_memos(
    project: Project,
    entries: list[dict[str, Any]],
    documents: dict[str, tuple[int, str]],
    codings: dict[tuple[str, str, str, str], int],
) -> None:
    codes = _code_ids(project)
    dyads = {d.name: d.id for d in study.list_dyads(project)}
    for number, entry in enumerate(entries, start=1):
        where = f"{MEMOS_FILE} entry {number}"
        target = entry["target"]
        target_id: int | None = None
        start = end = None
        if target == "document":
            if "quote" in entry:
                target_id, start, end = _locate(entry, documents, where)
            elif entry.get("document") in documents:
                target_id = documents[entry["document"]][0]
        elif target == "code":
            target_id = codes.get(entry.get("code", ""))
        elif target == "dyad":
            target_id = dyads.get(entry.get("dyad", ""))
        elif target == "coding":
            target_id = codings.get((entry["document"], entry["code"], entry["coder"], entry["quote"]))
        if target != "project" and target_id is None:
            raise DemoSourceError(f"{where}: its {target} is not in the demo study.")
        author = coding.ensure_coder(project, entry["author"]) if entry.get("author") else None
        memos.add_memo(
            project,
            target,
            target_id,
            title=entry.get("title", ""),
            text=entry["text"],
            author_id=author,
            start=start,
            end=end,
        )


def _remove_project_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build_demo(
    path: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    sources: Path | None = None,
) -> Project:
    """Create the demo study at `path` (which must not exist yet) and return it open for writing.

    A failure or cancellation removes the half-built file, so the path is free to try again.
    """
    path = Path(path)
    folder = sources or demo_sources()
    project = create_project(path)
    try:

        def step(done: int, message: str) -> None:
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            if progress is not None:
                progress(done, _STEPS, message)

        step(0, "Loading the starter codebook")
        codebook.load_starter_codebook(project)
        step(1, "Adding participants")
        importing.import_attributes(project, folder / PARTICIPANT_SHEET)
        step(2, "Importing transcripts")
        documents = _import_documents(project, folder)
        step(3, "Adding the coders' codings")
        coding_ids = _add_codings(project, _load_json(folder, CODINGS_FILE)["codings"], documents)
        step(4, "Adding memos")
        _add_memos(project, _load_json(folder, MEMOS_FILE)["memos"], documents, coding_ids)
        step(5, "Done")
    except BaseException:
        project.close()
        _remove_project_files(path)
        raise
    if progress is not None:
        progress(_STEPS, _STEPS, "Done")
    return project

"""Pseudonymisation: real names become pseudonyms across every document, as one undoable action.

It uses the same edit path as a manual correction (`app.services.editing`), so codings, turns, memo anchors
and the search index follow each replacement. A preview lists every replacement before anything changes, and
each document's history records what was replaced (the audit list).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import InvalidInput
from app.domain.text_edits import TextEdit
from app.services import audit, editing
from app.services.changes import Change
from app.services.project import Project
from app.storage import cipher, pseudonym_map, upkeep
from app.storage.queries import editing as queries

CONTEXT_CHARS = 30


@dataclass(frozen=True)
class PseudonymRule:
    real: str
    pseudonym: str
    whole_word: bool = True
    case_sensitive: bool = False


@dataclass(frozen=True)
class Replacement:
    document_id: int
    document: str
    start: int  # in the text before pseudonymisation
    end: int
    original: str
    pseudonym: str
    context: str  # the surrounding words, for the preview


@dataclass(frozen=True)
class PseudonymisationOutcome:
    replacements: tuple[Replacement, ...]
    snapshots: tuple[editing.DocumentSnapshot, ...]
    removed_codings: tuple[editing.RemovedCoding, ...]


def _check(rules: list[PseudonymRule]) -> list[PseudonymRule]:
    cleaned = []
    for rule in rules:
        real = rule.real.strip()
        if not real:
            raise InvalidInput("Each name to replace needs some text.")
        if not rule.pseudonym.strip():
            raise InvalidInput(
                f"Give {real!r} a pseudonym: an empty one would delete the name from the text."
            )
        if real == rule.pseudonym:
            continue
        cleaned.append(PseudonymRule(real, rule.pseudonym, rule.whole_word, rule.case_sensitive))
    if not cleaned:
        raise InvalidInput("Give at least one real name and the pseudonym that replaces it.")
    return cleaned


def _finder(rules: list[PseudonymRule]) -> list[tuple[re.Pattern[str], PseudonymRule]]:
    # Longest names first, so "John Smith" is replaced as a whole before "John" could match inside it.
    ordered = sorted(rules, key=lambda r: len(r.real), reverse=True)
    finders = []
    for rule in ordered:
        body = re.escape(rule.real)
        if rule.whole_word:
            body = rf"(?<!\w){body}(?!\w)"
        finders.append((re.compile(body, 0 if rule.case_sensitive else re.IGNORECASE), rule))
    return finders


def _matches(text: str, finders) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []
    for pattern, rule in finders:
        for match in pattern.finditer(text):
            if not any(match.start() < end and start < match.end() for start, end, _ in taken):
                taken.append((match.start(), match.end(), rule.pseudonym))
    return sorted(taken)


def preview(project: Project, rules: list[PseudonymRule]) -> list[Replacement]:
    """Every replacement the rules would make, in document order; nothing is changed."""
    finders = _finder(_check(rules))
    found: list[Replacement] = []
    with project.read() as session:
        for document_id, name, text in queries.document_texts(session):
            for start, end, pseudonym in _matches(text, finders):
                context = text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS].replace("\n", " ")
                found.append(Replacement(document_id, name, start, end, text[start:end], pseudonym, context))
    return found


def pseudonymise(
    project: Project,
    rules: list[PseudonymRule],
    *,
    coder_id: int | None = None,
    map_file: Path | None = None,
    map_passphrase: str | None = None,
) -> PseudonymisationOutcome:
    """Replace the names everywhere, in one transaction; undo with `undo_pseudonymise`.

    With `map_file` the map (real name -> pseudonym) is written to that separate encrypted file and the
    project's history records only the pseudonyms, so the project alone cannot re-identify anyone."""
    if map_file is not None:
        if Path(map_file).exists():
            raise InvalidInput(f"{map_file} already exists; choose a new file for the pseudonym map.")
        if not map_passphrase:
            raise InvalidInput("A pseudonym map kept apart is encrypted: give it a passphrase.")
        cipher.check_new_passphrase(map_passphrase)
    replacements = preview(project, rules)
    by_document: dict[int, list[Replacement]] = {}
    for replacement in replacements:
        by_document.setdefault(replacement.document_id, []).append(replacement)
    snapshots, removed = [], []
    with project.write() as session:
        if map_file is not None:  # freed pages are zeroed: the real names do not linger in the file
            upkeep.secure_delete(session)
        for document_id, items in by_document.items():
            edits, shift = [], 0
            for item in items:  # sequential edits: each against the text the previous ones left
                edit = TextEdit(item.start + shift, item.end + shift, item.pseudonym)
                edits.append(edit)
                shift += edit.delta
            counts = Counter((i.original, i.pseudonym) for i in items)
            if map_file is not None:  # the originals stay out of the project
                summary = "Pseudonymised (map kept apart): " + "; ".join(
                    f"{n} × “{p}”" for (_, p), n in counts.items()
                )
            else:
                summary = "Pseudonymised: " + "; ".join(
                    f"{n} × “{o}” → “{p}”" for (o, p), n in counts.items()
                )
            outcome = editing.apply_in_session(
                session, document_id, edits, coder_id=coder_id, summary=summary
            )
            snapshots.append(outcome.snapshot)
            removed.extend(outcome.removed_codings)
        detail = {"names": len(rules), "replacements": len(replacements)}
        if map_file is not None:
            detail["map_file"] = str(Path(map_file).resolve())
        audit.record(session, "pseudonymise", detail)
        if map_file is not None:  # written inside the transaction: no map, no pseudonymisation
            rows = Counter((r.original, r.pseudonym, r.document) for r in replacements)
            pseudonym_map.write_map(
                Path(map_file), map_passphrase or "", project.project_id, [(*k, n) for k, n in rows.items()]
            )
    if map_file is not None:
        _fold_wal(project)
    documents = frozenset(by_document)
    project.notify(Change(documents=documents, codings=documents, memos=True))
    return PseudonymisationOutcome(tuple(replacements), tuple(snapshots), tuple(removed))


def undo_pseudonymise(project: Project, outcome: PseudonymisationOutcome) -> None:
    with project.write() as session:
        for snapshot in outcome.snapshots:
            editing.restore_in_session(session, snapshot)
    documents = frozenset(s.document_id for s in outcome.snapshots)
    project.notify(Change(documents=documents, codings=documents, memos=True))


def view_map(map_file: Path, passphrase: str, project: Project | None = None) -> list[dict[str, object]]:
    """The rows of a pseudonym map kept apart; viewing it is recorded in the project's audit log."""
    project_id, rows = pseudonym_map.read_map(Path(map_file), passphrase)
    if project is not None:
        if project_id and project.project_id and project_id != project.project_id:
            raise InvalidInput(f"{Path(map_file).name} is the pseudonym map of another project.")
        audit.record_event(project, "view-pseudonym-map", {"map_file": str(Path(map_file).resolve())})
    return [{"real": r, "pseudonym": p, "document": d, "occurrences": n} for r, p, d, n in rows]


def _fold_wal(project: Project) -> None:
    """No real name may linger: in a file's write-ahead log (folded in), or in a server's old row versions."""
    if project.is_server:
        upkeep.vacuum(project.engine)
    else:
        upkeep.fold_write_ahead_log(project.engine)

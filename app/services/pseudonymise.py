"""Pseudonymisation: real names become pseudonyms across every document, as one undoable action.

It uses the same edit path as a manual correction (`app.services.editing`), so codings, turns, memo anchors
and the search index follow each replacement. A preview lists every replacement before anything changes, and
each document's history records what was replaced (the audit list).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from app.domain.errors import InvalidInput
from app.domain.text_edits import TextEdit
from app.services import audit, editing
from app.services.changes import Change
from app.services.project import Project
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
    project: Project, rules: list[PseudonymRule], *, coder_id: int | None = None
) -> PseudonymisationOutcome:
    """Replace the names everywhere, in one transaction; undo with `undo_pseudonymise`."""
    replacements = preview(project, rules)
    by_document: dict[int, list[Replacement]] = {}
    for replacement in replacements:
        by_document.setdefault(replacement.document_id, []).append(replacement)
    snapshots, removed = [], []
    with project.write() as session:
        for document_id, items in by_document.items():
            edits, shift = [], 0
            for item in items:  # sequential edits: each against the text the previous ones left
                edit = TextEdit(item.start + shift, item.end + shift, item.pseudonym)
                edits.append(edit)
                shift += edit.delta
            counts = Counter((i.original, i.pseudonym) for i in items)
            summary = "Pseudonymised: " + "; ".join(f"{n} × “{o}” → “{p}”" for (o, p), n in counts.items())
            outcome = editing.apply_in_session(
                session, document_id, edits, coder_id=coder_id, summary=summary
            )
            snapshots.append(outcome.snapshot)
            removed.extend(outcome.removed_codings)
        audit.record(session, "pseudonymise", {"names": len(rules), "replacements": len(replacements)})
    documents = frozenset(by_document)
    project.notify(Change(documents=documents, codings=documents, memos=True))
    return PseudonymisationOutcome(tuple(replacements), tuple(snapshots), tuple(removed))


def undo_pseudonymise(project: Project, outcome: PseudonymisationOutcome) -> None:
    with project.write() as session:
        for snapshot in outcome.snapshots:
            editing.restore_in_session(session, snapshot)
    documents = frozenset(s.document_id for s in outcome.snapshots)
    project.notify(Change(documents=documents, codings=documents, memos=True))

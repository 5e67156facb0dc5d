"""A version per document, so two coders correcting one transcript at once never undo each other's work.

Every change of a document's text or turns moves its version on by one (`moved_on`). Codings and memos do not:
coding a transcript while another coder corrects it is fine, since the correction moves codings with the text.
A correction started from a version that is no longer current is refused (`check_version`) with a
`DocumentChangedElsewhere` that names who corrected it and keeps the text that was not saved.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from app.domain.errors import DocumentChangedElsewhere, NotFound
from app.domain.text_edits import diff_edits
from app.storage.models import Document
from app.storage.queries import editing as queries


def locked(session: Session, document_id: int) -> Document:
    """The document, read afresh and (on a server) locked until this action commits."""
    document = queries.locked_document(session, document_id)
    if document is None:
        raise NotFound(f"There is no document {document_id} in this project.")
    return document


def check_version(
    session: Session,
    document: Document,
    expected: int | None,
    *,
    expected_text_hash: str | None = None,
    kept_text: str | None = None,
    undoing: bool = False,
) -> None:
    """Refuse to go on when the document is no longer at the `expected` version (None: no expectation).

    An undo or redo expects a text instead (`expected_text_hash`, the text its action left): the coder's own
    turn tools in between move the version on but leave the text, and are no reason to refuse."""
    if (expected is None or document.version == expected) and (
        expected_text_hash is None or document.text_hash == expected_text_hash
    ):
        return
    who = queries.last_editor(session, document.id) or "Another coder"
    name = f"“{document.name}”"
    if undoing:
        message = (
            f"{who} changed {name} after your correction, so it cannot be undone without undoing theirs too. "
            "Nothing was changed; correct the transcript again by hand if needed."
        )
    else:
        message = (
            f"{who} corrected {name} while you were editing it, so your corrections were not saved "
            "(saving them would have undone theirs). Your corrected text is kept: save it as a memo or copy it, "
            "then apply your corrections again to the transcript as it is now."
        )
    raise DocumentChangedElsewhere(message, kept_text=kept_text, document_id=document.id)


def check_seen_versions(session: Session, seen: Mapping[int, int] | None) -> None:
    """Refuse to code positions read from a version of a document that is no longer current: another coder
    corrected the transcript meanwhile, so the passage chosen may have moved (nothing is written)."""
    if not seen:
        return
    current = queries.shared_versions(session, list(seen))
    moved = [doc for doc, version in seen.items() if doc in current and current[doc] != version]
    if not moved:
        return
    document = session.get(Document, moved[0])
    who = queries.last_editor(session, moved[0]) or "Another coder"
    raise DocumentChangedElsewhere(
        f"{who} corrected “{document.name}” a moment ago, so the passage you chose may have moved. Nothing was "
        "coded: the transcript now shows the corrected text; choose the passage again.",
        document_id=moved[0],
    )


def moved_on(session: Session, document_id: int) -> int:
    """Record that the document's text or turns changed; returns its new version."""
    return queries.move_version_on(session, document_id)


def current_version(session: Session, document_id: int) -> int:
    version = queries.document_version(session, document_id)
    if version is None:
        raise NotFound(f"There is no document {document_id} in this project.")
    return version


def unsaved_corrections_memo(loaded_text: str, corrected_text: str) -> str:
    """A memo's text for corrections that could not be saved: each correction (what the coder changed in the
    version they loaded), then their whole corrected transcript, so nothing they typed is lost."""
    edits = diff_edits(loaded_text, corrected_text)
    lines = ["Corrections that could not be saved because another coder changed the transcript meanwhile:"]
    for edit in edits[:200]:
        old = loaded_text[edit.start : edit.end]
        where = f"near “{_context(loaded_text, edit.start)}”"
        if old and edit.replacement:
            lines.append(f"- replace “{old}” with “{edit.replacement}” {where}")
        elif old:
            lines.append(f"- delete “{old}” {where}")
        else:
            lines.append(f"- insert “{edit.replacement}” {where}")
    if len(edits) > 200:
        lines.append(f"- … and {len(edits) - 200} more")
    lines += ["", "Your whole corrected transcript:", "", corrected_text]
    return "\n".join(lines)


def _context(text: str, position: int, width: int = 30) -> str:
    start = max(0, position - width)
    return " ".join(text[start : position + width].split())

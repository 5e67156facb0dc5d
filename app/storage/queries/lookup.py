"""Find documents, codes, coders and dyads by id or by unique name, as the CLI and services name them."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.errors import Ambiguous, NotFound
from app.domain.names import normalise_name
from app.storage.models import Code, Coder, Document, Dyad, Participant

T = TypeVar("T")


def _by_id_or_name(session: Session, model: type[T], ident: str | int, what: str) -> T:
    text = str(ident).strip()
    if text.isdigit():
        found = session.get(model, int(text))
        if found is not None:
            return found
    rows: list = []
    # As typed, then as names are stored (control characters and runs of spaces made one space).
    for candidate in dict.fromkeys([text, normalise_name(text)]):
        rows = session.scalars(select(model).where(model.name == candidate)).all()  # type: ignore[attr-defined]
        if not rows:
            rows = session.scalars(
                select(model).where(func.lower(model.name) == candidate.lower())  # type: ignore[attr-defined]
            ).all()
        if rows:
            break
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise Ambiguous(f"More than one {what} is called {text!r}; name it by id instead.")
    raise NotFound(f"There is no {what} {text!r} in this project.")


def document(session: Session, ident: str | int) -> Document:
    return _by_id_or_name(session, Document, ident, "document")


def coder(session: Session, ident: str | int) -> Coder:
    return _by_id_or_name(session, Coder, ident, "coder")


def dyad(session: Session, ident: str | int) -> Dyad:
    return _by_id_or_name(session, Dyad, ident, "dyad")


def participant(session: Session, ident: str | int) -> Participant:
    return _by_id_or_name(session, Participant, ident, "participant")


def code(session: Session, ident: str | int) -> Code:
    """A code by id, by name, or by its path with '/' between levels (`Alliance/Trust`)."""
    text = str(ident).strip()
    if "/" in text and not text.isdigit():
        return _code_by_path(session, text)
    return _by_id_or_name(session, Code, ident, "code")


def _code_by_path(session: Session, path: str) -> Code:
    parent_id: int | None = None
    found: Code | None = None
    for part in [p.strip() for p in path.split("/") if p.strip()]:
        rows = session.scalars(
            select(Code).where(
                Code.parent_id.is_(parent_id) if parent_id is None else Code.parent_id == parent_id,
                Code.name == part,
            )
        ).all()
        if len(rows) != 1:
            raise NotFound(f"There is no code {path!r} in this project.")
        found = rows[0]
        parent_id = found.id
    if found is None:
        raise NotFound(f"There is no code {path!r} in this project.")
    return found


def _one_named(session: Session, model: type[T], name: str) -> T | None:
    """The row called exactly `name`, else the only one called so in another letter case (so "ana" finds the
    coder "Ana" instead of becoming a second coder), else None."""
    found = session.scalars(select(model).where(model.name == name)).first()  # type: ignore[attr-defined]
    if found is not None:
        return found
    rows = session.scalars(
        select(model).where(func.lower(model.name) == name.lower())  # type: ignore[attr-defined]
    ).all()
    return rows[0] if len(rows) == 1 else None


def optional_coder_by_name(session: Session, name: str) -> Coder | None:
    return _one_named(session, Coder, name)


def dyad_by_name(session: Session, name: str) -> Dyad | None:
    return _one_named(session, Dyad, name)

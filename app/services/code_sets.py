"""Code sets: a parent code whose children are mutually exclusive values (a rupture type, a 1-5 rating).

A parent marked as a set (`is_set`) holds its values in codebook order; each value has a number for interval
and ratio agreement (`set_value`, or else its name's number: "1".."5" need nothing). A coder gives one value of
a set to a passage: coding a passage with a second value of a marked set, overlapping a coding of another value
by the same coder, is refused (`SetValueConflict`) unless the caller chose to replace the first value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.agreement_sets import numeric_value
from app.domain.errors import InvalidInput, NotFound
from app.services.changes import Change
from app.services.project import Project
from app.storage.models import Code
from app.storage.queries import code_sets as queries
from app.storage.queries import lookup


class SetValueConflict(InvalidInput):
    """A coder gave a passage a second value of one code set; `conflicting` holds the ids of the first."""

    def __init__(self, message: str, conflicting: Sequence[int]) -> None:
        super().__init__(message)
        self.conflicting = tuple(conflicting)


@dataclass(frozen=True)
class SetValue:
    id: int
    name: str
    number: float | None  # the stored number, else the name's number, else None
    stored: float | None  # the number stored on the code (None: taken from the name)


@dataclass(frozen=True)
class CodeSet:
    id: int
    name: str
    path: str
    marked: bool  # marked as a set in the codebook (False: treated as one on request)
    values: tuple[SetValue, ...]

    @property
    def numbers(self) -> list[float | None]:
        return [value.number for value in self.values]

    def as_dict(self) -> dict:
        return {
            "set": self.path,
            "marked": self.marked,
            "values": [{"code": v.name, "code_id": v.id, "number": v.number} for v in self.values],
        }


def code_set(session: Session, ident: str | int) -> CodeSet:
    """The set named by a parent code (id, name or path), with its values in codebook order."""
    parent = lookup.code(session, ident)
    children = queries.children(session, parent.id)
    if len(children) < 2:
        raise InvalidInput(
            f"{parent.name!r} has {len(children) or 'no'} sub-code{'s' if len(children) != 1 else ''}; "
            "a code set needs at least two values (its sub-codes)."
        )
    values = tuple(
        SetValue(
            child.id,
            child.name,
            child.set_value if child.set_value is not None else numeric_value(child.name),
            child.set_value,
        )
        for child in children
    )
    return CodeSet(parent.id, parent.name, _path(session, parent), bool(parent.is_set), values)


def _path(session: Session, code: Code) -> str:
    parts = [code.name]
    parent_id = code.parent_id
    while parent_id is not None:
        parent = session.get(Code, parent_id)
        if parent is None:
            break
        parts.append(parent.name)
        parent_id = parent.parent_id
    return "/".join(reversed(parts))


def read_code_set(project: Project, ident: str | int) -> CodeSet:
    with project.read() as session:
        return code_set(session, ident)


def mark_code_set(project: Project, ident: str | int, marked: bool = True) -> bool:
    """Mark (or unmark) a parent code as a set of mutually exclusive values; returns the old mark, for undo."""
    with project.write() as session:
        code = lookup.code(session, ident)
        if marked and not queries.has_children(session, code.id):
            raise InvalidInput(f"{code.name!r} has no sub-codes; its sub-codes would be the set's values.")
        old, code.is_set = bool(code.is_set), marked
    project.notify(Change(codebook=True))
    return old


def set_value_number(project: Project, ident: str | int, number: float | None) -> float | None:
    """Give a set's value its number (None: the name's number); returns the old stored number, for undo."""
    if number is not None and (number != number or abs(number) == float("inf")):
        raise InvalidInput("A value's number must be a finite number.")
    with project.write() as session:
        code = lookup.code(session, ident)
        if code.parent_id is None:
            raise InvalidInput(f"{code.name!r} is not a sub-code, so it is no value of a set.")
        old, code.set_value = code.set_value, number
    project.notify(Change(codebook=True))
    return old


def stored_number(project: Project, ident: str | int) -> float | None:
    """The number stored on a value (None: none stored; its name's number counts then)."""
    with project.read() as session:
        return lookup.code(session, ident).set_value


def marked_sets(project: Project) -> list[CodeSet]:
    with project.read() as session:
        found = []
        for code_id in queries.marked_set_ids(session):
            try:
                found.append(code_set(session, code_id))
            except InvalidInput:
                continue  # a marked set whose values were deleted: nothing to compare
        return found


# -- one value per passage -----------------------------------------------------------------------------


def conflicting_codings(
    session: Session, specs: Sequence[tuple[int, int, int, int]], coder_id: int
) -> list[tuple[int, int, str, str]]:
    """For (document, code, start, end) specs: the coder's codings of another value of the same marked set
    overlapping a spec, as (coding id, spec index, set name, value name)."""
    set_of = queries.set_parents(session, list({spec[1] for spec in specs}))
    if not set_of:
        return []
    found = []
    for index, (document_id, code_id, start, end) in enumerate(specs):
        if code_id in set_of:
            rows = queries.other_values_overlapping(
                session, document_id, coder_id, set_of[code_id], code_id, start, end
            )
            found.extend((coding_id, index, set_name, value) for coding_id, value, set_name in rows)
    return found


def refuse_conflicts(session: Session, specs: Sequence[tuple[int, int, int, int]], coder_id: int) -> None:
    """Raise `SetValueConflict` when a spec would give a passage a second value of a marked set."""
    conflicts = conflicting_codings(session, specs, coder_id)
    if not conflicts:
        return
    _coding, index, set_name, value = conflicts[0]
    new_value = session.get(Code, specs[index][1])
    new_name = new_value.name if new_value is not None else "?"
    raise SetValueConflict(
        f"This passage already has {value!r} of the set {set_name!r} from the same coder; a set takes one "
        f"value per passage. Replace {value!r} with {new_name!r}, or remove it first.",
        [coding for coding, *_rest in conflicts],
    )


def code_set_or_error(project: Project, ident: str | int) -> CodeSet:
    try:
        return read_code_set(project, ident)
    except NotFound:
        raise NotFound(f"There is no code {ident!r} to compare as a set.") from None

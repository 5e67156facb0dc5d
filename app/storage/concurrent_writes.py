"""Several coders writing to one server project at once: names kept unique, and transient conflicts retried.

A code's name is unique among its siblings and a coder's name in the project, checked by the services before they
write. On SQLite writers take turns, so the check holds. On PostgreSQL two coders' transactions run side by side:
both could check, find nothing, and write the same name. `names_in_turn` makes transactions that are about to
check and write names of one kind wait for each other (a transaction-scoped advisory lock, released at commit),
so the second sees the first's name and gets the service's usual clear message ("A code called … already
exists"). It costs nothing for the coding itself, which takes no such lock.
"""

from __future__ import annotations

import zlib

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.domain.errors import RapportError

NAMES_LOCK_CLASS = 7_262_302  # the first key of pg_advisory_xact_lock(int, int): Rapport's names
UNIQUE_VIOLATION = "23505"
# PostgreSQL aborts one of two transactions that wait for each other (a deadlock) or, under serializable
# isolation, that cannot both stand: running the loser again, from the start, is the documented remedy. So for a
# unique name another coder's transaction took first: run again, the action finds their row and uses it (or
# says clearly that the name is taken).
RETRYABLE_STATES = frozenset({"40001", "40P01", UNIQUE_VIOLATION})
# What a researcher calls the rows whose unique names or numbers two coders may add at the same moment.
_NOUNS = {
    "codes": "code", "coders": "coder", "dyads": "dyad", "documents": "document", "sessions": "session",
    "participants": "participant", "codings": "coding", "code_sets": "code set", "attribute_definitions": "attribute",
}  # fmt: skip


def names_in_turn(session: Session, kind: str) -> None:
    """Wait until no other transaction is checking and writing names of `kind` ("codes", "coders")."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(kind.encode("utf-8")) & 0x7FFFFFFF
    session.execute(text("SELECT pg_advisory_xact_lock(:cls, :key)"), {"cls": NAMES_LOCK_CLASS, "key": key})


def _psycopg_errors(exc: BaseException):
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, psycopg.Error):
            yield current
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]


def unique_race(exc: BaseException) -> RapportError | None:
    """On a server, a unique name or number another coder's transaction took first: what to tell the user."""
    for error in _psycopg_errors(exc):
        if error.sqlstate == UNIQUE_VIOLATION:
            noun = _NOUNS.get(error.diag.table_name or "", "item")
            return RapportError(
                f"Another coder added the same {noun} at the same moment, so this was not saved and nothing "
                "was changed. The project now shows theirs; try again if you still need it."
            )
    return None


def is_retryable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is a deadlock, a serialization failure or a unique value taken by
    another transaction at the same moment: the same action, run again in a new transaction, will normally
    succeed or be refused with a clear message."""
    return any(error.sqlstate in RETRYABLE_STATES for error in _psycopg_errors(exc))

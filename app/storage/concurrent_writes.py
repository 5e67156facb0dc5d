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

NAMES_LOCK_CLASS = 7_262_302  # the first key of pg_advisory_xact_lock(int, int): Rapport's names
# PostgreSQL aborts one of two transactions that wait for each other (a deadlock) or, under serializable
# isolation, that cannot both stand. Running the loser again, from the start, is the documented remedy.
RETRYABLE_STATES = frozenset({"40001", "40P01"})


def names_in_turn(session: Session, kind: str) -> None:
    """Wait until no other transaction is checking and writing names of `kind` ("codes", "coders")."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(kind.encode("utf-8")) & 0x7FFFFFFF
    session.execute(text("SELECT pg_advisory_xact_lock(:cls, :key)"), {"cls": NAMES_LOCK_CLASS, "key": key})


def is_retryable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is a deadlock or serialization failure the server rolled back: the
    same action, run again in a new transaction, will normally succeed."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, psycopg.Error) and current.sqlstate in RETRYABLE_STATES:
            return True
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return False

"""Say what went wrong with a server project: the server is down, it refused us, the database is missing...

libpq reports connection failures as text with no SQLSTATE, so those are recognised by libpq's own wording
(stable across versions, and in English whatever the client's locale, since lc_messages is the server's only for
errors it sends). Errors the server sends in a session carry an SQLSTATE. Every message names the project by its
redacted URL: a password never reaches a terminal, a log or a bug report.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from app.domain.errors import (
    InvalidInput,
    ProjectInUse,
    ProjectMissing,
    RapportError,
    ReadOnlyProject,
    ServerRefused,
    ServerUnavailable,
    first_line,
)
from app.storage.failures import causes
from app.storage.server import database_name, host_label, user_name

PGPASS_HINT = "Rapport takes the password from ~/.pgpass or PGPASSWORD and never stores it"

# SQLSTATEs the server sends within a session
INSUFFICIENT_PRIVILEGE = "42501"
READ_ONLY_TRANSACTION = "25006"
TOO_MANY_CONNECTIONS = "53300"
INVALID_CATALOG = "3D000"
INVALID_PASSWORD = "28P01"
INVALID_AUTHORIZATION = "28000"
SERIALIZATION_FAILURE, DEADLOCK = "40001", "40P01"
LOCK_NOT_AVAILABLE = "55P03"
DISK_FULL, OUT_OF_MEMORY = "53100", "53200"
VALUE_TOO_LONG, UNTRANSLATABLE_NUL = "22001", "22P05"
SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}  # admin or crash shutdown, cannot connect now


def _psycopg_error(exc: BaseException) -> psycopg.Error | None:
    return next((cause for cause in causes(exc) if isinstance(cause, psycopg.Error)), None)


Rule = Callable[[psycopg.Error, str, str], RapportError | None]


def _where(url: str) -> str:
    return f"the database {database_name(url)} on {host_label(url)}"


def _unreachable(error, message, url) -> RapportError | None:
    fragments = (
        "connection refused", "could not connect", "failed to resolve host", "name or service not known",
        "timeout expired", "no route to host", "network is unreachable", "server closed the connection",
        "connection timed out", "consuming input failed", "the connection is closed", "terminating connection",
        "the database system is starting up", "the database system is shutting down", "ssl syscall error",
    )  # fmt: skip
    if error.sqlstate in SHUTDOWN_STATES or any(f in message for f in fragments):
        return ServerUnavailable(
            f"The server {host_label(url)} does not answer (is PostgreSQL running there, is the address right, "
            "is the network up?). Nothing was changed."
        )
    return None


def _password(error, message, url) -> RapportError | None:
    if "no password supplied" in message:
        return ServerRefused(
            f"The server {host_label(url)} asks a password for {user_name(url) or 'this user'}: put it in "
            f"~/.pgpass or PGPASSWORD ({PGPASS_HINT})."
        )
    if error.sqlstate == INVALID_PASSWORD or "password authentication failed" in message:
        return ServerRefused(
            f"The server {host_label(url)} refused the password of {user_name(url) or 'this user'}; check the "
            f"password in ~/.pgpass or PGPASSWORD ({PGPASS_HINT})."
        )
    return None


def _refused(error, message, url) -> RapportError | None:
    if "does not exist" in message and "role" in message:
        return ServerRefused(
            f"The server {host_label(url)} has no user {user_name(url) or 'by that name'}; ask its "
            "administrator to create one for you (see the README, 'A team server')."
        )
    if (
        error.sqlstate == INVALID_AUTHORIZATION
        or "pg_hba.conf" in message
        or "authentication failed" in message
    ):
        return ServerRefused(
            f"The server {host_label(url)} does not let {user_name(url) or 'this user'} in to {database_name(url)} "
            f"from this computer ({first_line(str(error))[:160]}); ask its administrator."
        )
    if "ssl" in message or "certificate" in message:
        return ServerRefused(
            f"A secure connection to {host_label(url)} failed ({first_line(str(error))[:160]}); check the "
            "sslmode and certificate options of the address with the server's administrator."
        )
    return None


def _database_missing(error, message, url) -> RapportError | None:
    if error.sqlstate == INVALID_CATALOG or ('database "' in message and "does not exist" in message):
        return ProjectMissing(
            f"There is no database {database_name(url)} on {host_label(url)}; its administrator creates it "
            "(createdb), then `rapport new` makes it a project."
        )
    return None


def _permission(error, message, url) -> RapportError | None:
    if error.sqlstate == INSUFFICIENT_PRIVILEGE or "permission denied" in message:
        return ServerRefused(
            f"The server refused {user_name(url) or 'this user'} a change to {_where(url)} (permission denied); "
            "its administrator grants the rights (see the README, 'A team server'). Nothing was changed."
        )
    return None


def _read_only(error, message, url) -> RapportError | None:
    if error.sqlstate == READ_ONLY_TRANSACTION:
        return ReadOnlyProject(f"{_where(url)} is open read-only; nothing can be changed.")
    return None


def _busy(error, message, url) -> RapportError | None:
    if error.sqlstate in (SERIALIZATION_FAILURE, DEADLOCK, LOCK_NOT_AVAILABLE):
        return ProjectInUse(
            f"Another coder changed the same data of {_where(url)} at the same moment; try again. "
            "Nothing was changed."
        )
    if error.sqlstate == TOO_MANY_CONNECTIONS or "too many clients" in message:
        return ServerUnavailable(
            f"The server {host_label(url)} has no free connection left; try again later or ask its "
            "administrator to raise max_connections. Nothing was changed."
        )
    if error.sqlstate in (DISK_FULL, OUT_OF_MEMORY):
        return ServerUnavailable(
            f"The server {host_label(url)} ran out of disk or memory; tell its administrator. Nothing was changed."
        )
    return None


def _value_refused(error, message, url) -> RapportError | None:
    """Values SQLite stores and PostgreSQL refuses: a NUL character, a name longer than its column."""
    if "nul (0x00)" in message or error.sqlstate == UNTRANSLATABLE_NUL:
        return InvalidInput(
            "A server project cannot store the NUL character (\\0) that this text holds; remove it and try "
            "again. Nothing was changed."
        )
    if error.sqlstate == VALUE_TOO_LONG:
        return InvalidInput(
            f"A name or value is too long for the project ({first_line(str(error))[:120]}); shorten it and try "
            "again. Nothing was changed."
        )
    return None


_RULES: list[Rule] = [
    _value_refused,
    _password,
    _database_missing,
    _unreachable,
    _refused,
    _permission,
    _read_only,
    _busy,
]


def explain_server_failure(exc: BaseException, url: str) -> RapportError | None:
    """The `RapportError` naming what went wrong with the server project at `url`; None if `exc` is no
    server failure (a bug, which should surface as one)."""
    if isinstance(exc, RapportError):
        return exc
    error = _psycopg_error(exc)
    if error is None:
        return None
    message = str(error).lower()
    for rule in _RULES:
        explained = rule(error, message, url)
        if explained is not None:
            return explained
    if isinstance(error, psycopg.OperationalError):
        return ServerUnavailable(
            f"The server {host_label(url)} failed ({first_line(str(error))[:160]}). Nothing was changed."
        )
    return None

"""Say what really went wrong when SQLite or the disk fails, so a healthy project is never called damaged.

SQLite reports a read-only disk as "unable to open database file" and a full one as "disk I/O error"; a user
told "damaged" restores an older backup over a good project. `explain_storage_failure` turns such a failure
into the `RapportError` that names the real cause: the disk is full, the project lies on a read-only disk,
another program holds it locked, the file is missing, the disk fails, or (only when SQLite's integrity check
says so) the file is damaged. It is one list of rules, checked in order: add a rule for a new cause (a wrong
passphrase, say) in `_RULES`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.domain.errors import (
    DiskFull,
    ProjectDamaged,
    ProjectInUse,
    ProjectMissing,
    RapportError,
    ReadOnlyLocation,
    StorageUnavailable,
)

# SQLite primary result codes (sqlite3.h)
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26
# Below this much free space a "disk I/O error" is taken for a full disk.
NEARLY_FULL_BYTES = 256 * 1024

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_DEVICE_ERRNOS = {errno.EIO, errno.ENXIO, errno.ENODEV, getattr(errno, "ESTALE", errno.EIO), errno.ENOTCONN}


def causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (SQLAlchemy's `.orig`) and what caused it, outermost first."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return seen


def _sqlite_code(exc: BaseException) -> int | None:
    for cause in causes(exc):
        if isinstance(cause, sqlite3.Error):
            code = getattr(cause, "sqlite_errorcode", None)
            if code is not None:
                return code & 0xFF
            return _code_from_message(str(cause))
    return None


def _code_from_message(message: str) -> int | None:
    lowered = message.lower()
    for fragment, code in (
        ("disk is full", SQLITE_FULL),
        ("readonly database", SQLITE_READONLY),
        ("database is locked", SQLITE_BUSY),
        ("unable to open database", SQLITE_CANTOPEN),
        ("disk i/o error", SQLITE_IOERR),
        ("malformed", SQLITE_CORRUPT),
        ("not a database", SQLITE_NOTADB),
    ):
        if fragment in lowered:
            return code
    return None


def _os_errno(exc: BaseException) -> int | None:
    for cause in causes(exc):
        if isinstance(cause, OSError) and cause.errno is not None:
            return cause.errno
    return None


# -- what the place itself tells ----------------------------------------------------------------------


def location_is_read_only(path: Path) -> bool:
    """The project's folder (or the file itself) cannot be written: a read-only disk, share or permission."""
    folder = path.parent if str(path.parent) else Path(".")
    with contextlib.suppress(OSError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    if not os.access(folder, os.W_OK):
        return True
    return path.exists() and not os.access(path, os.W_OK)


def disk_is_full(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def integrity_problem(path: Path) -> str | None:
    """SQLite's integrity check of the file: None when it is sound, else its first complaint."""
    uri = f"file:{path.resolve().as_posix()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
            row = con.execute("PRAGMA integrity_check(1)").fetchone()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return str(exc)
        return None  # cannot even look: that is not evidence of damage
    if row and row[0] != "ok":
        return " ".join(str(row[0]).replace("***", "").split())
    return None


# -- the rules ------------------------------------------------------------------------------------------

Rule = Callable[[BaseException, Path, int | None, int | None], RapportError | None]


def _full(exc, path, code, os_errno) -> RapportError | None:
    if code == SQLITE_FULL or os_errno in _FULL_ERRNOS or (code == SQLITE_IOERR and disk_is_full(path)):
        return DiskFull(
            f"The disk holding {path.name} is full; free some space and try again. Nothing was changed."
        )
    return None


def _missing(exc, path, code, os_errno) -> RapportError | None:
    if (code == SQLITE_CANTOPEN or os_errno == errno.ENOENT) and not path.exists():
        return ProjectMissing(
            f"{path.name} is not in {path.parent} any more (moved, deleted, or its drive disconnected)."
        )
    return None


def _read_only(exc, path, code, os_errno) -> RapportError | None:
    suspect = code in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN) or os_errno in _READ_ONLY_ERRNOS
    if suspect and (location_is_read_only(path) or code == SQLITE_READONLY or os_errno == errno.EROFS):
        return ReadOnlyLocation(
            f"{path.name} is on a read-only disk or in a folder you may not change, so it can only be "
            "opened read-only. Nothing was changed."
        )
    return None


def _locked(exc, path, code, os_errno) -> RapportError | None:
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return ProjectInUse(
            f"{path.name} is locked by another program that is writing to it; try again when it has "
            "finished. Nothing was changed."
        )
    return None


def _damaged(exc, path, code, os_errno) -> RapportError | None:
    if code not in (SQLITE_CORRUPT, SQLITE_NOTADB) or not path.exists():
        return None
    problem = integrity_problem(path)
    if problem is None and code == SQLITE_CORRUPT:
        return None
    return ProjectDamaged(
        f"{path.name} is damaged (SQLite's integrity check: {(problem or 'not a database')[:100]}); "
        "restore it from a backup."
    )


def _unavailable(exc, path, code, os_errno) -> RapportError | None:
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT) or os_errno in _DEVICE_ERRNOS:
        if os_errno is not None:
            detail = os.strerror(os_errno)
        elif code == SQLITE_CORRUPT:
            detail = "it read inconsistent data, though the file passes SQLite's integrity check"
        else:
            detail = "disk I/O error"
        return StorageUnavailable(
            f"The disk holding {path.name} reported an error ({detail}); it may be failing or disconnected. "
            "Check the drive before restoring anything: the project file may well be intact."
        )
    return None


_RULES: list[Rule] = [_full, _missing, _read_only, _locked, _damaged, _unavailable]


def explain_storage_failure(exc: BaseException, path: Path | str) -> RapportError | None:
    """The `RapportError` naming what went wrong with the project at `path`; None if `exc` is no storage
    failure (then it is a bug and should surface as one)."""
    if isinstance(exc, RapportError):
        return exc
    code, os_errno = _sqlite_code(exc), _os_errno(exc)
    if code is None and os_errno is None:
        return None
    path = Path(path)
    for rule in _RULES:
        explained = rule(exc, path, code, os_errno)
        if explained is not None:
            return explained
    return None

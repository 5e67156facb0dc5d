"""Encryption at rest: SQLCipher 4 connections to encrypted project files, and the passphrases that open them.

A project file is either plain SQLite (opened with `sqlite3`) or encrypted with SQLCipher 4 (AES-256, opened
with `sqlcipher3`). Passphrases live only in this process's memory: the window's dialog or the command line
(`RAPPORT_PASSPHRASE`, `--passphrase-file`) hands them over with `remember_passphrase` / `use_passphrase`, and
nothing here ever writes one. The expensive key derivation (PBKDF2-HMAC-SHA512, 256,000 rounds, SQLCipher 4's
defaults) runs once per passphrase and file salt; connections then open with the derived raw key.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from app.domain.errors import InvalidInput, PassphraseRequired, WrongPassphrase

SQLITE_HEADER = b"SQLite format 3\x00"
PAGE_SIZE = 4096  # SQLCipher 4's default page size: an encrypted file is a whole number of pages
SALT_BYTES = 16
RANDOM_BYTE_VALUES = 200  # 4,096 random bytes take about 255 distinct values; damaged or text pages far fewer
KDF_ITERATIONS = 256_000  # SQLCipher 4's default, set explicitly wherever SQLCipher derives a key itself
ENV_PASSPHRASE = "RAPPORT_PASSPHRASE"
DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError)

_passphrases: dict[str, str] = {}  # resolved project path -> passphrase, in memory only
_default: list[str] = []  # one passphrase given for every project of this run (--passphrase-file)


def sqlcipher_module():
    """The DB-API module of encrypted connections (SQLAlchemy wraps its errors with it)."""
    return sqlcipher


# -- passphrases -----------------------------------------------------------------------------------------


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def remember_passphrase(path: Path, passphrase: str) -> None:
    """Keep a project's passphrase in memory for this run (never on disk)."""
    _passphrases[_key(path)] = passphrase


def forget_passphrase(path: Path) -> None:
    _passphrases.pop(_key(path), None)


def use_passphrase(passphrase: str | None) -> None:
    """The passphrase for every encrypted project of this run (the CLI's --passphrase-file); None forgets it."""
    _default.clear()
    if passphrase is not None:
        _default.append(passphrase)


def read_passphrase_file(path: Path) -> str:
    """A passphrase from a file: its first line, without the line ending."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"The passphrase file {path} cannot be read ({exc}).") from exc
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if not passphrase:
        raise InvalidInput(f"The passphrase file {path} is empty.")
    return passphrase


def given_passphrase(path: Path) -> str | None:
    """The passphrase this run has for `path`: remembered for it, given for the run, or RAPPORT_PASSPHRASE."""
    return (
        _passphrases.get(_key(path)) or (_default[0] if _default else None) or os.environ.get(ENV_PASSPHRASE)
    )


def candidate_passphrases(path: Path) -> list[str]:
    """What may open `path`: its own passphrase first, then the others this run knows (a backup, an upgrade's
    working copy or a team copy of a project shares the project's passphrase)."""
    found = [given_passphrase(path), *reversed(_passphrases.values())]
    return list(dict.fromkeys(p for p in found if p))


def passphrase_for(path: Path) -> str:
    passphrase = given_passphrase(path)
    if not passphrase:
        raise PassphraseRequired(
            f"{Path(path).name} is encrypted: give its passphrase in {ENV_PASSPHRASE} or with --passphrase-file."
        )
    return passphrase


def check_new_passphrase(passphrase: str) -> str:
    if len(passphrase) < 8:
        raise InvalidInput("A passphrase needs at least 8 characters.")
    return passphrase


# -- files ------------------------------------------------------------------------------------------------


def is_encrypted(path: Path) -> bool:
    """True for a file that looks like an SQLCipher database: whole pages, without SQLite's plain header, and
    a first page that looks random (a salt, then ciphertext). A zeroed or text file is not taken for one."""
    try:
        size = os.path.getsize(path)
        if size < PAGE_SIZE or size % PAGE_SIZE:
            return False
        with open(path, "rb") as handle:
            first_page = handle.read(PAGE_SIZE)
    except OSError:
        return False
    return not first_page.startswith(SQLITE_HEADER) and len(set(first_page)) >= RANDOM_BYTE_VALUES


@functools.lru_cache(maxsize=32)
def _raw_key(passphrase: str, salt: bytes) -> str:
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, 32)
    return f"\"x'{key.hex()}'\""


def _salt(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SALT_BYTES)


def _quote(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def open_encrypted(path: Path, passphrase: str, *, read_only: bool = False, check_same_thread: bool = True):
    """A keyed SQLCipher connection on an existing encrypted file; WrongPassphrase when the key does not fit."""
    path = Path(path)
    target = f"file:{path.resolve().as_posix()}?mode=ro" if read_only else str(path)
    connection = sqlcipher.connect(target, uri=read_only, check_same_thread=check_same_thread)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log line
        connection.execute(f"PRAGMA key = {_raw_key(passphrase, _salt(path))}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        connection.close()
        raise WrongPassphrase(
            f"The passphrase does not open {path.name} (or the file is not a Rapport project)."
        ) from exc
    return connection


def open_with_any(path: Path, *, read_only: bool = False, check_same_thread: bool = True):
    """(connection, passphrase) for an encrypted file, trying every passphrase this run knows for it."""
    candidates = candidate_passphrases(path) or [passphrase_for(path)]
    for passphrase in candidates[:-1]:
        with contextlib.suppress(WrongPassphrase):
            return open_encrypted(
                path, passphrase, read_only=read_only, check_same_thread=check_same_thread
            ), passphrase
    last = candidates[-1]
    return open_encrypted(path, last, read_only=read_only, check_same_thread=check_same_thread), last


def create_encrypted(path: Path, passphrase: str):
    """A keyed SQLCipher connection on a new (empty or missing) file, which SQLCipher will encrypt."""
    connection = sqlcipher.connect(str(path))
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = {_quote(passphrase)}")
    connection.execute(f"PRAGMA kdf_iter = {int(KDF_ITERATIONS)}")
    return connection


def connect(path: Path, *, read_only: bool = False, check_same_thread: bool = True):
    """A DB-API connection on a project file: keyed SQLCipher when it is encrypted, plain sqlite3 otherwise."""
    path = Path(path)
    if is_encrypted(path):
        return open_with_any(path, read_only=read_only, check_same_thread=check_same_thread)[0]
    if read_only:
        return sqlite3.connect(
            f"file:{path.resolve().as_posix()}?mode=ro", uri=True, check_same_thread=check_same_thread
        )
    return sqlite3.connect(str(path), check_same_thread=check_same_thread)


def copy(source: Path, target: Path) -> None:
    """A consistent copy of a live project file (committed WAL content included), encrypted with the same
    passphrase when the source is encrypted."""
    source, target = Path(source), Path(target)
    if not is_encrypted(source):
        with (
            contextlib.closing(connect(source, read_only=True)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
        return
    src, passphrase = open_with_any(source, read_only=True)
    with contextlib.closing(src):
        _export(src, target, passphrase)


def _export(source_connection, target: Path, passphrase: str | None) -> None:
    """Write the whole database of `source_connection` into a new file `target`: encrypted with `passphrase`,
    or plain when it is None (SQLCipher's sqlcipher_export, which also re-keys)."""
    target = Path(target)
    target.unlink(missing_ok=True)
    key = _quote(passphrase) if passphrase is not None else "''"
    source_connection.execute(f"ATTACH DATABASE {_quote(str(target))} AS target KEY {key}")
    try:
        if passphrase is not None:  # before the first page is written, so the key is derived with it
            source_connection.execute(f"PRAGMA target.kdf_iter = {int(KDF_ITERATIONS)}")
        source_connection.execute("SELECT sqlcipher_export('target')")
        version = source_connection.execute("PRAGMA main.user_version").fetchone()[0]
        source_connection.execute(f"PRAGMA target.user_version = {int(version)}")
    finally:
        source_connection.execute("DETACH DATABASE target")


def encrypt_file(source: Path, target: Path, passphrase: str) -> None:
    """An encrypted copy of a plain project file."""
    with contextlib.closing(
        sqlcipher.connect(f"file:{Path(source).resolve().as_posix()}?mode=ro", uri=True)
    ) as src:
        src.execute("PRAGMA cipher_log_level = NONE")
        _export(src, target, passphrase)


def decrypt_file(source: Path, target: Path, passphrase: str) -> None:
    """A plain copy of an encrypted project file."""
    with contextlib.closing(open_encrypted(source, passphrase, read_only=True)) as src:
        _export(src, target, None)


def rekey_file(source: Path, target: Path, old: str, new: str) -> None:
    """A copy of an encrypted project file under a new passphrase."""
    with contextlib.closing(open_encrypted(source, old, read_only=True)) as src:
        _export(src, target, new)


def checkpoint(path: Path) -> None:
    """Fold the project's WAL into the file, and remove the WAL and its index."""
    with contextlib.closing(connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def engine_options(path: Path) -> dict:
    """create_engine() options for a project file: SQLCipher connections when it is encrypted."""
    if not is_encrypted(path):
        return {}
    return {"module": sqlcipher, "creator": lambda: connect(path, check_same_thread=False)}


def forget_all() -> None:
    _passphrases.clear()
    _raw_key.cache_clear()

"""A pseudonym map kept apart from the project: a small SQLCipher-encrypted file (GDPR art. 4(5)).

It holds which real name became which pseudonym, how often and in which documents. The project itself then
keeps only the pseudonyms; whoever holds the map file and its passphrase can re-identify.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from app.domain.errors import InvalidInput, NotARapportProject
from app.storage import cipher

MARKER = "rapport-pseudonym-map"


def write_map(path: Path, passphrase: str, project_id: str, rows: list[tuple[str, str, str, int]]) -> None:
    """rows: (real name, pseudonym, document, occurrences). Refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise InvalidInput(f"{path} already exists; choose a new file for the pseudonym map.")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with contextlib.closing(cipher.create_encrypted(partial, passphrase)) as con, con:
            con.execute("CREATE TABLE facts(key TEXT PRIMARY KEY, value TEXT)")
            con.execute(
                "CREATE TABLE pseudonyms(real TEXT, pseudonym TEXT, document TEXT, occurrences INTEGER)"
            )
            con.executemany(
                "INSERT INTO facts VALUES (?, ?)", [("application", MARKER), ("project_id", project_id)]
            )
            con.executemany("INSERT INTO pseudonyms VALUES (?, ?, ?, ?)", rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def read_map(path: Path, passphrase: str) -> tuple[str, list[tuple[str, str, str, int]]]:
    """(project id, rows) of a map file."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist.")
    with contextlib.closing(cipher.open_encrypted(path, passphrase, read_only=True)) as con:
        try:
            facts = dict(con.execute("SELECT key, value FROM facts").fetchall())
            rows = con.execute(
                "SELECT real, pseudonym, document, occurrences FROM pseudonyms ORDER BY 1, 3"
            ).fetchall()
        except cipher.DATABASE_ERRORS as exc:
            raise NotARapportProject(f"{path.name} is not a Rapport pseudonym map.") from exc
    if facts.get("application") != MARKER:
        raise NotARapportProject(f"{path.name} is not a Rapport pseudonym map.")
    return facts.get("project_id", ""), [tuple(r) for r in rows]

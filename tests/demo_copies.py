"""Copies of the demo study that the `demo_original` fixture (tests/conftest.py) builds once per test process."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path


def copy_of_demo(original: Path, target: Path) -> Path:
    """A fresh copy of the demo study at `target`, to change at will (the original is never opened), with a
    project id of its own as a fresh build would have (backups and settings are kept by project id)."""
    shutil.copyfile(original, target)
    with closing(sqlite3.connect(target)) as connection, connection:
        connection.execute("UPDATE project_meta SET value = ? WHERE key = 'project_id'", (str(uuid.uuid4()),))
    return target

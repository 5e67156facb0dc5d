"""The demo study, built once per test process and copied for each test that starts from it.

Building the demo goes through the services (imports, codebook, codings, memos) and takes most of a second; a
copy of the built file is a few milliseconds. Each copy gets its own project id, as a fresh build would. The
demo's own tests (tests/unit/test_demo.py, and the `rapport demo` tests of the CLI) still build it for real.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import closing
from pathlib import Path

from app.services.demo import build_demo
from app.services.project import Project, open_project

_built: list[Path] = []


def demo_copy(path: Path) -> Path:
    """A copy of the demo study at `path` (which must not exist yet), closed."""
    if not _built:
        folder = Path(tempfile.mkdtemp(prefix="rapport-demo-"))
        atexit.register(shutil.rmtree, folder, True)
        build_demo(folder / "demo.rapport").close()
        _built.append(folder / "demo.rapport")
    shutil.copyfile(_built[0], path)
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE project_meta SET value = ? WHERE key = 'project_id'", (str(uuid.uuid4()),))
    return path


def open_demo_copy(path: Path) -> Project:
    """A copy of the demo study at `path`, open (as `build_demo(path)` returns it)."""
    return open_project(demo_copy(path))

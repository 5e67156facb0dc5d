"""Rolling backups of project files: on open and every few minutes of work, kept for the last few days.

Backups are consistent copies made with SQLite's online backup API, so they can be taken while the project is
open. They live in the user's data folder under the project's id and path, with a note of where the project was, so the
backups of a project whose file is damaged can still be found by its path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.domain.errors import NotARapportProject, RapportError
from app.paths import user_data_dir
from app.services import server_limits
from app.services.project import Project
from app.storage import cipher, migrate
from app.storage.lock import ProjectLock

KEEP_DAYS = 3
KEEP_AT_MOST = 40
KEEP_AT_LEAST = 3
BACKUP_EVERY = timedelta(minutes=10)
_STAMP = "%Y%m%d-%H%M%S"
_MANIFEST = "source.json"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    reason: str


def backups_root() -> Path:
    root = user_data_dir() / "backups"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _folder_for(project: Project) -> Path:
    """The project's backup folder, keyed by its id and its path: a plain copy of a project file shares the
    id, and one shared folder mixed their backups and lost the way back to the original's."""
    place = hashlib.sha256(str(Path(project.path).resolve()).encode("utf-8")).hexdigest()[:12]
    folder = backups_root() / f"{project.project_id or 'unknown'}-{place}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _MANIFEST).write_text(json.dumps({"path": str(project.path)}), encoding="utf-8")
    return folder


def make_backup(project: Project, reason: str = "auto", now: datetime | None = None) -> Path:
    """Copy the project's committed state into its backup folder, then prune old copies. (A server project
    is backed up by its administrator: refused.)"""
    server_limits.refuse_on_server(project, server_limits.BACKUPS)
    when = now or datetime.now()
    folder = _folder_for(project)
    target = folder / f"{project.path.stem}-{when.strftime(_STAMP)}-{reason}.rapport"
    counter = 1
    while target.exists():
        target = folder / f"{project.path.stem}-{when.strftime(_STAMP)}-{reason}_{counter}.rapport"
        counter += 1
    partial = target.with_suffix(".partial")
    try:
        migrate.copy_database(project.path, partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk must not leave half a copy behind
        raise
    prune(folder, now=when)
    return target


def backup_before(project: Project, reason: str) -> Path | None:
    """A backup before a large change (an import, a merge), as the window takes; None when it cannot be made
    (a full disk: then the change itself fails, saying so)."""
    try:
        return make_backup(project, reason)
    except (OSError, sqlite3.Error, *cipher.DATABASE_ERRORS, RapportError):
        return None


def _parse(path: Path) -> BackupInfo | None:
    parts = path.stem.rsplit("-", 3)
    if len(parts) < 4:
        return None
    _, day, time, reason = parts
    try:
        created = datetime.strptime(f"{day}-{time}", _STAMP)
    except ValueError:
        return None
    return BackupInfo(path, created, path.stat().st_size, reason)


def _list_folder(folder: Path) -> list[BackupInfo]:
    infos = [info for p in folder.glob("*.rapport") if (info := _parse(p)) is not None]
    return sorted(infos, key=lambda info: (info.created, info.path.name), reverse=True)


def prune(folder: Path, now: datetime | None = None) -> list[Path]:
    """Keep every backup of the last KEEP_DAYS days (at most KEEP_AT_MOST), and always the newest few."""
    now = now or datetime.now()
    removed = []
    for index, info in enumerate(_list_folder(folder)):
        recent = now - info.created <= timedelta(days=KEEP_DAYS)
        if index < KEEP_AT_LEAST or (recent and index < KEEP_AT_MOST):
            continue
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def list_backups(project: Project) -> list[BackupInfo]:
    """The project's backups, newest first: its own folder's, and those an older Rapport kept in a folder named
    by the id alone whose manifest names this file. A server project has none (pg_dump backs it up)."""
    if project.path is None:
        return []
    found = {info.path: info for info in _list_folder(_folder_for(project))}
    found.update({info.path: info for info in backups_for_path(project.path)})
    return sorted(found.values(), key=lambda info: (info.created, info.path.name), reverse=True)


def backups_for_path(path: Path) -> list[BackupInfo]:
    """Backups of whatever project lived at `path`, found through the manifests (works for a damaged file)."""
    wanted = str(Path(path).resolve())
    found: list[BackupInfo] = []
    for manifest in backups_root().glob(f"*/{_MANIFEST}"):
        try:
            source = json.loads(manifest.read_text(encoding="utf-8")).get("path")
        except (OSError, ValueError):
            continue
        if source == wanted:
            found.extend(_list_folder(manifest.parent))
    return sorted(found, key=lambda info: info.created, reverse=True)


def backup_due(last_backup: datetime | None, changed_since: bool, now: datetime | None = None) -> bool:
    """Whether the periodic backup should run: only after work, and at most every BACKUP_EVERY."""
    if not changed_since:
        return False
    return last_backup is None or (now or datetime.now()) - last_backup >= BACKUP_EVERY


def restore_backup(backup: Path, project_path: Path) -> Path | None:
    """Replace a (closed) project file with a backup. The current file, if readable, is itself backed up
    first beside it; returns that copy's path. The project must not be open anywhere."""
    backup, project_path = Path(backup), Path(project_path)
    migrate.read_revision(backup)  # refuse a backup that is not a Rapport project
    if not _intact(backup):
        raise NotARapportProject(f"The backup {backup.name} is damaged; choose another one.")
    lock = ProjectLock(project_path.resolve())
    lock.acquire()
    try:
        saved: Path | None = None
        if project_path.exists():
            saved = migrate.backup_path_for(project_path)
            try:
                migrate.copy_database(project_path, saved)
            except cipher.DATABASE_ERRORS:
                os.replace(project_path, saved)  # damaged: keep its bytes aside, untouched
        work = project_path.with_name(project_path.name + ".restoring")
        migrate.copy_database(backup, work)
        for suffix in ("-wal", "-shm"):
            Path(str(project_path) + suffix).unlink(missing_ok=True)
        os.replace(work, project_path)
        return saved
    except OSError as exc:
        raise RapportError(f"Could not restore {project_path.name} from {backup.name}: {exc}") from exc
    finally:
        lock.release()


def _intact(path: Path) -> bool:
    try:
        with contextlib.closing(cipher.connect(path, read_only=True)) as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except cipher.DATABASE_ERRORS:
        return False

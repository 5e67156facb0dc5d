"""One writer at a time: an operating-system lock on a sidecar file beside the project.

The lock is released by the operating system when the process ends, even when it is killed, so a crash never
leaves a project locked. The sidecar records who holds it, for the message shown to the second writer.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from pathlib import Path

from app.domain.errors import ProjectInUse
from app.storage.failures import explain_storage_failure

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path_for(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + ".lock")


class ProjectLock:
    """Held for as long as a project is open for writing."""

    def __init__(self, project_path: Path) -> None:
        self.path = lock_path_for(Path(project_path))
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            project = self.path.with_name(self.path.name[:-5])
            raise explain_storage_failure(exc, project) or exc from exc
        if not _try_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise ProjectInUse(
                f"{self.path.name[:-5]} is open in another Rapport{holder}. "
                "Close it there first, or open this project read-only."
            )
        self._fd = fd
        info = {"pid": os.getpid(), "host": socket.gethostname(), "user": _user()}
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(info).encode())
        except OSError:
            # Who holds the lock is only a courtesy for the second writer's message; on a full disk the
            # lock itself still holds, and the action fails later, saying the disk is full.
            pass

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)
        # The empty sidecar stays: unlinking it could let two processes lock two different files.

    @property
    def held(self) -> bool:
        return self._fd is not None


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode() or "{}")
    except (OSError, ValueError):
        return ""
    if not info:
        return ""
    return f" (process {info.get('pid')} of {info.get('user')} on {info.get('host')})"

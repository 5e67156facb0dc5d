"""Recently opened projects and per-project choices, remembered with QSettings between sessions.

A recent project is a file (a Path, listed while it exists) or a server project (its URL without any password, a
str, always listed: whether the server answers is found out by opening it).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.services.project import is_server_address, redacted_address, server_title

MAX_RECENT = 10
RECENT_KEY = "recent/projects"


def settings() -> QSettings:
    """The application's settings (organisation and application names are set by bootstrap)."""
    return QSettings()


RecentProject = Path | str


def recent_projects() -> list[RecentProject]:
    """Recent projects, newest first: files that still exist, and server addresses."""
    values = settings().value(RECENT_KEY, [], list) or []
    entries = [_entry(str(v)) for v in values if v]
    return [e for e in entries if isinstance(e, str) or e.exists()]


def _entry(value: str | Path) -> RecentProject:
    if is_server_address(value):
        return redacted_address(str(value))  # never a password, even from an older list
    return Path(value)


def _same(a: RecentProject, b: RecentProject) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a.resolve() == b.resolve()


def add_recent(project: Path | str) -> None:
    entry = _entry(project)
    if isinstance(entry, Path):
        entry = entry.resolve()
    entries = [e for e in recent_projects() if not _same(e, entry)]
    settings().setValue(RECENT_KEY, [str(e) for e in [entry, *entries][:MAX_RECENT]])


def forget_recent(project: Path | str) -> None:
    entry = _entry(project)
    settings().setValue(RECENT_KEY, [str(e) for e in recent_projects() if not _same(e, entry)])


def recent_label(entry: RecentProject) -> tuple[str, str]:
    """(name, where) of a recent project: a file's name and folder, or `database on host` and its address."""
    if isinstance(entry, str):
        return server_title(entry), entry
    return entry.stem, str(entry.parent)


def clear_recent() -> None:
    settings().setValue(RECENT_KEY, [])


def last_project() -> Path | None:
    """The project file opened last (server projects have no folder to start a file dialog in)."""
    files = [e for e in recent_projects() if isinstance(e, Path)]
    return files[0] if files else None


def remembered_coder(project_id: str) -> str | None:
    """The coder name last chosen for this project on this machine (keyed by the project's own id)."""
    value = settings().value(f"coders/{project_id}", None)
    return str(value) if value else None


def remember_coder(project_id: str, name: str | None) -> None:
    settings().setValue(f"coders/{project_id}", name or "")


def last_coder_name() -> str | None:
    """The coder name last typed on this machine, offered when a new project asks who is coding."""
    value = settings().value("coders/last_name", None)
    return str(value) if value else None


def remember_coder_name(name: str) -> None:
    settings().setValue("coders/last_name", name)


def remembered_blind(project_id: str) -> bool:
    """Whether blind coding was on when this project was last open on this machine."""
    return settings().value(f"blind/{project_id}", False, bool)


def remember_blind(project_id: str, on: bool) -> None:
    settings().setValue(f"blind/{project_id}", on)

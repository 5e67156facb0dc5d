"""Recently opened projects and per-project choices, remembered with QSettings between sessions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10
RECENT_KEY = "recent/projects"


def settings() -> QSettings:
    """The application's settings (organisation and application names are set by bootstrap)."""
    return QSettings()


def recent_projects() -> list[Path]:
    """Recent project files that still exist, newest first."""
    values = settings().value(RECENT_KEY, [], list) or []
    paths = [Path(str(v)) for v in values if v]
    return [p for p in paths if p.exists()]


def add_recent(path: Path) -> None:
    path = Path(path).resolve()
    paths = [p for p in recent_projects() if p.resolve() != path]
    settings().setValue(RECENT_KEY, [str(p) for p in [path, *paths][:MAX_RECENT]])


def forget_recent(path: Path) -> None:
    path = Path(path).resolve()
    settings().setValue(RECENT_KEY, [str(p) for p in recent_projects() if p.resolve() != path])


def clear_recent() -> None:
    settings().setValue(RECENT_KEY, [])


def last_project() -> Path | None:
    recent = recent_projects()
    return recent[0] if recent else None


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

"""Where things live: user data and cache folders, bundled resources and migrations (also when frozen)."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path

import platformdirs

from app import APP_NAME, ORG_NAME


def _bundle_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return _bundle_root() / "resources"


def migrations_dir() -> Path:
    return _bundle_root() / "migrations"


def demo_dir() -> Path:
    return resources_dir() / "demo"


def user_data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_cache_dir() -> Path:
    path = Path(platformdirs.user_cache_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def search_index_dir(project_id: str) -> Path:
    """The whoosh index of one project, keyed by the project's own id (never a temp folder)."""
    return user_cache_dir() / "search" / project_id


def private_search_index_dir(project_id: str) -> Path:
    """The search index of an encrypted project: in memory-backed storage (/dev/shm) where there is one,
    private to this user, never in the cache folder. Removed when the project closes."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    root = base / f"rapport-{getpass.getuser()}" / "search"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root / project_id

"""Where things live: user data and cache folders, bundled resources and migrations (also when frozen)."""

from __future__ import annotations

import importlib.resources
import sys
from datetime import datetime
from pathlib import Path

import platformdirs

from app import APP_NAME, ORG_NAME


def _package_root() -> Path:
    """The `app` package's own folder: resources and migrations ship inside it, so a wheel, `pipx install`,
    an editable install and the frozen build (which unpacks them under `app/`) all find them the same way."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "app"
    return Path(str(importlib.resources.files("app")))


def resources_dir() -> Path:
    return _package_root() / "resources"


def migrations_dir() -> Path:
    return _package_root() / "migrations"


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


def fresh_demo_path() -> Path:
    """A new file for a fresh copy of the demo study in the user data folder (never overwrites an older one)."""
    folder = user_data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d_%H%M%S")
    path = folder / f"Demo study {stamp}.rapport"
    n = 2
    while path.exists():
        path = folder / f"Demo study {stamp} ({n}).rapport"
        n += 1
    return path

"""Shared fixtures: real project files in tmp folders, and a clean user-data/cache home per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory):
    """Keep user data, cache (search indexes) and QSettings of the tests out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    old = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "study.rapport"


@pytest.fixture
def project(project_path: Path):
    """A new, empty, open project in a real SQLite file."""
    from app.services.project import create_project

    with create_project(project_path) as opened:
        yield opened

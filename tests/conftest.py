"""Shared fixtures: real project files in tmp folders, and a clean user-data/cache home per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.suite_settings"]


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory):
    """Keep user data, cache and settings of the tests out of the real home folder, on every platform.

    XDG variables cover Linux (and child processes); platformdirs is pointed at the same folders for macOS and
    Windows, where it ignores them; Qt's test mode moves QStandardPaths and QSettings aside too.
    """
    import platformdirs

    home = tmp_path_factory.mktemp("home")
    folders = {
        "XDG_DATA_HOME": home / "data",
        "XDG_CACHE_HOME": home / "cache",
        "XDG_CONFIG_HOME": home / "config",
    }
    old = {k: os.environ.get(k) for k in folders}
    os.environ.update({k: str(v) for k, v in folders.items()})
    patched = {
        "user_data_dir": folders["XDG_DATA_HOME"],
        "user_cache_dir": folders["XDG_CACHE_HOME"],
        "user_config_dir": folders["XDG_CONFIG_HOME"],
    }
    originals = {name: getattr(platformdirs, name) for name in patched}
    for name, base in patched.items():
        setattr(platformdirs, name, _isolated(base))
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    # Test mode alone puts QSettings in ~/.qttest, shared by every test process (and pytest-xdist worker).
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folders["XDG_CONFIG_HOME"]))
    yield
    QStandardPaths.setTestModeEnabled(False)
    for name, original in originals.items():
        setattr(platformdirs, name, original)
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _isolated(base: Path):
    def folder(appname: str | None = None, appauthor: str | None = None, *args, **kwargs) -> str:
        return str(base / appname) if appname else str(base)

    return folder


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "study.rapport"


@pytest.fixture(scope="session")
def demo_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study, built once per test process by `build_demo` and closed (one self-contained file). Tests
    that need a demo study to work on take a copy (`demo_copy`, or tests/demo_copies.copy_of_demo): building
    it costs about a second; the tests of the `demo` command still build their own."""
    from app.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo-original") / "demo.rapport"
    build_demo(path).close()
    return path


@pytest.fixture
def demo_copy(demo_original: Path, tmp_path: Path) -> Path:
    """A demo study of this test's own, in tmp_path/demo.rapport."""
    from tests.demo_copies import copy_of_demo

    return copy_of_demo(demo_original, tmp_path / "demo.rapport")


BACKENDS = ("file", "server")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_backends: run the tests' `project` (and `backend`) on a project file and on a PostgreSQL server",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module or test marked `both_backends` runs once per backend: its `project` is a file, then a server."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "file" (the default), or "server" in the second run of a test marked `both_backends`."""
    return getattr(request, "param", "file")


@pytest.fixture
def project_target(backend: str, project_path: Path, request: pytest.FixtureRequest):
    """Where the `project` fixture's project lives: a file path (made by `project`), or (backend "server") the
    URL of a database that already is a new, empty project."""
    if backend != "server":
        yield project_path
        return
    shared = request.getfixturevalue("pg_shared_project")
    yield shared.url
    shared.reset()


@pytest.fixture
def project(project_target: Path | str):
    """A new, empty, open project: in a real SQLite file, or in a PostgreSQL database for `both_backends`."""
    from app.services.project import create_project, open_project

    opened = (
        open_project(project_target) if isinstance(project_target, str) else create_project(project_target)
    )
    with opened:
        yield opened


@pytest.fixture(scope="session")
def pg_shared_project(pg_cluster):
    """The server project the `both_backends` tests take turns on (emptied after each; see SharedServerProject)."""
    from tests.server.server_study import SharedServerProject

    shared = SharedServerProject(pg_cluster)
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the whole run (initdb + pg_ctl on 127.0.0.1). CI must have one (.ci/run
    installs Debian's postgresql); a developer without the server skips the server tests."""
    from tests.pg_cluster import ClusterUnavailable, start_cluster

    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"no PostgreSQL cluster in CI: {exc}")
        pytest.skip(f"no PostgreSQL cluster: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database on the test cluster (dropped after the test)."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)

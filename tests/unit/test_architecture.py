"""The floors of the house: each layer imports only the layers below it (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
QT_ALLOWED = {"app/__main__.py", "app/bootstrap.py"}


@functools.cache
def syntax_tree(path: Path) -> ast.Module:
    """Each module parsed once for all the checks below (the sources do not change during a run)."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@functools.cache
def imported_modules(path: Path) -> frozenset[str]:
    tree = syntax_tree(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return frozenset(names)


def modules_under(folder: str) -> list[Path]:
    return sorted((APP / folder).rglob("*.py")) if folder else sorted(APP.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(APP.parent).as_posix()


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        for name in imported_modules(path):
            if name.split(".")[0] in forbidden or any(
                name.startswith(f + ".") or name == f for f in forbidden
            ):
                found.append(f"{rel(path)} imports {name}")
    return found


def test_nothing_outside_ui_imports_pyside6() -> None:
    paths = [p for p in modules_under("") if not rel(p).startswith("app/ui/") and rel(p) not in QT_ALLOWED]
    assert offenders(paths, ("PySide6", "shiboken6")) == []


def test_domain_is_pure_python() -> None:
    forbidden = (
        "PySide6",
        "sqlalchemy",
        "alembic",
        "whoosh",
        "docx",
        "lxml",
        "app.storage",
        "app.services",
        "app.formats",
        "app.search",
        "app.ui",
    )
    assert offenders(modules_under("domain"), forbidden) == []


def test_nothing_imports_whoosh() -> None:
    """The search index is SQLite FTS5 inside the project (issue 16); whoosh is no longer a dependency."""
    assert offenders(modules_under(""), ("whoosh",)) == []


@pytest.mark.parametrize(
    ("floor", "forbidden"),
    [
        ("formats", ("app.storage", "app.services", "app.search", "app.ui", "sqlalchemy")),
        ("storage", ("app.services", "app.search", "app.ui", "app.formats")),
        ("search", ("app.services", "app.ui")),
        ("services", ("app.ui",)),
    ],
)
def test_layers_import_only_downward(floor: str, forbidden: tuple[str, ...]) -> None:
    assert offenders(modules_under(floor), forbidden) == []


def test_window_and_command_line_reach_storage_only_through_services() -> None:
    paths = [
        p
        for p in modules_under("")
        if rel(p).startswith(("app/ui/", "app/cli_commands/")) or rel(p) in {"app/cli.py", "app/cli_reference.py"}
    ]
    assert offenders(paths, ("app.storage", "app.search", "sqlalchemy", "alembic")) == []


def test_select_statements_live_in_storage_queries() -> None:
    found = []
    for path in modules_under(""):
        if rel(path).startswith(("app/storage/queries/", "app/storage/migrate", "app/search/")):
            continue
        for name in imported_modules(path):
            if name == "sqlalchemy":
                for node in ast.walk(syntax_tree(path)):
                    if (
                        isinstance(node, ast.ImportFrom)
                        and node.module == "sqlalchemy"
                        and any(alias.name == "select" for alias in node.names)
                    ):
                        found.append(rel(path))
    assert found == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport whoosh.index\n", encoding="utf-8")
    assert imported_modules(bad) == {"PySide6.QtCore", "whoosh.index"}

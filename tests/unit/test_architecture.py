"""The floors of the house: each layer imports only the layers below it (ARCHITECTURE.md)."""

from __future__ import annotations

import dis
import functools
import importlib.machinery
from pathlib import Path
from types import CodeType

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
QT_ALLOWED = {"app/__main__.py", "app/bootstrap.py"}

IMPORT_NAME, LOAD_CONST, EXTENDED_ARG = (
    dis.opmap[name] for name in ("IMPORT_NAME", "LOAD_CONST", "EXTENDED_ARG")
)
LOAD_SMALL_INT = dis.opmap.get("LOAD_SMALL_INT")  # Python 3.14 loads an import's level 0 with it


@functools.cache
def absolute_imports(path: Path) -> frozenset[tuple[str, tuple[str, ...]]]:
    """Every absolute import statement in the module, anywhere in it (functions and classes included), as
    (module, names taken from it): `import a.b` is ("a.b", ()), `from a import b, c` is ("a", ("b", "c")).

    Read from the module's compiled code (from __pycache__ when it matches the source, else compiled afresh)
    rather than from a syntax tree: building the trees of every module cost a second or more in each test
    process, compiling costs a third of that.
    Each `import` compiles to LOAD_CONST level, LOAD_CONST names, IMPORT_NAME module; relative imports
    (level > 0) stay inside their layer and are left out, as before. test_the_checker_sees_a_violation fails
    if a Python compiles imports otherwise."""
    code = importlib.machinery.SourceFileLoader(path.stem, str(path)).get_code(path.stem)
    found: set[tuple[str, tuple[str, ...]]] = set()
    _collect_imports(code, found)
    return frozenset(found)


def _collect_imports(code: CodeType, found: set[tuple[str, tuple[str, ...]]]) -> None:
    raw = code.co_code
    constants: list[object] = [None, None]  # the last two constants loaded: an import's level and names
    extended = 0
    for at in range(0, len(raw), 2):
        op, arg = raw[at], raw[at + 1] | extended
        extended = arg << 8 if op == EXTENDED_ARG else 0
        if op == LOAD_CONST:
            constants = [constants[1], code.co_consts[arg]]
        elif op == LOAD_SMALL_INT:
            constants = [constants[1], arg]
        elif op == IMPORT_NAME and constants[0] == 0 and type(constants[0]) is int:
            found.add((code.co_names[arg], tuple(constants[1] or ())))
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            _collect_imports(constant, found)


def imported_modules(path: Path) -> frozenset[str]:
    return frozenset(module for module, _names in absolute_imports(path))


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
    found = [
        rel(path)
        for path in modules_under("")
        if not rel(path).startswith(("app/storage/queries/", "app/storage/migrate", "app/search/"))
        and any(module == "sqlalchemy" and "select" in names for module, names in absolute_imports(path))
    ]
    assert found == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from PySide6.QtCore import QObject\nimport whoosh.index\nfrom . import sibling\n\n"
        "def later():\n    from sqlalchemy import func, select\n",
        encoding="utf-8",
    )
    assert imported_modules(bad) == {"PySide6.QtCore", "whoosh.index", "sqlalchemy"}
    assert ("sqlalchemy", ("func", "select")) in absolute_imports(bad)

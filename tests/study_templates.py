"""Named studies built once per test process, then copied: `@template` on a preset of tests/study_presets.py.

A preset asked for in a new, empty project file builds, the first time a process sees its arguments, a template
project file (in a temporary folder) through the real services, exactly as before. Every later call with equal
arguments copies that file's pages into the test's own, already open, project (SQLite's backup API, one
transaction) and gives the test its own `Study` with the same ids. The copy then gets what a fresh build would
have had of its own: the project's project_id and created_at (backups, remembered coders and the REFI-QDA
export's synthetic GUIDs are keyed by the project id) and a new GUID on every row (team merges match rows by
GUID, so two projects made from one template must not share them). Timestamps are those of the template build,
made earlier in the same process.

Anything else builds fresh, as before: a server project, an encrypted or read-only file, a project that already
holds rows or has listeners (a fresh build would have told them of each change), or a call inside an action.
`project_file(path, build)` does the same for a project file a function makes (through the CLI, say): built once
per process, copied into a new file at `path`. tests/unit/test_study_templates.py proves a copy equals a fresh
build, table by table.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Hashable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import bindparam, select, text, update

from app.services.project import Project, create_project
from app.storage import cipher
from app.storage.db import read_only_uri
from app.storage.models import Base
from app.storage.queries import project as project_queries
from tests.study import Study

Preset = TypeVar("Preset", bound=Callable[..., Study])
OWN_META = ("project_id", "created_at")  # what a project keeps of its own when a template is copied into it
STUDY_TABLES = [table for table in Base.metadata.sorted_tables if table.name != "project_meta"]
GUID_TABLES = [table for table in STUDY_TABLES if "guid" in table.c]


@dataclasses.dataclass(frozen=True)
class Template:
    path: Path
    study: Study  # its project is the template's, closed


_templates: dict[Hashable, Template] = {}
_files: dict[Hashable, Path] = {}  # project_file's templates
_folder: list[Path] = []
_copying = [True]


@contextlib.contextmanager
def fresh_builds() -> Iterator[None]:
    """Inside the block every preset builds through the services, copying nothing (to compare the two)."""
    _copying.append(False)
    try:
        yield
    finally:
        _copying.pop()


def template(preset: Preset) -> Preset:
    """Build `preset` once per process and arguments, then copy it into each new project file asking for it."""

    @functools.wraps(preset)
    def built(project: Project, *args: Any, **kwargs: Any) -> Study:
        key = _key(preset, args, kwargs)
        if key is None or not _copying[-1] or not _takes_a_copy(project):
            return preset(project, *args, **kwargs)
        made = _templates.get(key)
        if made is None:
            made = _templates[key] = _build_template(preset, args, kwargs)
        return _copy(made, project)

    return built  # type: ignore[return-value]


def _key(preset: Callable[..., Study], args: tuple, kwargs: Mapping[str, Any]) -> Hashable | None:
    """The preset and its arguments, lists made tuples (a caller's table is never kept); None if unhashable."""
    key = (preset.__module__, preset.__qualname__, _frozen(args), _frozen(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, Mapping):
        return tuple((k, _frozen(v)) for k, v in sorted(value.items()))
    return value


def _takes_a_copy(project: Project) -> bool:
    """True for a plain, writable project file that holds no rows, nobody listens to, and no action is under
    way on: one where a copy is exactly what a fresh build would leave."""
    if project.path is None or project.read_only or cipher.is_encrypted(project.path):
        return False
    if project._listeners or project._action() is not None:
        return False
    anything = " OR ".join(f'EXISTS (SELECT 1 FROM "{table.name}")' for table in STUDY_TABLES)
    with project.read() as session:
        return not session.execute(text(f"SELECT {anything}")).scalar()


def _build_template(preset: Callable[..., Study], args: tuple, kwargs: Mapping[str, Any]) -> Template:
    path = _template_folder() / f"template-{uuid.uuid4().hex}.rapport"  # a build that failed left its file
    with create_project(path) as project:
        study = preset(project, *args, **kwargs)
    return Template(path, study)


def _template_folder() -> Path:
    if not _folder:
        _folder.append(Path(tempfile.mkdtemp(prefix="rapport-study-templates-")))
        atexit.register(shutil.rmtree, _folder[0], True)
    return _folder[0]


def project_file(path: Path, build: Callable[[Path], object]) -> Path:
    """A new project file at `path` holding what `build(file)` puts in a new file (through the CLI, say), built
    once per process (`build` may write other files beside its `file`: they stay with the template)."""
    key = ("file", build.__module__, build.__qualname__)
    made = _files.get(key)
    if made is None:
        made = _template_folder() / uuid.uuid4().hex / "study.rapport"
        made.parent.mkdir()
        build(made)
        _files[key] = made
    with create_project(path) as project:
        _copy_file(made, project)
    return path


def _copy(made: Template, project: Project) -> Study:
    _copy_file(made.path, project)
    keyed = {
        f.name: dict(getattr(made.study, f.name)) for f in dataclasses.fields(Study) if f.name != "project"
    }
    return Study(project, **keyed)


def _copy_file(made: Path, project: Project) -> None:
    """Every page of `made` into `project`, then the project's own id, creation time and GUIDs put back."""
    with project.read() as session:
        own = {key: project_queries.meta(session, key) for key in OWN_META}
    source = sqlite3.connect(read_only_uri(made), uri=True)
    with contextlib.closing(source), project.engine.connect() as connection:
        source.backup(connection.connection.driver_connection)
    with project.write() as session:
        for key, value in own.items():
            if value is not None:
                project_queries.set_meta(session, key, value)
        for table in GUID_TABLES:
            ids = session.scalars(select(table.c.id)).all()
            if ids:
                renew = update(table).where(table.c.id == bindparam("row")).values(guid=bindparam("fresh"))
                session.execute(renew, [{"row": row, "fresh": str(uuid.uuid4())} for row in ids])

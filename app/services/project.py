"""Open, create and describe projects. A `Project` is the handle every other service works on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.errors import RapportError, ReadOnlyProject
from app.services.changes import Change
from app.storage import migrate
from app.storage.db import make_engine, session_factory, unit_of_work
from app.storage.lock import ProjectLock
from app.storage.queries import project as project_queries

Listener = Callable[[Change], None]


class Project:
    """An open project file: its engine, its write lock, and the listeners told about every change."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        lock: ProjectLock | None = None,
        backup: Path | None = None,
    ) -> None:
        self.path = Path(path).resolve()
        self.read_only = read_only
        self.upgraded_from_backup = backup  # set when opening upgraded an older file (kept as backup)
        self._lock: ProjectLock | None = lock
        if not read_only and lock is None:
            self._lock = ProjectLock(self.path)
            self._lock.acquire()
        try:
            self.engine = make_engine(self.path, read_only=read_only)
            self._factory = session_factory(self.engine)
            with self.read() as session:
                self.project_id = project_queries.meta(session, "project_id") or ""
        except BaseException:
            self.close()
            raise
        self._listeners: list[Listener] = []

    # -- transactions -----------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: a single transaction, committed to disk when the block ends normally."""
        if self.read_only:
            raise ReadOnlyProject(f"{self.path.name} is open read-only; nothing can be changed.")
        with unit_of_work(self._factory) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with unit_of_work(self._factory) as session:
            yield session

    # -- change notification ----------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.path.stem


def create_project(path: Path | str, *, passphrase: str | None = None) -> Project:
    """Create an empty project file at the newest schema and open it; encrypted when given a passphrase."""
    path = Path(path)
    migrate.create_project_file(path, passphrase)
    return Project(path)


def needs_upgrade(path: Path | str) -> bool:
    """True for a project file an older Rapport wrote (opening it for writing backs it up and upgrades it).
    False for everything else, including files that are no project: opening those says what is wrong."""
    try:
        revision = migrate.read_revision(Path(path))
    except RapportError:
        return False
    return revision != migrate.head_revision() and revision in migrate.known_revisions()


def open_project(path: Path | str, *, read_only: bool = False) -> Project:
    """Open a project, upgrading it first (after a timestamped backup) if an older Rapport wrote it."""
    path = Path(path)
    revision = migrate.read_revision(path)  # refuses non-projects before a lock file appears beside them
    if read_only:
        migrate.refuse_if_newer(path, revision)
        if revision != migrate.head_revision():
            raise ReadOnlyProject(
                f"{path.name} was saved by an older Rapport and must be upgraded; open it once for writing."
            )
        return Project(path, read_only=True)
    # Hold the lock from before any upgrade until the project closes: two processes never migrate one file.
    lock = ProjectLock(path.resolve())
    lock.acquire()
    try:
        check = migrate.prepare_for_open(path)
        return Project(path, lock=lock, backup=check.backup)
    except BaseException:
        lock.release()
        raise


@dataclass(frozen=True)
class ProjectInfo:
    schema: str
    dyads: int
    participants: int
    sessions: int
    documents: int
    turns: int
    codes: int
    codings: int
    coders: int
    memos: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def info(project: Project) -> ProjectInfo:
    with project.read() as session:
        schema = migrate.current_revision_of(session.connection()) or ""
        return ProjectInfo(schema=schema, **project_queries.counts(session))


def bump_content_version(session: Session) -> None:
    """Mark that document text changed, so derived data (the search index) can tell it is stale."""
    current = int(project_queries.meta(session, "content_version") or "0")
    project_queries.set_meta(session, "content_version", str(current + 1))

"""Open, create and describe projects. A `Project` is the handle every other service works on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.errors import RapportError, ReadOnlyLocation, ReadOnlyProject
from app.services.changes import Change
from app.storage import migrate
from app.storage.db import make_engine, session_factory, unit_of_work
from app.storage.failures import explain_storage_failure, location_is_read_only
from app.storage.lock import ProjectLock
from app.storage.queries import project as project_queries

Listener = Callable[[Change], None]


@dataclass
class ActionState:
    """The user action under way in one thread: its transaction and the changes waiting to be announced."""

    initiator: object = None
    session: Session | None = None
    change: Change = field(default_factory=Change)


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
        self._local = threading.local()  # .action: the ActionState of this thread's action, if any
        # Why a read-only project is read-only, for the window's status bar.
        self.read_only_reason = (
            ""
            if not read_only
            else "it is on a read-only disk or folder"
            if location_is_read_only(self.path)
            else "another Rapport is writing to this project"
        )
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
        with storage_failures_explained(self.path), self._session() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with storage_failures_explained(self.path), self._session() as session:
            yield session

    @contextmanager
    def _session(self) -> Iterator[Session]:
        action = self._action()
        if action is None:
            with unit_of_work(self._factory) as session:
                yield session
            return
        if action.session is None:  # the action's first statement opens its one transaction
            action.session = self._factory()
            action.session.begin()
        yield action.session

    @contextmanager
    def action(self, initiator: object = None) -> Iterator[ActionState]:
        """One user action: every service call inside shares one transaction, committed when the block ends
        (rolled back, and nothing announced, when it raises); then the listeners hear one merged `Change`
        carrying the initiator. Nested actions join the outer one."""
        outer = self._action()
        if outer is not None:
            yield outer
            return
        state = ActionState(initiator=initiator)
        self._local.action = state
        try:
            yield state
            if state.session is not None:
                with storage_failures_explained(self.path):
                    state.session.commit()
        except BaseException:
            if state.session is not None:
                state.session.rollback()
            raise
        finally:
            self._local.action = None
            if state.session is not None:
                state.session.close()
        if not state.change.is_empty():
            self._broadcast(state.change.with_initiator(initiator))

    def _action(self) -> ActionState | None:
        return getattr(self._local, "action", None)

    # -- change notification ----------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, change: Change) -> None:
        """Services report what they wrote, after writing it. Inside an action the change waits for the
        commit and is merged with the action's others; outside one it is announced at once."""
        action = self._action()
        if action is not None:
            action.change = action.change | change
            return
        self._broadcast(change)

    def _broadcast(self, change: Change) -> None:
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


@contextmanager
def storage_failures_explained(path: Path | str) -> Iterator[None]:
    """Turn SQLite and disk failures inside the block into the `RapportError` that names their cause
    (full disk, read-only disk, locked, missing, failing drive, damaged file)."""
    try:
        yield
    except RapportError:
        raise
    except Exception as exc:
        explained = explain_storage_failure(exc, Path(path))
        if explained is None:
            raise
        raise explained from exc


def explain_failure(exc: BaseException, path: Path | str) -> RapportError | None:
    """What a storage failure means for the user (None for anything else: a bug)."""
    return explain_storage_failure(exc, Path(path))


def open_project(path: Path | str, *, read_only: bool = False) -> Project:
    """Open a project, upgrading it first (after a timestamped backup) if an older Rapport wrote it.

    A project on a read-only disk cannot be opened for writing: `ReadOnlyLocation` says so, and the caller
    may open it read-only instead."""
    path = Path(path)
    revision = migrate.read_revision(path)  # refuses non-projects before a lock file appears beside them
    if not read_only and location_is_read_only(path.resolve()):
        raise ReadOnlyLocation(
            f"{path.name} is on a read-only disk or in a folder you may not change, so it can only be "
            "opened read-only. Nothing was changed."
        )
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
        with storage_failures_explained(path):
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


def headline_counts(project: Project) -> dict[str, int]:
    """Dyads, documents, codes and codings: what the status bar shows, without the other counts of `info`."""
    with project.read() as session:
        return project_queries.counts(session, ("dyads", "documents", "codes", "codings"))


def bump_content_version(session: Session) -> None:
    """Mark that document text changed, so derived data (the search index) can tell it is stale."""
    current = int(project_queries.meta(session, "content_version") or "0")
    project_queries.set_meta(session, "content_version", str(current + 1))

"""Open, create and describe projects. A `Project` is the handle every other service works on."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from app.domain.errors import NotOnServer, RapportError, ReadOnlyLocation, ReadOnlyProject
from app.services import live_changes
from app.services.changes import Change
from app.storage import migrate, notifications, server, server_schema
from app.storage.concurrent_writes import is_retryable, unique_race
from app.storage.db import make_engine, session_factory, unit_of_work
from app.storage.failures import explain_storage_failure, location_is_read_only
from app.storage.lock import ProjectLock
from app.storage.queries import project as project_queries
from app.storage.server import make_server_engine
from app.storage.server_failures import explain_server_failure

Listener = Callable[[Change], None]
T = TypeVar("T")
# On a server, an action the server rolled back because it deadlocked with another coder's is run again.
ACTION_RETRIES = 3


@dataclass
class ActionState:
    """The user action under way in one thread: its transaction and the changes waiting to be announced."""

    initiator: object = None
    session: Session | None = None
    change: Change = field(default_factory=Change)


class Project:
    """An open project: a file or a database on a PostgreSQL server (`target` is then its URL, a str). It holds
    the engine, the file's write lock, and the listeners told about every change.

    A server has no lock file: PostgreSQL's transactions let coders write at once."""

    def __init__(
        self,
        target: Path | str,
        *,
        read_only: bool = False,
        lock: ProjectLock | None = None,
        backup: Path | None = None,
    ) -> None:
        self.is_server = server.is_server_address(target)
        # `path` is the project file (None on a server); `url` the server's address (None for a file), which may
        # hold a password: show `location` instead, never `url`.
        self.url: str | None = server.libpq_url(str(target)) if self.is_server else None
        self.path: Path | None = None if self.is_server else Path(target).resolve()
        self.location = server.redacted(str(target)) if self.is_server else str(self.path)
        self.read_only = read_only
        self.upgraded_from_backup = backup  # set when opening upgraded an older file (kept as backup)
        self._local = threading.local()  # .action: the ActionState of this thread's action, if any
        self.sender_id = uuid.uuid4().hex  # on a server, marks the changes this Project sends to the others
        self._lock: ProjectLock | None = lock
        # Why a read-only project is read-only, for the window's status bar.
        self.read_only_reason = "" if not read_only else self._why_read_only()
        try:
            if self.path is not None and not read_only and lock is None:
                self._lock = ProjectLock(self.path)
                self._lock.acquire()
            if self.url is not None:
                self.engine = make_server_engine(self.url, read_only=read_only)
            else:
                self.engine = make_engine(self.path, read_only=read_only)
            self._factory = session_factory(self.engine)
            with self.read() as session:
                self.project_id = project_queries.meta(session, "project_id") or ""
        except BaseException:
            self.close()
            raise
        self._listeners: list[Listener] = []

    def _why_read_only(self) -> str:
        if self.path is None:
            return "it was opened read-only"
        if location_is_read_only(self.path):
            return "it is on a read-only disk or folder"
        return "another Rapport is writing to this project"

    @property
    def target(self) -> Path | str:
        """What opens this project again: its file's path, or its server URL."""
        return self.url if self.url is not None else self.path

    # -- transactions -----------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: a single transaction, committed to disk when the block ends normally."""
        if self.read_only:
            raise ReadOnlyProject(f"{self.name} is open read-only; nothing can be changed.")
        with storage_failures_explained(self.target), self._session() as session:
            yield session

    @contextmanager
    def read(self, *, one_statement: bool = False) -> Iterator[Session]:
        """A read; `one_statement` says the block reads with one statement only (a search): on a server it then
        runs without BEGIN and COMMIT, in the statement's own snapshot, saving a round trip to the server."""
        with storage_failures_explained(self.target):
            if one_statement and self.is_server and self._action() is None:
                session = self._factory()
                try:
                    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                    yield session
                finally:
                    session.close()
                return
            with self._session() as session:
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
                with storage_failures_explained(self.target):
                    self._send_to_others(state.session, state.change)
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

    def run_action(self, work: Callable[[], T], initiator: object = None) -> T:
        """`work()` as one user action (see `action`). On a server, when the server rolled the action back
        because it deadlocked with another coder's (or could not serialise it, or another coder took the same
        unique name first), it runs again from the start in a new transaction, up to ACTION_RETRIES times,
        before the failure reaches the user."""
        retries = ACTION_RETRIES if self.is_server and self._action() is None else 0
        for attempt in range(retries + 1):
            try:
                with self.action(initiator):
                    return work()
            except Exception as exc:
                if attempt == retries or not is_retryable(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

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
        if self.is_server and not change.is_empty():  # the write is committed: tell the others now
            with self.write() as session:
                self._send_to_others(session, change)
        self._broadcast(change)

    def _send_to_others(self, session: Session, change: Change) -> None:
        """On a server, the change goes to the other coders' windows when (and only if) this commits."""
        if self.is_server and not change.is_empty():
            notifications.send(session, live_changes.encode(change, self.sender_id))

    def watch(self, deliver: Listener) -> live_changes.LiveChanges | None:
        """On a server, start hearing the changes other coders commit (`deliver` runs on a listener thread;
        stop the returned watcher when done). None for a project file: nobody else writes to it."""
        if self.url is None:
            return None
        return live_changes.LiveChanges(self.url, self.sender_id, deliver).start()

    def _broadcast(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.dispose()
        lock = getattr(self, "_lock", None)
        if lock is not None:
            lock.release()
            self._lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        """The file's name without its extension, or the server database's name."""
        return server.database_name(self.url) if self.url is not None else self.path.stem

    @property
    def title(self) -> str:
        """How a window title names the project: the file name, or `database on host`."""
        return server.title_of(self.url) if self.url is not None else self.path.stem


def is_server_address(target: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL: a project on a server, not a file."""
    return server.is_server_address(target)


def server_title(url: str) -> str:
    """`database on host`: how a server project is named in titles and lists."""
    return server.title_of(url)


def redacted_address(url: str) -> str:
    """The server URL without its password, fit to show or remember."""
    return server.redacted(url)


def is_empty_server_database(url: str) -> bool:
    """True when the server database answers and holds nothing yet (`create_project` makes it a project)."""
    return server_schema.is_empty_database(url)


def project_target(target: Path | str) -> Path | str:
    """A project as the user gave it: a server URL stays a str, anything else is a file path."""
    return str(target).strip() if server.is_server_address(target) else Path(target)


def create_project(path: Path | str, *, passphrase: str | None = None) -> Project:
    """Create an empty project at the newest schema and open it: a new file (encrypted when given a passphrase),
    or, given a `postgresql://` URL, an empty database on a server."""
    if server.is_server_address(path):
        if passphrase is not None:
            raise NotOnServer(
                "A server project is not encrypted by Rapport: its administrator protects it (TLS, disk "
                "encryption, roles). Create it without a passphrase."
            )
        server_schema.create_server_project(str(path))
        return Project(str(path))
    path = Path(path)
    migrate.create_project_file(path, passphrase)
    return Project(path)


def needs_upgrade(path: Path | str) -> bool:
    """True for a project file an older Rapport wrote (opening it for writing backs it up and upgrades it).
    False for everything else, including files that are no project: opening those says what is wrong.
    A server project is upgraded in one transaction with no backup copy: never "needs" one here."""
    if server.is_server_address(path):
        return False
    try:
        revision = migrate.read_revision(Path(path))
    except RapportError:
        return False
    return revision != migrate.head_revision() and revision in migrate.known_revisions()


@contextmanager
def storage_failures_explained(path: Path | str) -> Iterator[None]:
    """Turn SQLite, disk and server failures inside the block into the `RapportError` that names their cause
    (full disk, read-only disk, locked, missing, failing drive, damaged file; server down, refused, no such
    database, no permission). `path` is a project file or a server URL."""
    try:
        yield
    except RapportError:
        raise
    except Exception as exc:
        explained = explain_failure(exc, path)
        if explained is None:
            raise
        raise explained from exc


def explain_failure(exc: BaseException, path: Path | str) -> RapportError | None:
    """What a storage failure means for the user (None for anything else: a bug)."""
    if server.is_server_address(path):
        return explain_server_failure(exc, str(path)) or unique_race(exc)
    return explain_storage_failure(exc, Path(path))


def open_project(path: Path | str, *, read_only: bool = False) -> Project:
    """Open a project, upgrading it first (after a timestamped backup) if an older Rapport wrote it.

    A project on a read-only disk cannot be opened for writing: `ReadOnlyLocation` says so, and the caller
    may open it read-only instead. Given a `postgresql://` URL, opens that server database (upgrading it in one
    transaction if an older Rapport made it; refusing an empty database, anything not Rapport's, and a newer
    schema)."""
    if server.is_server_address(path):
        return _open_server_project(str(path), read_only=read_only)
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


def _open_server_project(url: str, *, read_only: bool) -> Project:
    if read_only:
        revision = server_schema.read_server_revision(url)
        migrate.refuse_if_newer(server.title_of(url), revision)
        if revision != migrate.head_revision():
            raise ReadOnlyProject(
                f"{server.title_of(url)} was made by an older Rapport and must be upgraded; open it once for writing."
            )
        return Project(url, read_only=True)
    server_schema.prepare_server_for_open(url)
    if not server_schema.may_write(url):
        raise ReadOnlyLocation(
            f"Your server role{' ' + server.user_name(url) if server.user_name(url) else ''} may only read "
            f"{server.title_of(url)}, so it can only be opened read-only. Nothing was changed."
        )
    return Project(url)


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

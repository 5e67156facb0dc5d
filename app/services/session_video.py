"""The session video of a dyad's session: the file the session timeline plays from a recall moment.

The project stores only the path (videos are large and stay where the researcher keeps them). Setting one
checks the file is there now; a project moved to another machine keeps the path, and the timeline says when
the file is missing there.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput, NotFound
from app.services.changes import Change
from app.services.project import Project
from app.storage.models import Session as StudySession
from app.storage.queries import lookup
from app.storage.queries.compare import session_media


def _study_session(session: Session, dyad: str | int, number: int) -> StudySession:
    found = lookup.dyad(session, dyad)
    media = session_media(session, found.id, number)
    if media is None:
        raise NotFound(f"Dyad {found.name} has no session {number}.")
    return session.get(StudySession, media[0])


def session_video(project: Project, dyad: str | int, number: int) -> str | None:
    """The video path of session `number` of `dyad` (None when none is set)."""
    with project.read() as session:
        return _study_session(session, dyad, number).media_path


def set_session_video(
    project: Project, dyad: str | int, number: int, path: str | Path | None, *, must_exist: bool = True
) -> str | None:
    """Set (or with None, forget) the session's video; returns the path it had, so the change can be undone.

    The path is stored absolute. With `must_exist` (the default) a path that is not an existing file is
    refused; undo passes False to put back a path whose file has gone since."""
    if path is not None:
        if not str(path).strip():
            raise InvalidInput("Give the path of the session video, or clear it.")
        resolved = Path(path).expanduser().resolve()
        if must_exist and not resolved.is_file():
            raise InvalidInput(f"The session video {resolved} does not exist or is not a file.")
        path = str(resolved)
    with project.write() as session:
        study_session = _study_session(session, dyad, number)
        previous = study_session.media_path
        study_session.media_path = path
    project.notify(Change(study=True))
    return previous

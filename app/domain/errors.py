"""Errors a user can cause. Each carries a message a researcher understands.

Anything that is not a `RapportError` is a bug: the CLI prints a traceback for it and the GUI shows a report.
"""

from __future__ import annotations


def first_line(text: str) -> str:
    """The first line of a library's error text that says anything (without the SQL or context that follows)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown reason"


class RapportError(Exception):
    """Base of every error the user can cause (a bad file, an unknown name, a locked project...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # one line, no traceback decoration
        return self.message


class NotARapportProject(RapportError):
    """The file is not a Rapport project (or is damaged beyond recognition)."""


class ProjectFromNewerVersion(RapportError):
    """The project was written by a newer Rapport whose schema this version does not know."""


class ProjectInUse(RapportError):
    """Another running Rapport holds the project open for writing."""


class ReadOnlyProject(RapportError):
    """A change was attempted on a project opened read-only."""


class MigrationFailed(RapportError):
    """Upgrading an older project failed; the original file was left as it was."""


class NotFound(RapportError):
    """A named document, code, coder, dyad... does not exist."""


class Ambiguous(RapportError):
    """A name matches more than one thing."""


class InvalidInput(RapportError):
    """A value given by the user is not acceptable (an empty name, a range outside the text...)."""


class ImportFailed(RapportError):
    """A file could not be imported: corrupt, hostile, too large, unreadable or of an unknown format."""


class UnsafeFile(ImportFailed):
    """A file was refused because it could harm the machine (entity expansion, zip bomb, path traversal)."""


class SearchError(RapportError):
    """A search could not be run (for example a malformed query)."""


class ExportFailed(RapportError):
    """An export could not be written."""


class OperationCancelled(RapportError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class DiskFull(RapportError):
    """The disk holding the project (or the file being written) has no free space left."""


class ReadOnlyLocation(RapportError):
    """The project lies on a read-only disk or in a folder the user may not change."""


class ProjectMissing(NotARapportProject):
    """The project file is not where it was expected (moved, deleted, or a disconnected drive)."""


class ProjectDamaged(NotARapportProject):
    """SQLite's own integrity check found the project file damaged: restore it from a backup."""


class StorageUnavailable(RapportError):
    """The disk reported an input/output error that is not a full disk (a failing or removed drive)."""


class PassphraseRequired(RapportError):
    """The project is encrypted and no passphrase was given."""


class WrongPassphrase(RapportError):
    """The passphrase given does not open the encrypted project."""


class DocumentChangedElsewhere(RapportError):
    """Another coder corrected a transcript (its version moved) while this one was editing it. Nothing was
    saved; `kept_text` holds the text this coder wanted to save (None when there was none, e.g. an undo)."""

    def __init__(self, message: str, *, kept_text: str | None = None, document_id: int | None = None) -> None:
        super().__init__(message)
        self.kept_text = kept_text
        self.document_id = document_id


class ServerUnavailable(StorageUnavailable):
    """The PostgreSQL server of a server project does not answer, or cannot serve us now."""


class ServerRefused(RapportError):
    """The PostgreSQL server refused us: a wrong or missing password, an unknown user, no permission."""


class NotOnServer(RapportError):
    """Something that only makes sense for a project file (a backup, encryption, a send-out copy) was asked of
    a project on a server."""

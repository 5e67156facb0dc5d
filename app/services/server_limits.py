"""What a project file has and a server project does not: Rapport's backups, encryption at rest, send-out copies.

Each of these is a file's business; on a server the same need is met by the server and its administrator. Asking
for one of them on a server project raises `NotOnServer`, saying what to do instead.
"""

from __future__ import annotations

from pathlib import Path

from app.domain.errors import NotOnServer
from app.storage.server import is_server_address

BACKUPS = (
    "Backups of a server project are made with pg_dump by the server's administrator; Rapport keeps backups of "
    "project files only."
)
ENCRYPTION = (
    "A server project is not encrypted by Rapport: the server protects it (TLS with ?sslmode=require, an "
    "encrypted disk, a role per coder). Encryption at rest with a passphrase is for project files."
)
SEND_OUT = (
    "On a server every coder works in the same project at once (blind coding works per coder); send-out "
    "copies are for project files. Copy the project to a file first to send copies out."
)


def is_on_server(project_or_target: object) -> bool:
    """True for an open server project, or a server URL."""
    if isinstance(project_or_target, (str, Path)):
        return is_server_address(project_or_target)
    return bool(getattr(project_or_target, "is_server", False))


def refuse_on_server(project_or_target: object, why: str) -> None:
    if is_on_server(project_or_target):
        raise NotOnServer(why)

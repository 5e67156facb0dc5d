"""Find a document, code, coder or dyad by what a user types: its id or its unique name (a code also by path).

For the command line and dialogs, which name things but never open a database session themselves.
"""

from __future__ import annotations

from app.services.project import Project
from app.storage.queries import lookup


def document_id(project: Project, ident: str | int) -> int:
    with project.read() as session:
        return lookup.document(session, ident).id


def code_id(project: Project, ident: str | int) -> int:
    """A code by id, name or path (`Bond/Trust`)."""
    with project.read() as session:
        return lookup.code(session, ident).id


def coder_id(project: Project, ident: str | int) -> int:
    with project.read() as session:
        return lookup.coder(session, ident).id


def dyad_id(project: Project, ident: str | int) -> int:
    with project.read() as session:
        return lookup.dyad(session, ident).id

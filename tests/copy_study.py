"""A study that exercises everything a copy must carry: the demo study plus corrections, anchors, a code moved
under a younger code, a code set, memos, CQR comments and audit entries. Shared by the copy tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from app.services import anchors, audit, code_sets, codebook, cqr_audit, editing, memos
from app.services.coding import ensure_coder, list_codings
from app.services.project import Project, open_project
from app.services.study import get_document, list_documents
from app.storage.queries import table_copy


def build_edited_study(demo: Path) -> Project:
    """The demo study at `demo` (a copy of it, changed in place), edited, and open."""
    project = open_project(demo)
    ana = ensure_coder(project, "Ana")
    document = list_documents(project)[0]
    text = get_document(project, document.id).text
    editing.edit_document_text(
        project, document.id, text.replace(" ", "  ", 3), coder_id=ana, summary="spacing"
    )
    codings = list_codings(project)
    anchors.set_anchor(project, codings[0].id, True)
    anchors.set_anchor(project, codings[1].id, True)
    older = codebook.add_code(project, "Older")
    younger = codebook.add_code(project, "Younger")
    codebook.move_code(project, older.id, younger.id)  # a child whose id is smaller than its parent's
    scale = codebook.add_code(project, "Rating")
    for value in ("1", "2", "3"):
        codebook.add_code(project, value, parent=scale.id)
    code_sets.mark_code_set(project, scale.id)
    memos.add_memo(project, "coding", codings[2].id, text="Why this is trust", author_id=ana)
    memos.add_memo(project, "document", document.id, text="A range memo", start=0, end=5, author_id=ana)
    comment = cqr_audit.add_comment(project, "coding", codings[0].id, "Is this trust?", auditor="Aud")
    cqr_audit.answer_comment(project, comment, "kept", "Yes, it is", author="Ana")
    audit.record_event(project, "export", {"what": "test", "to": "/nowhere"}, "Ana")
    audit.record_event(project, "open", {"via": "test"}, "Ben")
    return project


def table_contents(address: str | Path) -> dict[str, list[dict]]:
    """Every row of every model table, in primary-key order, read through a plain engine."""
    if isinstance(address, str) and address.startswith("postgresql://"):
        engine = create_engine(address.replace("postgresql://", "postgresql+psycopg://", 1))
    else:
        engine = create_engine(f"sqlite:///{Path(address).resolve().as_posix()}")
    try:
        with engine.connect() as connection:
            return {
                table.name: table_copy.rows_in_order(connection, table)
                for table in table_copy.copied_tables()
            }
    finally:
        engine.dispose()

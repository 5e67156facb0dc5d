"""Writing a report the researcher asked for: choose where, write it, say what went wrong, and record the export
in the project's audit log. One place for every report window (agreement, code-set agreement)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from app.domain.errors import RapportError
from app.services import audit


def ask_save_path(parent: QWidget, title: str, file_filter: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, "", file_filter)
    return path


def export_report(owner: Any, title: str, file_filter: str, write: Callable[[Path], Path]) -> Path | None:
    """`owner` offers `choose_save_path(title, filter)`, `show_error(text)` and `context` (tests replace the
    first two so that no dialog blocks). Returns the path written, or None when cancelled or refused."""
    chosen = owner.choose_save_path(title, file_filter)
    if not chosen:
        return None
    try:
        written = write(Path(chosen))
    except RapportError as error:
        owner.show_error(str(error))
        return None
    return audit.record_export(owner.context.project, title, written)

"""Code sets in the codebook panel: mark a parent as mutually exclusive values, number a value; each an
undoable command that calls `app.services.code_sets` and nothing else."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from app.services import code_sets
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext


def is_marked_set(context: AppContext, code_id: int | None) -> bool:
    project = context.project
    if project is None or code_id is None:
        return False
    return any(found.id == code_id for found in code_sets.marked_sets(project))


def mark_set(context: AppContext, code_id: int, marked: bool) -> None:
    """Mark (or unmark) the code as a set of mutually exclusive values, undoably."""
    project = context.project

    def do() -> bool:
        return code_sets.mark_code_set(project, code_id, marked)

    def undo(old: bool) -> None:
        code_sets.mark_code_set(project, code_id, old)

    label = "Mark as a code set (mutually exclusive values)" if marked else "Unmark code set"
    context.push(ServiceCommand(label, do, undo))


def number_value(context: AppContext, code_id: int, number: float | None) -> None:
    """Give a value of a set its number for interval and ratio agreement (None: the name's number), undoably."""
    project = context.project

    def do() -> float | None:
        return code_sets.set_value_number(project, code_id, number)

    def undo(old: float | None) -> None:
        code_sets.set_value_number(project, code_id, old)

    context.push(ServiceCommand("Number of a value", do, undo))


def ask_number(parent: QWidget, name: str, current: float | None) -> float | bool | None:
    """The number the user gives the value `name`; False when cancelled, None for "from the name"."""
    text, accepted = QInputDialog.getText(
        parent,
        "Number of this value",
        f"Number of “{name}” for interval and ratio agreement (empty: taken from the name when it is one):",
        text="" if current is None else f"{current:g}",
    )
    if not accepted:
        return False
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return False

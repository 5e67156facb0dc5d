"""Every codebook edit as one undoable command that calls the codebook services and nothing else.

Commands that create or destroy codes keep the service's snapshot, so a redo after an undo re-creates rows with
their original ids (commands further up the stack keep referring to rows that exist). Edits of fields remember
the old values read before the edit.
"""

from __future__ import annotations

from typing import Any

from app.domain.errors import NotFound
from app.services import codebook
from app.services.codebook import CodeData
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext

FIELDS = ("name", "color", "definition", "inclusion", "exclusion", "example", "shortcut")


class CodebookActions:
    """Builds and pushes the codebook's undo commands for one AppContext."""

    def __init__(self, context: AppContext) -> None:
        self.context = context

    @property
    def project(self):
        return self.context.project

    def _code(self, code_id: int) -> CodeData:
        found = codebook.code_fields(self.project, code_id)
        if found is None:
            raise NotFound(f"The code {code_id} no longer exists (it was deleted or merged).")
        return found

    def add(self, name: str, parent_id: int | None = None, color: str | None = None) -> CodeData:
        state: dict[str, Any] = {"snapshot": None}

        def do() -> CodeData:
            if state["snapshot"] is not None:
                codebook.restore_code(self.project, state["snapshot"])
                return state["code"]
            state["code"] = codebook.add_code(self.project, name, parent=parent_id, color=color)
            return state["code"]

        def undo(code: CodeData) -> None:
            state["snapshot"] = codebook.delete_code(self.project, code.id)

        label = f"New sub-code “{name}”" if parent_id else f"New code “{name}”"
        command = ServiceCommand(label, do, undo)
        self.context.push(command)
        return command.result

    def update(self, code_id: int, label: str, **values: Any) -> None:
        """Change fields of a code (name, colour, definition, ... shortcut); undo puts the old values back.

        A shortcut digit taken by another code moves to this one; the undo gives it back.
        """
        before = self._code(code_id)
        old = {key: getattr(before, key) for key in values}
        holder = None
        if values.get("shortcut"):
            holder = next(
                (
                    c
                    for c in codebook.list_codes(self.project)
                    if c.shortcut == values["shortcut"] and c.id != code_id
                ),
                None,
            )

        def do() -> None:
            codebook.update_code(self.project, code_id, **values)

        def undo(_result: object) -> None:
            codebook.update_code(self.project, code_id, **old)
            if holder is not None:
                codebook.update_code(self.project, holder.id, shortcut=holder.shortcut)

        self.context.push(ServiceCommand(label, do, undo))

    def move(self, code_ids: list[int], new_parent: int | None) -> None:
        codes = {c.id: c for c in codebook.list_codes(self.project)}
        old = [(i, codes[i].parent_id, codes[i].position) for i in code_ids if i in codes]

        def do() -> None:
            for code_id, _parent, _position in old:
                codebook.move_code(self.project, code_id, new_parent)

        def undo(_result: object) -> None:
            for code_id, parent, position in reversed(old):
                codebook.move_code(self.project, code_id, parent, position=position)

        where = f"under “{codes[new_parent].name}”" if new_parent in codes else "to the top level"
        names = ", ".join(f"“{codes[i].name}”" for i, _p, _q in old)
        self.context.push(ServiceCommand(f"Move {names} {where}", do, undo))

    def merge(self, source_id: int, target_id: int) -> None:
        source, target = self._code(source_id), self._code(target_id)

        def do() -> Any:
            return codebook.merge_codes(self.project, source_id, target_id)

        def undo(snapshot: Any) -> None:
            codebook.unmerge_codes(self.project, snapshot)

        self.context.push(ServiceCommand(f"Merge “{source.name}” into “{target.name}”", do, undo))

    def delete(self, code_id: int) -> None:
        code = self._code(code_id)
        state: dict[str, Any] = {}

        def do() -> Any:
            state["snapshot"] = codebook.delete_code(self.project, code_id)
            return state["snapshot"]

        def undo(snapshot: Any) -> None:
            codebook.restore_code(self.project, snapshot)

        self.context.push(ServiceCommand(f"Delete code “{code.name}”", do, undo))

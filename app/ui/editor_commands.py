"""Undo commands for coding and memos: thin wrappers whose run/redo/undo call services and nothing else.

Like every `ProjectCommand`, the action runs before the push and each run, undo and redo is one transaction.
A redo after an undo *restores* the snapshot the undo took instead of acting afresh: codings, codes and memos
come back with their original ids, so commands further up the stack still refer to rows that exist.
"""

from __future__ import annotations

from typing import Any

from app.services import codebook, coding, memos
from app.services.project import Project
from app.ui.commands import ProjectCommand


class DoneCommand(ProjectCommand):
    """Base of the editor's commands: `run()` acts once before pushing, `again()` redoes, `revert()` undoes."""

    def run(self) -> None:
        raise NotImplementedError

    def perform(self) -> None:
        self.run()


def run_and_push(context, command: DoneCommand, initiator: object = None) -> DoneCommand:
    """Perform the command's action now (RapportError propagates, nothing is pushed), then put it on the stack."""
    context.push(command, initiator)
    return command


class NewCoderCommand(DoneCommand):
    """Create a coder (the first coding in a project without one) and make them the active coder."""

    def __init__(self, context, name: str) -> None:
        super().__init__(f"New coder “{name}”")
        self.app_context, self.name = context, name
        self.coder_id: int | None = None
        self.row: Any = None

    def run(self) -> None:
        project = self.app_context.project
        known = {c.name.casefold() for c in coding.list_coders(project)}
        self.created = " ".join(self.name.split()).casefold() not in known  # else: that coder is chosen
        self.coder_id = coding.ensure_coder(project, self.name)

    def again(self) -> None:
        if self.created:
            coding.restore_coder(self.app_context.project, self.row)
        self.app_context.set_active_coder(self.coder_id)

    def revert(self) -> None:
        if self.created:
            self.row = coding.remove_new_coder(self.app_context.project, self.coder_id)
        if self.app_context.active_coder_id == self.coder_id:
            self.app_context.set_active_coder(None)


class AddCodingsCommand(DoneCommand):
    """Code ranges of documents for one coder."""

    def __init__(
        self, project: Project, specs: list, coder_id: int, text: str, seen_versions: dict | None = None
    ) -> None:
        super().__init__(text)
        self.project, self.specs, self.coder_id = project, specs, coder_id
        self.seen_versions = seen_versions  # {document: version} the positions were read from
        self.records: list = []

    def run(self) -> None:
        self.records = coding.add_codings(
            self.project, self.specs, self.coder_id, seen_versions=self.seen_versions
        )

    def again(self) -> None:
        coding.restore_codings(self.project, self.records)

    def revert(self) -> None:
        coding.delete_codings(self.project, [r.id for r in self.records])


class ReplaceSetValueCommand(DoneCommand):
    """Code a passage with a value of a code set, replacing the coder's other value of the set there."""

    def __init__(self, project: Project, specs: list, coder_id: int, text: str) -> None:
        super().__init__(text)
        self.project, self.specs, self.coder_id = project, specs, coder_id
        self.removed: list = []
        self.records: list = []

    def run(self) -> None:
        self.removed, self.records = coding.replace_set_values(self.project, self.specs, self.coder_id)

    def again(self) -> None:
        coding.delete_codings(self.project, [r.id for r in self.removed])
        coding.restore_codings(self.project, self.records)

    def revert(self) -> None:
        coding.delete_codings(self.project, [r.id for r in self.records])
        coding.restore_codings(self.project, self.removed)


class DeleteCodingsCommand(DoneCommand):
    """Remove codings; undo re-creates them from the service's snapshot."""

    def __init__(self, project: Project, ids: list[int], text: str) -> None:
        super().__init__(text)
        self.project, self.ids = project, ids
        self.snapshot: Any = None

    def run(self) -> None:
        self.snapshot = coding.delete_codings(self.project, self.ids)

    def again(self) -> None:
        self.run()

    def revert(self) -> None:
        coding.restore_codings(self.project, self.snapshot)


class RecodeCodingsCommand(DoneCommand):
    """Move codings to another code, keeping their ids and ranges."""

    def __init__(self, project: Project, ids: list[int], code_id: int, text: str) -> None:
        super().__init__(text)
        self.project, self.ids, self.code_id = project, ids, code_id
        self.snapshot: Any = None

    def run(self) -> None:
        self.snapshot = coding.recode_codings(self.project, self.ids, self.code_id)

    def again(self) -> None:
        self.run()

    def revert(self) -> None:
        coding.restore_codings(self.project, self.snapshot)


class InVivoCommand(DoneCommand):
    """Create a code named after the selected words and code the selection with it, as one undo step."""

    def __init__(self, project: Project, name: str, spec_for_code, coder_id: int, text: str) -> None:
        super().__init__(text)
        self.project, self.name, self.spec_for_code, self.coder_id = project, name, spec_for_code, coder_id
        self.code: Any = None
        self.records: list = []
        self.code_snapshot: Any = None

    def run(self) -> None:
        self.code = codebook.add_code(self.project, self.name)
        self.records = coding.add_codings(self.project, [self.spec_for_code(self.code.id)], self.coder_id)

    def again(self) -> None:
        codebook.restore_code(self.project, self.code_snapshot)
        coding.restore_codings(self.project, self.records)

    def revert(self) -> None:
        coding.delete_codings(self.project, [r.id for r in self.records])
        self.code_snapshot = codebook.delete_code(self.project, self.code.id)


class AddMemoCommand(DoneCommand):
    def __init__(
        self,
        project: Project,
        target: str,
        target_id: int | None,
        title: str,
        text: str,
        author_id: int | None,
    ) -> None:
        super().__init__(f"Add memo “{(title or text)[:30]}”")
        self.project, self.args = project, (target, target_id, title, text, author_id)
        self.memo: Any = None
        self.snapshot: Any = None

    def run(self) -> None:
        target, target_id, title, text, author_id = self.args
        self.memo = memos.add_memo(
            self.project, target, target_id, text=text, title=title, author_id=author_id
        )

    def again(self) -> None:
        memos.restore_memo(self.project, self.snapshot)

    def revert(self) -> None:
        self.snapshot = memos.delete_memo(self.project, self.memo.id)


class EditMemoCommand(DoneCommand):
    def __init__(self, project: Project, memo_id: int, title: str, text: str) -> None:
        super().__init__("Edit memo")
        self.project, self.memo_id, self.new = project, memo_id, (title, text)
        self.old: tuple[str, str] = ("", "")

    def run(self) -> None:
        before = memos.update_memo(self.project, self.memo_id, title=self.new[0], text=self.new[1])
        self.old = (before.title, before.text)

    def again(self) -> None:
        memos.update_memo(self.project, self.memo_id, title=self.new[0], text=self.new[1])

    def revert(self) -> None:
        memos.update_memo(self.project, self.memo_id, title=self.old[0], text=self.old[1])


class DeleteMemoCommand(DoneCommand):
    def __init__(self, project: Project, memo_id: int) -> None:
        super().__init__("Delete memo")
        self.project, self.memo_id = project, memo_id
        self.snapshot: Any = None

    def run(self) -> None:
        self.snapshot = memos.delete_memo(self.project, self.memo_id)

    def again(self) -> None:
        self.run()

    def revert(self) -> None:
        memos.restore_memo(self.project, self.snapshot)

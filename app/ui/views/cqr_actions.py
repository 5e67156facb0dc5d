"""What the CQR workbench's buttons do: every edit a service call in an undo command, and the exports.

A mixin of `CqrWorkbench` (app/ui/views/cqr_workbench.py), which owns the widgets and models used here. The
`ask_*` methods open dialogs; tests replace them so that no dialog blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from app.domain.errors import RapportError
from app.services import audit, cqr, cqr_audit, cqr_report
from app.ui.commands import ServiceCommand
from app.ui.dialogs.cqr_dialogs import AnswerDialog, CommentDialog, RulesDialog

ALL_CODERS = "All coders"


class CqrActions:
    # -- edits ----------------------------------------------------------------------------------
    def _push(self, text: str, do: Callable[[], Any], undo: Callable[[Any], None]) -> bool:
        try:
            self.context.push(ServiceCommand(text, do, undo))
        except RapportError as exc:
            QMessageBox.warning(self, "CQR workbench", str(exc))
            return False
        return True

    def ask_rules(self, settings: cqr.Settings) -> cqr.Settings | None:
        """The new rules; tests replace this so no dialog blocks."""
        dialog = RulesDialog(settings, self)
        return dialog.settings() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def edit_rules(self) -> None:
        project = self.context.project
        chosen = self.ask_rules(cqr.get_settings(project)) if project else None
        if chosen is None:
            return
        self._push(
            "Change the CQR rules",
            lambda: cqr.set_settings(project, chosen),
            lambda previous: cqr.set_settings(project, previous),
        )

    def _save(self, text: str | None, label: str) -> None:
        found = self.grid_model.cell_at(self.grid_view.currentIndex())
        project = self.context.project
        if found is None or project is None:
            return
        case, domain, _idea = found
        if text is not None and not text.strip():
            QMessageBox.information(self, "CQR workbench", "Write the core idea first (or remove it).")
            return
        chosen = self.excerpt_model.chosen()
        author = self.context.active_coder_id
        self._push(
            f"{label} for {case.label} in {domain.name}",
            lambda: cqr.save_core_idea(
                project, case.dyad_id, case.perspective, domain.id, text, chosen, author
            ),
            lambda previous: cqr.restore_core_idea(project, previous),
        )

    def save_idea(self) -> None:
        self._save(self.idea_edit.toPlainText(), "Core idea")

    def remove_idea(self) -> None:
        self._save(None, "Remove core idea")

    def comment_targets(self) -> list[tuple[str, str, int]]:
        """Everything an auditor can comment on here: domains, categories and written core ideas."""
        result = self.cross_model.result
        targets = [
            (f"Domain {c.path}", "domain", c.id) if c.depth == 0 else (f"Category {c.path}", "category", c.id)
            for c in (result.categories if result else [])
        ]
        for excerpt in self.excerpt_model.excerpts:  # the codings of the core-ideas cell shown
            targets.append(
                (
                    f"Coding {excerpt.coding_id} ({excerpt.code}): “{excerpt.text}”",
                    "coding",
                    excerpt.coding_id,
                )
            )
        grid = self.grid_model.grid
        if grid is not None:
            names = {d.id: d.name for d in grid.domains}
            for idea in grid.ideas.values():
                targets.append(
                    (
                        f"Core idea: {idea.case.label} in {names.get(idea.domain_id, '?')}",
                        "core_idea",
                        idea.id,
                    )
                )
        return targets

    def _selected_code_target(self) -> tuple[str, int] | None:
        category = self.cross_model.category_at(self.cross_view.currentIndex())
        return ("domain" if category.depth == 0 else "category", category.id) if category else None

    def _selected_idea_target(self) -> tuple[str, int] | None:
        """The excerpt selected under the core idea, else the core idea itself."""
        selected = self.excerpt_view.selectionModel().selectedIndexes()
        if selected:
            return "coding", self.excerpt_model.excerpts[selected[0].row()].coding_id
        found = self.grid_model.cell_at(self.grid_view.currentIndex())
        return ("core_idea", found[2].id) if found and found[2] else None

    def ask_comment(
        self, targets: list[tuple[str, str, int]], current: int
    ) -> tuple[str, int, str, str] | None:
        """(target kind, id, text, auditor); tests replace this so no dialog blocks."""
        dialog = CommentDialog(targets, current, parent=self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def add_comment(self, target: tuple[str, int] | None) -> None:
        project = self.context.project
        targets = self.comment_targets()
        if project is None or not targets:
            return
        keys = [(kind, ident) for _label, kind, ident in targets]
        chosen = self.ask_comment(targets, keys.index(target) if target in keys else 0)
        if chosen is None:
            return
        kind, ident, text, auditor = chosen
        self._push(
            "Audit comment",
            lambda: cqr_audit.add_comment(project, kind, ident, text, auditor),
            lambda comment_id: cqr_audit.delete_comment(project, comment_id),
        )

    def ask_answer(self, about: str) -> tuple[str, str, str] | None:
        """(decision, reason, author); tests replace this so no dialog blocks."""
        dialog = AnswerDialog(about, parent=self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def answer_selected(self) -> None:
        project = self.context.project
        comment = self.audit_model.comment_at(self.audit_view.currentIndex())
        if project is None or comment is None:
            QMessageBox.information(self, "CQR workbench", "Choose the comment to answer.")
            return
        chosen = self.ask_answer(comment.about)
        if chosen is None:
            return
        decision, reason, author = chosen
        self._push(
            f"Answer audit comment {comment.id}",
            lambda: cqr_audit.answer_comment(project, comment.id, decision, reason, author),
            lambda answer_id: cqr_audit.delete_answer(project, answer_id),
        )

    # -- exports --------------------------------------------------------------------------------
    def ask_path(self, title: str, name: str, filters: str) -> str:
        """The file to write; tests replace this so no dialog blocks."""
        path, _ = QFileDialog.getSaveFileName(self, title, name, filters)
        return path

    def _export(self, title: str, name: str, filters: str, write: Callable[[str], object]) -> str | None:
        path = self.ask_path(title, name, filters)
        if not path:
            return None
        try:
            written = write(path)
        except RapportError as exc:
            QMessageBox.warning(self, title, str(exc))
            return None
        audit.record_export(self.context.project, title, written)
        self.status.setText(f"Wrote {written}.")
        return str(written)

    def export_cross_analysis(self) -> str | None:
        result = self.cross_model.result
        if result is None:
            return None
        coders = self.coder_combo.currentText() or ALL_CODERS
        return self._export(
            "Export the cross-analysis", "cross-analysis.docx", "Word table (*.docx);;CSV table (*.csv)",
            lambda path: cqr_report.write_cross_analysis(result, path, coders.lower() if coders == ALL_CODERS else coders),
        )  # fmt: skip

    def export_core_ideas(self) -> str | None:
        grid, project = self.grid_model.grid, self.context.project
        if grid is None or project is None:
            return None
        linked = sorted({c for idea in grid.ideas.values() for c in idea.excerpts})
        quotes = {e.coding_id: e for e in cqr.excerpts(project, linked)}
        return self._export(
            "Export the core ideas", "core-ideas.docx", "Word tables (*.docx);;CSV table (*.csv)",
            lambda path: cqr_report.write_core_ideas(grid, path, quotes),
        )  # fmt: skip

    def export_audit_trail(self) -> str | None:
        comments = self.audit_model.comments
        return self._export(
            "Export the audit trail", "audit-trail.docx", "Word document (*.docx)",
            lambda path: cqr_report.write_audit_trail(comments, path),
        )  # fmt: skip

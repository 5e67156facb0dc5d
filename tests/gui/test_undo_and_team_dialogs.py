"""The undo contract (failed actions never reach the stack) and the pseudonymise and merge dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput
from app.services.project import create_project, open_project
from app.storage.models import Code, Coder, Coding, Document
from app.ui.commands import ServiceCommand
from app.ui.context import AppContext
from app.ui.dialogs.pseudonymise_dialog import PseudonymiseDialog
from app.ui.dialogs.team_dialogs import MergeDialog, SendOutDialog
from tests.study import StudyBuilder

TEXT = "Therapist: Hello Maria, how are you?\nClient: Tired. Maria's week was long.\n"


@pytest.fixture
def context(qtbot, tmp_path: Path):
    ctx = AppContext()
    project = create_project(tmp_path / "study.rapport")
    build = StudyBuilder(project).document("D1 s1", TEXT, dyad="D1", session=1, kind="session")
    build.code("Trust").coder("Lead")
    ctx.set_project(project)
    yield ctx
    ctx.set_project(None)


def document_text(ctx: AppContext) -> str:
    with ctx.project.read() as session:
        return session.scalars(select(Document.text)).one()


def test_a_failing_action_raises_and_stays_off_the_stack(context: AppContext) -> None:
    def fail():
        raise InvalidInput("nope")

    with pytest.raises(InvalidInput):
        context.push(ServiceCommand("fails", fail, lambda _r: None))
    assert context.undo_stack.count() == 0


def test_a_failing_undo_is_reported_not_lost(context: AppContext, qtbot) -> None:
    def bad_undo(_result):
        raise InvalidInput("cannot undo that")

    context.push(ServiceCommand("works once", lambda: 1, bad_undo))
    with qtbot.waitSignal(context.failed) as blocker:
        context.undo_stack.undo()
    assert str(blocker.args[0]) == "cannot undo that"


def test_pseudonymise_dialog_previews_applies_and_undoes(context: AppContext, qtbot) -> None:
    dialog = PseudonymiseDialog(context)
    qtbot.addWidget(dialog)
    dialog.set_rules([("Maria", "P1")])
    assert not dialog.apply_button.isEnabled()
    dialog.show_preview()
    assert dialog.found.rowCount() == 2
    assert dialog.summary.text() == "2 replacements in 1 document."
    assert document_text(context) == TEXT  # a preview changes nothing
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: dialog.task.done)  # pseudonymising a study runs in the background
    assert document_text(context) == TEXT.replace("Maria", "P1")
    assert context.undo_stack.undoText() == "Pseudonymise 1 names"
    context.undo_stack.undo()
    assert document_text(context) == TEXT
    context.undo_stack.redo()
    assert document_text(context) == TEXT.replace("Maria", "P1")


def test_pseudonymise_dialog_refuses_empty_pseudonyms_and_applies_only_what_was_previewed(
    context: AppContext, qtbot
) -> None:
    dialog = PseudonymiseDialog(context)
    qtbot.addWidget(dialog)
    dialog.set_rules([("Maria", "")])
    dialog.show_preview()
    assert "an empty one would delete the name" in dialog.summary.text()
    assert not dialog.apply_button.isEnabled()
    dialog.set_rules([("Maria", "P1")])
    dialog.show_preview()
    dialog.set_rules([("Maria", "Someone Else")])  # edited after the preview: applying waits for a preview
    assert not dialog.apply_button.isEnabled()
    dialog.show_preview()
    dialog.whole_words.setChecked(not dialog.whole_words.isChecked())  # an option changed after the preview
    dialog.apply()
    assert "press Preview again" in dialog.summary.text() and document_text(context) == TEXT
    dialog.whole_words.setChecked(not dialog.whole_words.isChecked())
    dialog.apply()
    qtbot.waitUntil(lambda: dialog.task.done)
    assert document_text(context) == TEXT.replace("Maria", "Someone Else")


def test_send_out_and_merge_dialogs(context: AppContext, qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    send = SendOutDialog(context)
    qtbot.addWidget(send)
    send.coders.setText("Ana, Ben")
    send.folder.setText(str(folder))
    send.send()
    qtbot.waitUntil(lambda: send.task.done)  # copies are written in the background
    assert [p.name for p in send.made] == ["study-Ana.rapport", "study-Ben.rapport"]

    with open_project(send.made[0]) as copy, copy.write() as session:
        document = session.scalars(select(Document)).one()
        ana = session.scalars(select(Coder.id).where(Coder.name == "Ana")).one()
        trust = session.scalars(select(Code.id)).one()
        session.add(Coding(document_id=document.id, code_id=trust, coder_id=ana, start=0, end=10))

    merge = MergeDialog(context)
    qtbot.addWidget(merge)
    merge.add_copies(send.made)
    qtbot.waitUntil(lambda: merge.task.done)  # the dry run reads the copies in the background
    assert "new codings — Ana: 1" in merge.summary.toPlainText()
    assert merge.merge_button.isEnabled()
    merge.merge_button.click()
    assert not merge.merge_button.isEnabled()  # merging runs in the background
    qtbot.waitUntil(lambda: merge.task.done)
    with context.project.read() as session:
        assert len(session.scalars(select(Coding)).all()) == 1
    context.undo_stack.undo()
    with context.project.read() as session:
        assert session.scalars(select(Coding)).all() == []


def test_send_out_reports_a_missing_folder(context: AppContext, qtbot, tmp_path: Path) -> None:
    send = SendOutDialog(context)
    qtbot.addWidget(send)
    send.coders.setText("Ana")
    send.folder.setText(str(tmp_path / "missing"))
    send.send()
    qtbot.waitUntil(lambda: send.task.done)
    assert "does not exist" in send.message.text()
    assert send.result() == 0

"""Protected projects in the window: the passphrase asked on open, New Project encrypted, File ▸ Protection
(encrypt, audit log view), and the audit table model."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import audit, protection
from app.services.project import create_project, open_project
from app.storage import cipher
from app.ui import protection_actions
from app.ui.dialogs.audit_dialog import AuditDialog
from app.ui.dialogs.passphrase_dialog import PassphraseDialog
from app.ui.models.audit_model import AuditTableModel
from tests.gui.windows import first_start_window
from tests.study_presets import small_study

PASSPHRASE = "window passphrase"


@pytest.fixture(autouse=True)
def _no_passphrases(monkeypatch):
    monkeypatch.delenv("RAPPORT_PASSPHRASE", raising=False)
    protection.forget_passphrases()
    yield
    protection.forget_passphrases()


@pytest.fixture
def answers(monkeypatch):
    """Scripted answers to the passphrase questions (None = cancel), and what was asked."""
    state = {"passphrases": [], "asked": []}

    def ask(parent, title, prompt, *, new=False):
        state["asked"].append((title, prompt, new))
        return state["passphrases"].pop(0) if state["passphrases"] else None

    monkeypatch.setattr(protection_actions, "ask_passphrase", ask)
    return state


@pytest.fixture
def window(qtbot, qapp):
    with first_start_window(qtbot, qapp, ask_coder=lambda names, current: names[0] if names else None) as win:
        yield win


def encrypted_study(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.rapport"
    with create_project(path, passphrase=PASSPHRASE) as project:
        small_study(project)
    protection.forget_passphrases()
    return path


def test_opening_an_encrypted_project_asks_until_the_passphrase_fits(window, answers, tmp_path) -> None:
    path = encrypted_study(tmp_path)
    answers["passphrases"] = ["wrong passphrase", PASSPHRASE]
    assert window.open_path(path)
    assert len(answers["asked"]) == 2 and "does not open" in answers["asked"][1][1]
    assert window.context.project is not None and window.context.project.path == path.resolve()
    assert audit.entries(window.context.project)[-1].action == "open"


def test_cancelling_the_passphrase_opens_nothing(window, answers, tmp_path) -> None:
    path = encrypted_study(tmp_path)
    assert not window.open_path(path)
    assert window.context.project is None and len(answers["asked"]) == 1


def test_encrypt_from_the_menu_closes_encrypts_and_reopens(window, answers, tmp_path, qtbot) -> None:
    path = tmp_path / "study.rapport"
    with create_project(path) as project:
        small_study(project)
    assert window.open_path(path)
    actions = window.actions.protection
    actions.update_actions()
    assert actions.encrypt.isEnabled() and not actions.change.isEnabled()
    answers["passphrases"] = [PASSPHRASE]
    task = actions.encrypt_project()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    qtbot.waitUntil(lambda: window.context.project is not None, timeout=10000)
    assert cipher.is_encrypted(path)
    assert answers["asked"][0][2] is True  # a new passphrase: typed twice
    actions.update_actions()
    assert actions.change.isEnabled() and not actions.encrypt.isEnabled()
    assert [e.action for e in audit.entries(window.context.project)][-2:] == ["encrypt", "open"]


def test_new_project_dialog_offers_encryption(window, answers, tmp_path) -> None:
    path = tmp_path / "new.rapport"
    answers["passphrases"] = [PASSPHRASE]
    assert window.create_project_at(path, False, PASSPHRASE)
    assert cipher.is_encrypted(path)
    from app.ui.dialogs.new_project_dialog import NewProjectDialog

    dialog = NewProjectDialog(window, folder=tmp_path)
    assert not dialog.encrypt.isChecked() and "Encrypt" in dialog.encrypt.text()
    dialog.deleteLater()


def test_passphrase_dialog_wants_a_long_passphrase_typed_twice(qtbot) -> None:
    dialog = PassphraseDialog(None, "Encrypt", "Choose", new=True)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.passphrase.setText("short")
    assert not ok.isEnabled()
    dialog.passphrase.setText("long enough")
    dialog.repeat.setText("long enougH")
    assert not ok.isEnabled() and "differ" in dialog.problem.text()
    dialog.repeat.setText("long enough")
    assert ok.isEnabled() and dialog.value() == "long enough"


def test_audit_view_lists_entries_and_shows_the_chain(tmp_path, qtbot, qtmodeltester) -> None:
    path = tmp_path / "s.rapport"
    with create_project(path) as project:
        small_study(project)
        audit.record_event(project, "open", {"via": "test"}, coder="Anna")
    with open_project(path, read_only=True) as project:
        dialog = AuditDialog(project)
        qtbot.addWidget(dialog)
        model = dialog.model
        assert model.rowCount() == len(audit.entries(project)) >= 5
        assert model.index(model.rowCount() - 1, 3).data() == "open"
        assert "verifies" in dialog.status.text()
        qtmodeltester.check(model)
        dialog.resize(1280, 800)
        dialog.grab().save(str(tmp_path / "audit.png"))
    empty = AuditTableModel()
    qtmodeltester.check(empty)


def test_erase_ethics_and_decrypted_copy_from_the_menu(window, answers, tmp_path, qtbot, monkeypatch) -> None:
    path = encrypted_study(tmp_path)
    answers["passphrases"] = [PASSPHRASE]
    assert window.open_path(path)
    project = window.context.project
    from app.services import backups, study

    study.add_participant(project, "C01", "client", "D01")  # the client of D01: "Client:" turns are theirs
    study.add_participant(project, "T01", "therapist", "D01")
    backups.make_backup(project, reason="test")
    names = [p.name for p in study.list_participants(project)]
    asked: list[str] = []
    monkeypatch.setattr(protection_actions, "ask_participant", lambda parent, options: options[0])
    monkeypatch.setattr(
        protection_actions, "ask_confirm", lambda parent, title, text, detail="": asked.append(text) or True
    )
    task = window.actions.protection.erase_participant()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert "Will remove C01" in asked[0] and "backups still hold" in asked[1]
    assert [p.name for p in study.list_participants(project)] == names[1:]
    assert backups.list_backups(project) == []  # purged on request
    saved: list[Path] = [tmp_path / "ethics.docx", tmp_path / "copy.rapport"]
    monkeypatch.setattr(protection_actions, "ask_save_path", lambda *args: saved.pop(0))
    task = window.actions.protection.write_ethics_summary()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert (tmp_path / "ethics.docx").is_file()
    task = window.actions.protection.save_decrypted_copy()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert (tmp_path / "copy.rapport").read_bytes().startswith(b"SQLite format 3")
    assert [e.action for e in audit.entries(project)][-2:] == ["erase", "decrypt"]

"""Two coders' windows on one server project: what one commits shows in the other within 2 seconds, without
reloading (the code tree's count, the editor's stripes), and blind mode keeps hiding the other coder's work."""

from __future__ import annotations

import pytest

from app.services import coding, live_changes
from app.services.project import open_project
from tests.gui.test_server_project_window import open_and_wait, server_study
from tests.gui.windows import first_start_window
from tests.study_presets import SMALL_SESSION as SESSION

__all__ = ["server_study"]
LIVE_WITHIN_MS = 2000


@pytest.fixture
def bens_window(qtbot, qapp, server_study):
    """Ben's window on the server study, showing D01 session 2; Anna codes from another Rapport."""
    ben = lambda names, current: "Ben"  # noqa: E731
    with first_start_window(qtbot, qapp, ask_coder=ben, size=(1280, 800), shown=True) as win:
        open_and_wait(win, qtbot, server_study)
        live = win.context.live
        assert live.watcher is not None and live.watcher.wait_until_listening()
        with open_project(server_study) as annas:
            yield win, annas


def ids(project):
    from app.services import codebook, study

    documents = {d.name: d.id for d in study.list_documents(project)}
    codes = {c.name: c.id for c in codebook.list_codes(project)}
    coders = {c.name: c.id for c in coding.list_coders(project)}
    return documents, codes, coders


def anna_codes(annas, words: str, code: str = "Repair") -> coding.CodingRecord:
    documents, codes, coders = ids(annas)
    start = SESSION.index(words)
    spec = coding.CodingSpec(documents["D01 session 2"], codes[code], start, start + len(words))
    with annas.action():  # one user action in Anna's window
        [record] = coding.add_codings(annas, [spec], coders["Anna"])
    return record


def test_another_coders_coding_shows_in_the_code_tree_and_the_stripes(bens_window, qtbot) -> None:
    win, annas = bens_window
    documents, codes, _coders = ids(annas)
    win.show_document(documents["D01 session 2"])
    win.pane.view.shown_coders.set_filter("all")
    tree = win.codebook.model
    repair_before = tree.usage(codes["Repair"])
    shown_before = len(win.pane.view.index.codings)

    with qtbot.waitSignal(win.context.live.applied, timeout=LIVE_WITHIN_MS) as arrived:
        record = anna_codes(annas, "Welcome back")

    change = arrived.args[0]
    assert change.initiator is live_changes.REMOTE and change.coding_ids_added == {record.id}
    assert tree.usage(codes["Repair"])[0] == repair_before[0] + 1
    shown = win.pane.view.index.codings
    assert shown_before > 0 and len(shown) == shown_before + 1 and record.id in {c.id for c in shown}


def test_new_codes_and_memos_arrive_too(bens_window, qtbot) -> None:
    from app.services import codebook, memos

    win, annas = bens_window
    tree = win.codebook.model
    rows_before = tree.rowCount()
    with qtbot.waitSignal(win.context.live.applied, timeout=LIVE_WITHIN_MS), annas.action():
        codebook.add_code(annas, "Humour")
    assert tree.rowCount() == rows_before + 1
    with qtbot.waitSignal(win.context.live.applied, timeout=LIVE_WITHIN_MS) as arrived, annas.action():
        memos.add_memo(annas, "project", text="Anna's plan")
    assert arrived.args[0].memos


def test_blind_mode_keeps_the_other_coders_codings_hidden(bens_window, qtbot) -> None:
    win, annas = bens_window
    documents, _codes, coders = ids(annas)
    win.context.set_active_coder(coders["Ben"])
    win.context.set_blind(True)
    win.show_document(documents["D01 session 2"])
    assert {c.coder_id for c in win.pane.view.index.codings} <= {coders["Ben"]}

    with qtbot.waitSignal(win.context.live.applied, timeout=LIVE_WITHIN_MS):
        record = anna_codes(annas, "Welcome back")

    assert record.id not in {c.id for c in win.pane.view.index.codings}
    assert {c.coder_id for c in win.pane.view.index.codings} <= {coders["Ben"]}


def test_the_status_bar_says_whether_other_coders_changes_are_arriving(bens_window, qtbot, monkeypatch) -> None:
    from app.storage import notifications

    monkeypatch.setattr(notifications, "RECONNECT_PAUSES_S", (1.5,))  # long enough to be seen under any load
    win, _annas = bens_window
    live, label = win.context.live, win.statusBar().live_label
    live.check_state()
    assert label.isVisible() and label.text() == "● live"

    live.watcher.listener.drop_connection_for_test()  # a server restart, a dropped network
    qtbot.waitUntil(lambda: (live.check_state(), label.text() == "○ connecting…")[1], timeout=5000)
    assert "refreshed once back" in label.toolTip()
    qtbot.waitUntil(lambda: (live.check_state(), label.text() == "● live")[1], timeout=10000)

    win.context.set_project(None)  # a project file, or none: nothing to hear
    assert not label.isVisible()

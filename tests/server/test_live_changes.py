"""Live changes: each committed action's Change reaches the other coders' Projects through LISTEN/NOTIFY, only
on commit, never back to its sender, coarser when it would not fit a notification; the listener reconnects."""

from __future__ import annotations

import queue

import pytest

from app.services import coding, live_changes, memos
from app.services.changes import EVERYTHING, Change, codings_change
from app.services.codebook import add_code
from app.services.importing import DocumentMeta, import_text
from app.services.project import create_project, open_project
from app.storage.notifications import PAYLOAD_LIMIT_BYTES

WAIT_S = 2.0  # the promise: another coder's window shows a change within 2 seconds


def test_the_wire_format_round_trips_every_field() -> None:
    change = codings_change({3, 1}, {7}, added={10, 11}, removed={12}, changed={13}, memos=True)
    change = change | Change(study=True, documents=frozenset({3}), codebook=True, coders=True, cqr=True)
    sender, back = live_changes.decode(live_changes.encode(change, "me"))
    assert sender == "me"
    assert back == change and back.initiator is live_changes.REMOTE
    assert live_changes.decode(live_changes.encode(EVERYTHING, "me"))[1].everything


def test_a_change_too_big_for_a_notification_is_sent_coarser() -> None:
    many = codings_change({1, 2}, set(range(100)), added=set(range(100_000, 103_000)))
    payload = live_changes.encode(many, "me")
    assert len(payload.encode()) <= PAYLOAD_LIMIT_BYTES
    _, back = live_changes.decode(payload)
    assert back.codings == {1, 2} and not back.coding_ids_exact and not back.coding_ids_added
    assert not back.only_codings  # views reload those documents' codings instead of patching rows

    huge = Change(study=True, documents=frozenset(range(5000)))
    _, back = live_changes.decode(live_changes.encode(huge, "me"))
    assert back.everything


def test_an_unreadable_payload_means_everything() -> None:
    assert live_changes.decode("not json")[1].everything
    assert live_changes.decode('{"v": 99, "change": {}}')[1].everything


@pytest.fixture
def two_coders(pg_url):
    """Two Projects open on one server database (two coders' windows), the second one watching."""
    with create_project(pg_url) as first:
        document = import_text(
            first,
            name="D01 s1",
            text="Client: I felt sad.\nTherapist: Say more.\n",
            meta=DocumentMeta(dyad="D01", session=1, perspective="client", kind="session"),
        ).id
        code = add_code(first, "Sadness").id
        ana = coding.ensure_coder(first, "Ana")
        with open_project(pg_url) as second:
            heard: queue.Queue[Change] = queue.Queue()
            watcher = second.watch(heard.put)
            assert watcher is not None and watcher.wait_until_listening()
            try:
                yield first, second, heard, watcher, (document, code, ana)
            finally:
                watcher.stop()


def test_a_coding_committed_by_one_coder_arrives_at_the_other(two_coders) -> None:
    first, _second, heard, _watcher, (document, code, ana) = two_coders
    with first.action():
        [record] = coding.add_codings(first, [coding.CodingSpec(document, code, 8, 18)], ana)
    change = heard.get(timeout=WAIT_S)
    assert change.initiator is live_changes.REMOTE
    assert change.codings == {document} and change.coding_ids_added == {record.id}
    assert change.codes == {code} and change.only_codings


def test_nothing_arrives_for_a_rolled_back_action_and_writes_outside_actions_arrive_too(two_coders) -> None:
    first, _second, heard, _watcher, (document, code, ana) = two_coders
    with pytest.raises(RuntimeError), first.action():
        coding.add_codings(first, [coding.CodingSpec(document, code, 0, 6)], ana)
        raise RuntimeError("the coder's action failed halfway")
    memos.add_memo(first, "project", text="Plan")  # the CLI writes without an action
    change = heard.get(timeout=WAIT_S)
    assert change.memos and not change.codings
    assert heard.empty()


def test_a_window_does_not_hear_its_own_changes(two_coders) -> None:
    _first, second, heard, _watcher, (document, code, ana) = two_coders
    with second.action():
        coding.add_codings(second, [coding.CodingSpec(document, code, 0, 6)], ana)
    with pytest.raises(queue.Empty):
        heard.get(timeout=0.5)


def test_the_listener_reconnects_and_then_says_everything_may_have_changed(two_coders) -> None:
    first, _second, heard, watcher, (document, code, ana) = two_coders
    watcher.listener.drop_connection_for_test()
    assert heard.get(timeout=10).everything  # changes sent while it was away are lost: reload all
    assert watcher.wait_until_listening()
    with first.action():
        coding.add_codings(first, [coding.CodingSpec(document, code, 0, 6)], ana)
    assert heard.get(timeout=WAIT_S).coding_ids_added

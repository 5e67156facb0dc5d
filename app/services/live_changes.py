"""Live changes on a team server: each committed action's `Change` travels to the other coders' windows.

The wire format is JSON: `{"v": 1, "from": SENDER, "change": {field: value}}` with only the fields that are set,
sets of ids as sorted lists. Each open `Project` has its own sender id, so a window ignores its own changes (it
announced them already, with their initiator). PostgreSQL caps a payload under 8000 bytes: a change too big for
that is sent coarser, as views understand it (`coarsened`): first without the exact coding ids (views reload
the codings of the documents named), then as `everything`.

`LiveChanges` listens for one project (a thread of app.storage.notifications) and hands every remote `Change`
to a callback, on the listener's thread; the window turns it into a Qt signal. After the connection dropped
and came back, it delivers `everything`, since what was sent meanwhile is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields, replace

from app.services.changes import EVERYTHING, Change
from app.storage.notifications import PAYLOAD_LIMIT_BYTES, NotificationListener

WIRE_VERSION = 1
_SETS = {f.name for f in fields(Change) if f.name != "initiator" and f.type in ("frozenset[int]",)}
_FLAGS = {f.name for f in fields(Change) if f.name != "initiator"} - _SETS
_CODING_DETAIL = ("coding_ids_added", "coding_ids_removed", "coding_ids_changed", "codes")


class Remote:
    """The initiator of a change another coder made (views treat it as not theirs)."""

    def __repr__(self) -> str:
        return "REMOTE"


REMOTE = Remote()


def encode(change: Change, sender: str) -> str:
    """The payload for `change`: under PostgreSQL's limit, coarser when it must be."""
    for candidate in (change, *coarsened(change)):
        payload = _dump(candidate, sender)
        if len(payload.encode("utf-8")) <= PAYLOAD_LIMIT_BYTES:
            return payload
    return _dump(EVERYTHING, sender)


def coarsened(change: Change) -> tuple[Change, ...]:
    """Coarser descriptions of the same change, finest first: without exact coding ids, then everything."""
    without_ids = replace(change, **{name: frozenset() for name in _CODING_DETAIL}, coding_ids_exact=False)
    if without_ids.codings or change.touched_codings:
        # Views reload the codings of these documents; the counts of every code may have moved.
        without_ids = replace(without_ids, codings=change.codings)
    return without_ids, EVERYTHING


def _dump(change: Change, sender: str) -> str:
    body: dict[str, object] = {}
    for name in _FLAGS:
        if getattr(change, name):
            body[name] = True
    for name in _SETS:
        values = getattr(change, name)
        if values:
            body[name] = sorted(values)
    return json.dumps({"v": WIRE_VERSION, "from": sender, "change": body}, separators=(",", ":"))


def decode(payload: str) -> tuple[str, Change]:
    """(sender, change) from a payload; a payload this version cannot read means `everything`."""
    try:
        message = json.loads(payload)
        body = message["change"]
        if message.get("v") != WIRE_VERSION or not isinstance(body, dict):
            raise ValueError("unknown wire version")
        values: dict[str, object] = {}
        for name, value in body.items():
            if name in _SETS:
                values[name] = frozenset(int(v) for v in value)
            elif name in _FLAGS:
                values[name] = bool(value)
        return str(message.get("from", "")), Change(**values, initiator=REMOTE)
    except (ValueError, KeyError, TypeError):
        return "", replace(EVERYTHING, initiator=REMOTE)


class LiveChanges:
    """Remote changes of one server project, delivered to `deliver(change)` on the listener's thread."""

    def __init__(self, url: str, sender: str, deliver: Callable[[Change], None]) -> None:
        self.sender = sender
        self._deliver = deliver
        self.listener = NotificationListener(url, self._received, on_reconnect=self._reconnected)

    def start(self) -> LiveChanges:
        self.listener.start()
        return self

    def wait_until_listening(self, timeout: float = 10.0) -> bool:
        return self.listener.wait_until_listening(timeout)

    @property
    def listening(self) -> bool:
        """True while other coders' changes reach this project (False while connecting or reconnecting)."""
        return self.listener.listening

    def stop(self, timeout: float = 1.0) -> None:
        """Stop listening; waits at most `timeout` (a thread still connecting to a server that does not answer
        ends by itself, unheard, once libpq gives up)."""
        self.listener.stop(timeout)

    def _received(self, payload: str) -> None:
        sender, change = decode(payload)
        if sender != self.sender and not change.is_empty():
            self._deliver(change)

    def _reconnected(self) -> None:
        self._deliver(replace(EVERYTHING, initiator=REMOTE))

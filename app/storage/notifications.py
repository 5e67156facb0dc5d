"""PostgreSQL LISTEN/NOTIFY for a server project: send a payload inside a transaction, and listen for them.

`send` calls `pg_notify` in the caller's transaction, so the server delivers the payload only if, and when, that
transaction commits (never for a rolled-back action). `NotificationListener` keeps one dedicated connection on a
daemon thread, LISTENs on the channel and hands every payload to a callback (on that thread: the caller decides
how to get it to its own thread). When the connection drops it reconnects with a growing pause, then calls
`on_reconnect`, since whatever was sent meanwhile is lost. Payloads are strings; what they mean is the services'
business (app/services/live_changes.py). No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.storage import server

CHANNEL = "rapport_changes"
# PostgreSQL refuses a payload of 8000 bytes or more.
PAYLOAD_LIMIT_BYTES = 7999
POLL_S = 0.2  # how often the listening thread looks whether it was asked to stop
RECONNECT_PAUSES_S = (0.2, 0.5, 1.0, 2.0, 5.0)


def send(session: Session, payload: str) -> None:
    """Queue `payload` on the channel; delivered to listeners when the session's transaction commits."""
    if len(payload.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        raise ValueError("a notification payload must stay under 8000 bytes")
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


class NotificationListener:
    """Listens on the channel of one server database until `stop()`; `deliver(payload)` runs on its thread."""

    def __init__(
        self,
        url: str,
        deliver: Callable[[str], None],
        *,
        on_reconnect: Callable[[], None] | None = None,
        name: str = "rapport-listener",
    ) -> None:
        self.url = url
        self.deliver = deliver
        self.on_reconnect = on_reconnect
        self._stopping = threading.Event()
        self._listening = threading.Event()  # set while LISTEN is in force on a live connection
        self._connection: psycopg.Connection | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> NotificationListener:
        self._thread.start()
        return self

    def wait_until_listening(self, timeout: float = 10.0) -> bool:
        """True once LISTEN is in force (notifications committed from then on are delivered)."""
        return self._listening.wait(timeout)

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def drop_connection_for_test(self) -> None:
        """Close the connection under the thread, as a server restart or a network failure would."""
        connection = self._connection
        if connection is not None:
            connection.pgconn.finish()

    # -- the thread -----------------------------------------------------------------------------
    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                with server.connect(self.url, autocommit=True) as connection:
                    self._connection = connection
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    if failures and self.on_reconnect is not None:
                        self.on_reconnect()
                    failures = 0
                    self._listen(connection)
            except psycopg.Error:
                failures += 1
            finally:
                self._listening.clear()
                self._connection = None
            if not self._stopping.is_set() and failures:
                pause = RECONNECT_PAUSES_S[min(failures, len(RECONNECT_PAUSES_S)) - 1]
                self._stopping.wait(pause)

    def _listen(self, connection: psycopg.Connection) -> None:
        while not self._stopping.is_set():
            for notification in connection.notifies(timeout=POLL_S):
                self.deliver(notification.payload)
            if connection.closed or connection.broken:
                raise psycopg.OperationalError("the listening connection was closed")

"""No error message or log record carries a transcript's text (SQL parameters are hidden everywhere)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from app.services.project import Project
from app.storage.models import Document

SECRET = "Client: what happened that night is something I have never told anyone."


def test_a_failed_insert_shows_no_text_in_its_message_or_the_logs(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    with project.write() as session:
        session.add(Document(guid="g-1", name="d", text=SECRET, text_hash="h", kind="session"))
    with pytest.raises(IntegrityError) as caught, project.write() as session:
        session.add(Document(guid="g-1", name="d2", text=SECRET, text_hash="h", kind="session"))
    assert "never told" not in str(caught.value)
    assert "never told" not in caplog.text

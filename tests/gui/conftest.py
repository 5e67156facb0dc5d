"""GUI fixtures shared by every GUI test: a small but real study in a real project file, and an AppContext on it.

`study` is tests/study_presets.small_study: two dyads (one a triad with an interpreter), session transcripts and
recall interviews in several perspectives, a three-level codebook, two coders and codings by both. Built with the
real services (once per test process, then copied into each test's project file: tests/study_templates.py), so GUI
tests exercise the same code paths as the application.
"""

from __future__ import annotations

import pytest

from tests.study_presets import small_study


@pytest.fixture
def study(project):
    """The project fixture filled with the small study; `study.project` is the open Project."""
    return small_study(project)


@pytest.fixture
def context(study, qtbot):
    """An AppContext on the small study, with Anna as the active coder. The undo stack is cleared afterwards
    (its commands refer to the project, which closes when the test ends)."""
    from app.ui.context import AppContext

    ctx = AppContext()
    ctx.set_project(study.project)
    ctx.set_active_coder(study.coders["anna"])
    yield ctx
    ctx.undo_stack.clear()
    ctx.project = None  # the `project` fixture closes the file itself


@pytest.fixture(autouse=True)
def _nobody_answers_who_is_coding(monkeypatch):
    """The real "Who is coding?" prompt is modal: tests that reach it answer through their own stub."""
    from app.ui import coder_choice

    monkeypatch.setattr(coder_choice, "ask_name", lambda parent, title="": None)

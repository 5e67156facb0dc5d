"""GUI fixtures shared by every GUI test: a small but real study in a real project file, and an AppContext on it.

`study_project` holds two dyads (one a triad with an interpreter), session transcripts and recall interviews
in every perspective, a three-level codebook, two coders and codings by both. Built with the real services, so
GUI tests exercise the same code paths as the application.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

SESSION = (
    "[00:00:05] Therapist: Welcome back. How have the last two weeks been?\n"
    "[00:00:11] Client: Honestly hard. I felt safe here, though, and I wasn't sure I could come today.\n"
    "[00:00:40] Therapist: I'm glad you came. It sounds like last session stayed with you.\n"
    "[00:01:15] Client: It did. Trust takes time.\n"
)
RECALL = (
    "[00:00:02] Researcher: What were you thinking here? [video 00:00:40]\n"
    "[00:00:09] Client: That she really wanted me to come back. That mattered.\n"
)
TRIAD = (
    "[00:00:03] Therapist: Can you tell her I am here to listen?\n"
    "[00:00:07] Interpreter: She says she is here to listen to you.\n"
    "[00:00:12] Client: Thank you. That helps.\n"
)


def build_study(project) -> SimpleNamespace:
    """Fill a project with the small study described above; returns ids by readable names."""
    from app.services import codebook, coding
    from app.services.importing import DocumentMeta, import_text

    def add(name: str, text: str, dyad: str, session: int, perspective: str, kind: str) -> int:
        meta = DocumentMeta(dyad=dyad, session=session, perspective=perspective, kind=kind)
        return import_text(project, name=name, text=text, meta=meta).id

    docs = {
        "d01_s1": add("D01 session 1", SESSION, "D01", 1, "therapist", "session"),
        "d01_s1_client_recall": add("D01 session 1 client recall", RECALL, "D01", 1, "client", "recall"),
        "d01_s2": add("D01 session 2", SESSION, "D01", 2, "therapist", "session"),
        "d02_s1": add("D02 session 1", TRIAD, "D02", 1, "interpreter", "session"),
    }
    alliance = codebook.add_code(project, "Alliance", color="#2e86de", definition="The working relationship")
    trust = codebook.add_code(project, "Trust", parent=alliance.id, color="#27ae60")
    safety = codebook.add_code(project, "Safety", parent=trust.id, color="#16a085")
    rupture = codebook.add_code(project, "Rupture", color="#c0392b")
    repair = codebook.add_code(project, "Repair", color="#e67e22")
    codes = {"alliance": alliance.id, "trust": trust.id, "safety": safety.id, "rupture": rupture.id,
             "repair": repair.id}  # fmt: skip
    anna = coding.ensure_coder(project, "Anna")
    ben = coding.ensure_coder(project, "Ben")

    def spec(doc: str, code: str, words: str, text: str = SESSION) -> coding.CodingSpec:
        start = text.index(words)
        return coding.CodingSpec(docs[doc], codes[code], start, start + len(words))

    coding.add_codings(project, [spec("d01_s1", "trust", "Trust takes time"),
                                 spec("d01_s1", "safety", "I felt safe here"),
                                 spec("d01_s2", "trust", "Trust takes time")], anna)  # fmt: skip
    coding.add_codings(project, [spec("d01_s1", "trust", "Trust takes time"),
                                 spec("d01_s1", "rupture", "Honestly hard")], ben)  # fmt: skip
    return SimpleNamespace(docs=docs, codes=codes, coders={"anna": anna, "ben": ben})


@pytest.fixture
def study(project):
    """The project fixture filled with the small study; `study.project` is the open Project."""
    ids = build_study(project)
    ids.project = project
    return ids


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

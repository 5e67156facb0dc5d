"""Blind coding reaches search: "coded with" counts only the chosen coder's codings when one is given."""

from __future__ import annotations

import pytest

from app.services import search
from app.services.project import Project
from tests.study import StudyBuilder

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

TEXT = "Client: I trust her now.\nClient: I did not trust anyone then.\n"


def test_coded_with_can_be_limited_to_one_coder(project: Project) -> None:
    built = (
        StudyBuilder(project)
        .document("d", TEXT, dyad="D1", kind="recall")
        .code("Trust")
        .coder("Ana")
        .coder("Ben")
        .coding("d", "Trust", "I trust her now.", coder="Ana")
        .coding("d", "Trust", "I did not trust anyone then.", coder="Ben")
        .study
    )
    ana = built.coders["Ana"]

    everyone = search.search(project, "trust", coded_with="Trust")
    only_ana = search.search(project, "trust", coded_with="Trust", coder=ana)
    not_ana = search.search(project, "trust", not_coded_with="Trust", coder=ana)
    assert everyone.total == 2
    assert [h.start for h in only_ana.hits] == [0]
    assert [TEXT[h.start : h.end].startswith("Client: I did not") for h in not_ana.hits] == [True]

"""Blind coding reaches search: "coded with" counts only the chosen coder's codings when one is given."""

from __future__ import annotations

import pytest

from app.services import codebook, coding, search
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

TEXT = "Client: I trust her now.\nClient: I did not trust anyone then.\n"


def test_coded_with_can_be_limited_to_one_coder(project: Project) -> None:
    doc = import_text(project, name="d", text=TEXT, meta=DocumentMeta(dyad="D1", kind="recall")).id
    trust = codebook.add_code(project, "Trust").id
    ana, ben = coding.ensure_coder(project, "Ana"), coding.ensure_coder(project, "Ben")
    first = TEXT.index("I trust her now.")
    second = TEXT.index("I did not trust anyone then.")
    coding.add_codings(project, [coding.CodingSpec(doc, trust, first, first + 16)], ana)
    coding.add_codings(project, [coding.CodingSpec(doc, trust, second, second + 28)], ben)

    everyone = search.search(project, "trust", coded_with="Trust")
    only_ana = search.search(project, "trust", coded_with="Trust", coder=ana)
    not_ana = search.search(project, "trust", not_coded_with="Trust", coder=ana)
    assert everyone.total == 2
    assert [h.start for h in only_ana.hits] == [0]
    assert [TEXT[h.start : h.end].startswith("Client: I did not") for h in not_ana.hits] == [True]

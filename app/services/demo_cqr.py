"""The demo study's CQR examples (`study.json`, "cqr"): core ideas resting on coded excerpts, and an auditor's
comments with the team's answers. Excerpts are named by document file stem and the exact coded text, so a
change to the codings that loses one stops the demo build with a message, like a lost quote does."""

from __future__ import annotations

from typing import Any

from app.domain.errors import InvalidInput
from app.services import codebook, coding, cqr, cqr_audit
from app.services.project import Project


class DemoCqrError(InvalidInput):
    """The demo's CQR examples name a coding, code or core idea that the demo does not have."""


def add_cqr_examples(project: Project, data: dict[str, Any], documents: dict[str, int]) -> None:
    """`documents` maps each demo file stem to its document id."""
    codings: dict[tuple[int, str], int] = {}
    for view in coding.list_codings(project):
        codings.setdefault((view.document_id, view.text), view.id)
    codes = {c.path.casefold(): c.id for c in codebook.list_codes(project)}

    def coding_id(stem: str, text: str) -> int:
        found = codings.get((documents.get(stem, -1), text))
        if found is None:
            raise DemoCqrError(f"study.json, cqr: {stem} has no coding of exactly {text[:60]!r}.")
        return found

    for idea in data.get("core_ideas", []):
        excerpts = [coding_id(stem, text) for stem, text in idea.get("excerpts", [])]
        cqr.save_core_idea(
            project, idea["dyad"], idea.get("perspective"), idea["domain"], idea["text"], excerpts,
            idea.get("author"),
        )  # fmt: skip
    ideas = cqr.core_idea_grid(project, "dyad").ideas
    for entry in data.get("audit", []):
        ((target, what),) = entry["on"].items()
        if target == "core_idea":
            dyad, domain = what
            found = [
                i
                for i in ideas.values()
                if i.case.dyad == dyad and i.domain_id == codes.get(domain.casefold())
            ]
            if not found:
                raise DemoCqrError(f"study.json, cqr: there is no core idea of {dyad} in {domain}.")
            target_id = found[0].id
        elif what.casefold() in codes:
            target_id = codes[what.casefold()]
        else:
            raise DemoCqrError(f"study.json, cqr: the audit comment names an unknown code {what!r}.")
        comment = cqr_audit.add_comment(project, target, target_id, entry["text"], entry.get("auditor", ""))
        for answer in entry.get("answers", []):
            cqr_audit.answer_comment(
                project, comment, answer["decision"], answer.get("text", ""), answer.get("author", "")
            )

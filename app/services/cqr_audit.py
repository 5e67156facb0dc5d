"""CQR auditing: an auditor comments on a domain, a category, a core idea or a coding; the team answers each
comment (accepted, changed, or kept with a reason). Every answer is kept: the latest one is the comment's
status, all of them together are the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.errors import InvalidInput, NotFound
from app.services.changes import Change
from app.services.project import Project
from app.storage.models import (
    CQR_AUDIT_TARGETS,
    CQR_DECISIONS,
    Code,
    Coding,
    CqrAuditAnswer,
    CqrAuditComment,
    CqrCoreIdea,
    Document,
    Dyad,
)
from app.storage.queries import cqr as queries

OPEN = "open"


@dataclass(frozen=True)
class Answer:
    id: int
    decision: str
    text: str
    author: str
    at: datetime


@dataclass(frozen=True)
class Comment:
    id: int
    target: str
    target_id: int | None  # None once the target was deleted; `about` still says what it was
    about: str
    auditor: str
    text: str
    at: datetime
    answers: tuple[Answer, ...]

    @property
    def status(self) -> str:
        return self.answers[-1].decision if self.answers else OPEN


def _describe(session, target: str, target_id: int) -> str:
    if target in ("domain", "category"):
        code = session.get(Code, target_id)
        if code is None:
            raise NotFound(f"There is no code {target_id} to comment on.")
        if (target == "domain") != (code.parent_id is None):
            kind = "a domain (top-level code)" if target == "domain" else "a category (sub-code)"
            raise InvalidInput(f"{code.name} is not {kind}.")
        return f"{target} {code.name}"
    if target == "core_idea":
        idea = session.get(CqrCoreIdea, target_id)
        if idea is None:
            raise NotFound(f"There is no core idea {target_id} to comment on.")
        dyad = session.get(Dyad, idea.dyad_id)
        domain = session.get(Code, idea.domain_id)
        case = f"{dyad.name} {idea.perspective}".strip()
        return f"core idea of {case} in {domain.name}"
    coding = session.get(Coding, target_id)
    if coding is None:
        raise NotFound(f"There is no coding {target_id} to comment on.")
    document = session.get(Document, coding.document_id)
    code = session.get(Code, coding.code_id)
    return f"coding {coding.id} ({code.name}) in {document.name}: “{document.text[coding.start : coding.end][:80]}”"


def add_comment(project: Project, target: str, target_id: int, text: str, auditor: str = "") -> int:
    """An auditor's comment; returns its id."""
    if target not in CQR_AUDIT_TARGETS:
        raise InvalidInput(f"An audit comment is about one of: {', '.join(CQR_AUDIT_TARGETS)}.")
    if not text.strip():
        raise InvalidInput("An audit comment needs some text.")
    with project.write() as session:
        about = _describe(session, target, target_id)
        column = {"domain": "code_id", "category": "code_id"}.get(target, f"{target}_id")
        comment = CqrAuditComment(
            target=target,
            target_label=about,
            auditor=auditor.strip(),
            text=text.strip(),
            **{column: target_id},
        )
        session.add(comment)
        session.flush()
        comment_id = comment.id
    project.notify(Change(cqr=True))
    return comment_id


def delete_comment(project: Project, comment_id: int) -> None:
    """Remove a comment and its answers (undo of `add_comment`)."""
    _delete(project, CqrAuditComment, comment_id, "audit comment")


def _delete(project: Project, model: type, row_id: int, what: str) -> None:
    with project.write() as session:
        row = session.get(model, row_id)
        if row is None:
            raise NotFound(f"There is no {what} {row_id}.")
        session.delete(row)
    project.notify(Change(cqr=True))


def answer_comment(project: Project, comment_id: int, decision: str, text: str = "", author: str = "") -> int:
    """The team's answer; `kept` needs a reason. Returns the answer's id."""
    if decision not in CQR_DECISIONS:
        raise InvalidInput(f"Answer an audit comment with one of: {', '.join(CQR_DECISIONS)}.")
    if decision == "kept" and not text.strip():
        raise InvalidInput("Keeping something the auditor questioned needs a reason.")
    with project.write() as session:
        if session.get(CqrAuditComment, comment_id) is None:
            raise NotFound(f"There is no audit comment {comment_id}.")
        answer = CqrAuditAnswer(
            comment_id=comment_id, decision=decision, text=text.strip(), author=author.strip()
        )
        session.add(answer)
        session.flush()
        answer_id = answer.id
    project.notify(Change(cqr=True))
    return answer_id


def delete_answer(project: Project, answer_id: int) -> None:
    """Withdraw an answer (undo of `answer_comment`)."""
    _delete(project, CqrAuditAnswer, answer_id, "audit answer")


def list_comments(project: Project) -> list[Comment]:
    """Every audit comment with its answers, oldest first: the audit trail."""
    with project.read() as session:
        answers: dict[int, list[Answer]] = {}
        for a in queries.audit_answers(session):
            answers.setdefault(a.comment_id, []).append(
                Answer(a.id, a.decision, a.text, a.author, a.created_at)
            )
        comments = []
        for c in queries.audit_comments(session):
            target_id = c.code_id if c.target in ("domain", "category") else getattr(c, f"{c.target}_id")
            comments.append(
                Comment(
                    c.id, c.target, target_id, c.target_label, c.auditor, c.text, c.created_at,
                    tuple(answers.get(c.id, ())),
                )
            )  # fmt: skip
    return comments


def trail_json(comments: list[Comment]) -> list[dict[str, object]]:
    return [
        {
            "id": c.id, "target": c.target, "target_id": c.target_id, "about": c.about, "auditor": c.auditor,
            "comment": c.text, "at": c.at.isoformat(timespec="seconds"), "status": c.status,
            "answers": [
                {"decision": a.decision, "text": a.text, "author": a.author, "at": a.at.isoformat(timespec="seconds")}
                for a in c.answers
            ],
        }
        for c in comments
    ]  # fmt: skip

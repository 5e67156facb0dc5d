"""A small but complete study for exchange tests: two dyads, sessions, participants with attributes, a
session transcript and recall interviews (with an emoji, to catch position drift), a two-level codebook with
all four fields, two coders' codings (one range coded by both), memos on every kind of target, and a set.

Rows are written through `project.write()` with the models (real storage), so that the study can hold what
the services would refuse or tidy (a memo on every kind of target, timestamps of our choosing).
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.services import study
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project
from app.storage import models as m

SESSION_TEXT = (
    "Therapist: Welcome back. How was your week?\n"
    "Client: Honestly 😅 it was hard. I almost didn't come.\n"
    "Therapist: I'm glad you did come. What made it hard?\n"
    "Client: I felt you didn't get me last time.\n"
)
RECALL_TEXT = (
    "Researcher: What were you thinking here? [video 00:01:05]\n"
    "Client: I was testing whether she would judge me.\n"
    "Researcher: And here? [video 00:02:10]\n"
    "Client: That was when I started to trust her 🙂 a bit.\n"
)
THERAPIST_RECALL = "Researcher: What did you notice? [video 00:01:05]\nTherapist: A rupture, I think.\n"


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build_study(project: Project) -> dict[str, int]:
    """Fill `project`; returns ids of the things tests look at."""
    session_doc = import_text(
        project,
        name="D01 session 1",
        text=SESSION_TEXT,
        meta=DocumentMeta(dyad="D01", session=1, perspective="client", kind="session"),
    )
    recall = import_text(
        project,
        name="D01 recall client",
        text=RECALL_TEXT,
        meta=DocumentMeta(dyad="D01", session=1, perspective="client", kind="recall", participant="C01"),
    )
    import_text(
        project,
        name="D02 recall therapist",
        text=THERAPIST_RECALL,
        meta=DocumentMeta(dyad="D02", session=2, perspective="therapist", kind="recall"),
    )
    study.add_participant(project, "T01", "therapist", "D01")
    study.add_participant(project, "C01", "client", "D01")
    study.set_participant_attributes(project, "C01", {"age": 34, "gender": "female"})
    study.set_participant_attributes(project, "T01", {"years of practice": 12, "cbt": True})
    study.set_dyad_attributes(project, "D01", {"outcome": "good", "alliance score": 5.5})
    ids: dict[str, int] = {"session_doc": session_doc.id, "recall": recall.id}
    with project.write() as s:
        alice = m.Coder(name="Alice", color="#aa3377")
        bob = m.Coder(name="Bob", color="#228833")
        s.add_all([alice, bob])
        alliance = m.Code(name="Alliance", color="#4477aa", definition="The bond and agreement.", position=1)
        s.add(alliance)
        s.flush()
        trust = m.Code(
            name="Trust",
            parent_id=alliance.id,
            color="#66ccee",
            definition="The client voices confidence in the therapist.\nSecond line.",
            inclusion="Explicit statements of trust.",
            exclusion="Politeness alone.\n\nExample:\nnot a heading",
            example='"I started to trust her"',
            position=1,
            shortcut=1,
        )
        rupture = m.Code(name="Rupture", parent_id=alliance.id, color="#ee6677", position=2)
        other = m.Code(name="Other", color="#bbbbbb", position=2, codable=False)
        s.add_all([trust, rupture, other])
        s.flush()
        doc_text = SESSION_TEXT
        codings = [
            m.Coding(
                document_id=session_doc.id,
                code_id=rupture.id,
                coder_id=alice.id,
                start=span(doc_text, "I felt you didn't get me last time.")[0],
                end=span(doc_text, "I felt you didn't get me last time.")[1],
            ),
            m.Coding(
                document_id=session_doc.id,
                code_id=rupture.id,
                coder_id=bob.id,
                start=span(doc_text, "it was hard")[0],
                end=span(doc_text, "it was hard")[1],
            ),
            m.Coding(
                document_id=session_doc.id,
                code_id=rupture.id,
                coder_id=alice.id,
                start=span(doc_text, "it was hard")[0],
                end=span(doc_text, "it was hard")[1],
            ),
            m.Coding(
                document_id=recall.id,
                code_id=trust.id,
                coder_id=alice.id,
                start=span(RECALL_TEXT, "I started to trust her 🙂 a bit")[0],
                end=span(RECALL_TEXT, "I started to trust her 🙂 a bit")[1],
            ),
        ]
        s.add_all(codings)
        s.flush()
        dyad = s.scalars(select(m.Dyad).where(m.Dyad.name == "D01")).one()
        start, end = span(RECALL_TEXT, "testing whether she would judge me")
        s.add_all(
            [
                m.Memo(target="project", title="Study memo", text="Overall impressions.", author_id=alice.id),
                m.Memo(target="code", code_id=trust.id, title="Trust memo", text="Watch for irony."),
                m.Memo(
                    target="coding",
                    coding_id=codings[0].id,
                    text="Rupture named directly.",
                    author_id=alice.id,
                ),
                m.Memo(
                    target="document", document_id=recall.id, title="Whole recall", text="Calm interview."
                ),
                m.Memo(
                    target="document",
                    document_id=recall.id,
                    start=start,
                    end=end,
                    text="Testing = early trust work.",
                ),
                m.Memo(target="dyad", dyad_id=dyad.id, title="Dyad memo", text="Fast alliance."),
            ]
        )
        code_set = m.CodeSet(name="Alliance themes", description="For the paper")
        s.add(code_set)
        s.flush()
        s.add_all(
            [
                m.SetMember(set_id=code_set.id, code_id=trust.id),
                m.SetMember(set_id=code_set.id, code_id=rupture.id),
                m.SetMember(set_id=code_set.id, document_id=recall.id),
            ]
        )
        ids.update(trust=trust.id, rupture=rupture.id, alice=alice.id, bob=bob.id)
    return ids


def counts(project: Project) -> dict[str, int]:
    with project.read() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                m.Document,
                m.Turn,
                m.Code,
                m.Coding,
                m.Coder,
                m.Memo,
                m.Dyad,
                m.Participant,
                m.DyadMember,
                m.AttributeDefinition,
                m.AttributeValue,
                m.Session,
                m.CodeSet,
                m.SetMember,
            )
        }

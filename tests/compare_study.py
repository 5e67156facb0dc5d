"""A small dual-perspective study with known answers, shared by the comparison tests (unit, CLI, GUI).

Dyad D01, sessions 1 and 2. Session 1 has a transcript (no perspective), a client recall interview and a
therapist recall interview whose turns carry `[video ...]` references; session 2 has a client recall only.
Everything goes through the real services: import, codebook and coding; only the
session's media path is set directly on its row (no service sets it yet).

Known answers (all sessions, every coder):
* Trust (child of Alliance): client 2 codings (two coders, overlapping: "did not trust her" and "trust her
  yet", union "did not trust her yet" = 5 words) in 1 document at video 00:00:12 (inherited from the
  researcher's marker one turn earlier); therapist 1 coding ("I felt no trust yet" = 5 words) at 00:00:20.
  -> a shared moment at 12 000 ms within 30 s, none with an 5 s window.
* Competence: therapist only (1 coding, "I felt competent" = 3 words) -> one-sided (therapist).
* Rupture: client only: session 1 at 00:05:00 ("That was relief" = 3 words) and session 2 (1 coding).
* Alliance: rolls up Trust (client 2 codings, therapist 1).
"""

from __future__ import annotations

from app.services.codebook import add_code
from app.services.coding import CodingSpec, add_codings, ensure_coder
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project
from app.services.study import set_dyad_attributes
from app.storage.models import Document
from app.storage.models import Session as StudySession

SESSION_1 = (
    "[00:00:05] Therapist: Welcome back. How has your week been?\n"
    "[00:00:12] Client: Hard. I almost did not come today.\n"
    "[00:01:40] Therapist: I am glad you came.\n"
)
CLIENT_RECALL_1 = (
    "Researcher: [video 00:00:12] What were you thinking here?\n"
    "Client: I did not trust her yet.\n"
    "Researcher: And then?\n"
    "Client: She seemed to really listen.\n"
    "Researcher: [video 00:05:00] Here you laughed.\n"
    "Client: That was relief.\n"
)
THERAPIST_RECALL_1 = (
    "Researcher: [video 00:00:20] What did you notice?\n"
    "Therapist: She was guarded, I felt no trust yet.\n"
    "Researcher: [video 00:04:00] And here?\n"
    "Therapist: I felt competent.\n"
)
CLIENT_RECALL_2 = "Researcher: [video 00:02:00] What happened here?\nClient: We argued about the homework.\n"

# Words per document with the documented tokenizer, counted by hand:
CLIENT_WORDS = 38 + 14  # recall 1 (38) + recall 2 (14)
CLIENT_WORDS_SESSION_1 = 38
THERAPIST_WORDS = 29


class Study:
    """Ids of what `build_study` created."""

    def __init__(self) -> None:
        self.documents: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.codings: dict[str, int] = {}
        self.texts: dict[str, str] = {}


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build_study(project: Project, *, media_path: str | None = None) -> Study:
    study = Study()
    for key, name, text, meta in [
        ("s1", "D01 session 1", SESSION_1, DocumentMeta(dyad="D01", session=1, kind="session")),
        (
            "c1",
            "D01 s1 client recall",
            CLIENT_RECALL_1,
            DocumentMeta(dyad="D01", session=1, perspective="client", kind="recall"),
        ),
        (
            "t1",
            "D01 s1 therapist recall",
            THERAPIST_RECALL_1,
            DocumentMeta(dyad="D01", session=1, perspective="therapist", kind="recall"),
        ),
        (
            "c2",
            "D01 s2 client recall",
            CLIENT_RECALL_2,
            DocumentMeta(dyad="D01", session=2, perspective="client", kind="recall"),
        ),
    ]:
        study.documents[key] = import_text(project, name=name, text=text, meta=meta).id
    with project.write() as session:
        for key, doc_id in study.documents.items():
            study.texts[key] = session.get(Document, doc_id).text
        if media_path is not None:
            first = session.get(Document, study.documents["s1"]).session_id
            session.get(StudySession, first).media_path = media_path
    ana, ben = ensure_coder(project, "Ana"), ensure_coder(project, "Ben")
    alliance = add_code(project, "Alliance", color="#4477aa").id
    study.codes = {
        "Alliance": alliance,
        "Trust": add_code(project, "Trust", parent=alliance, color="#66ccee").id,
        "Rupture": add_code(project, "Rupture", color="#ee6677").id,
        "Competence": add_code(project, "Competence", color="#228833").id,
        "Humour": add_code(project, "Humour", color="#ccbb44").id,
    }
    plan = [
        ("trust_c_ana", "c1", "did not trust her", "Trust", ana),
        ("trust_c_ben", "c1", "trust her yet", "Trust", ben),
        ("trust_t", "t1", "I felt no trust yet", "Trust", ana),
        ("competence_t", "t1", "I felt competent", "Competence", ana),
        ("rupture_c1", "c1", "That was relief", "Rupture", ana),
        ("rupture_c2", "c2", "We argued", "Rupture", ana),
        ("transcript", "s1", "I almost did not come today", "Rupture", ana),
    ]
    for key, doc, phrase, code, coder in plan:
        start, end = _span(study.texts[doc], phrase)
        spec = CodingSpec(document_id=study.documents[doc], code_id=study.codes[code], start=start, end=end)
        study.codings[key] = add_codings(project, [spec], coder)[0].id
    return study


def add_dyad(
    project: Project, name: str, outcome: str | None, codes: dict[str, int], plan: dict[str, list[str]]
) -> None:
    """Another dyad with one client and one therapist recall; `plan` maps perspective -> code names coded."""
    ids = {}
    for perspective in ("client", "therapist"):
        text = f"Researcher: [video 00:01:00] Tell me.\n{perspective.title()}: Something about this moment.\n"
        ids[perspective] = import_text(
            project,
            name=f"{name} {perspective} recall",
            text=text,
            meta=DocumentMeta(dyad=name, session=1, perspective=perspective, kind="recall"),
        ).id
    coder = ensure_coder(project, "Ana")
    specs = [
        CodingSpec(document_id=ids[perspective], code_id=codes[code_name], start=0, end=10)
        for perspective, names in plan.items()
        for code_name in names
    ]
    if specs:
        add_codings(project, specs, coder)
    if outcome is not None:
        set_dyad_attributes(project, name, {"outcome": outcome})

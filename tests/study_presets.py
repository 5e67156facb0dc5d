"""The named studies tests need, each built with tests/study.py's StudyBuilder, with their known answers.

* `small_study`: the GUI tests' study: two dyads (one a triad with an interpreter), sessions and a recall in
  several perspectives, a three-level codebook, two coders (Anna, Ben) and codings by both.
* `comparison_study` (+ `add_outcome_dyad`): one dyad seen from the client's and the therapist's recall
  interviews, with known shared moments, one-sided codes and word counts (the comparison tests).
* `cqr_study`: six dyads in two outcome groups with known CQR frequency labels (the CQR tests).
* `exchange_study`: everything REFI-QDA and CSV exchange carry: participants with attributes, an emoji in the
  text, a two-level codebook with every field, memos on every kind of target, a set (the exchange tests).
* `agreement_study`: two coders' codings on three documents with hand-counted agreement (the agreement tests).
* `rating_study`: one document a unit and coders' ratings from a published table (the code-set agreement tests).

Each is built through the services once per test process and arguments, then copied into every new project file
that asks for it (tests/study_templates.py); a server project, or one that holds something already, builds fresh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select

from app.services.project import Project
from tests.study import Study, StudyBuilder
from tests.study_templates import template

# -- small_study ----------------------------------------------------------------------------------------

SMALL_SESSION = (
    "[00:00:05] Therapist: Welcome back. How have the last two weeks been?\n"
    "[00:00:11] Client: Honestly hard. I felt safe here, though, and I wasn't sure I could come today.\n"
    "[00:00:40] Therapist: I'm glad you came. It sounds like last session stayed with you.\n"
    "[00:01:15] Client: It did. Trust takes time.\n"
)
SMALL_RECALL = (
    "[00:00:02] Researcher: What were you thinking here? [video 00:00:40]\n"
    "[00:00:09] Client: That she really wanted me to come back. That mattered.\n"
)
SMALL_TRIAD = (
    "[00:00:03] Therapist: Can you tell her I am here to listen?\n"
    "[00:00:07] Interpreter: She says she is here to listen to you.\n"
    "[00:00:12] Client: Thank you. That helps.\n"
)


@template
def small_study(project: Project) -> Study:
    """Documents d01_s1, d01_s1_client_recall, d01_s2, d02_s1; codes alliance > trust > safety, rupture,
    repair; coders anna and ben. Anna codes trust (twice) and safety, Ben trust and rupture."""
    return (
        StudyBuilder(project)
        .document("d01_s1", SMALL_SESSION, name="D01 session 1", dyad="D01", session=1,
                  perspective="therapist", kind="session")
        .document("d01_s1_client_recall", SMALL_RECALL, name="D01 session 1 client recall", dyad="D01",
                  session=1, perspective="client", kind="recall")
        .document("d01_s2", SMALL_SESSION, name="D01 session 2", dyad="D01", session=2, perspective="therapist",
                  kind="session")
        .document("d02_s1", SMALL_TRIAD, name="D02 session 1", dyad="D02", session=1, perspective="interpreter",
                  kind="session")
        .code("alliance", "Alliance", color="#2e86de", definition="The working relationship")
        .code("trust", "Trust", parent="alliance", color="#27ae60")
        .code("safety", "Safety", parent="trust", color="#16a085")
        .code("rupture", "Rupture", color="#c0392b")
        .code("repair", "Repair", color="#e67e22")
        .coder("anna", "Anna")
        .coder("ben", "Ben")
        .coding("d01_s1", "trust", "Trust takes time", coder="anna")
        .coding("d01_s1", "safety", "I felt safe here", coder="anna")
        .coding("d01_s2", "trust", "Trust takes time", coder="anna")
        .coding("d01_s1", "trust", "Trust takes time", coder="ben")
        .coding("d01_s1", "rupture", "Honestly hard", coder="ben")
        .study
    )  # fmt: skip


# -- comparison_study ------------------------------------------------------------------------------------

COMPARE_SESSION_1 = (
    "[00:00:05] Therapist: Welcome back. How has your week been?\n"
    "[00:00:12] Client: Hard. I almost did not come today.\n"
    "[00:01:40] Therapist: I am glad you came.\n"
)
COMPARE_CLIENT_RECALL_1 = (
    "Researcher: [video 00:00:12] What were you thinking here?\n"
    "Client: I did not trust her yet.\n"
    "Researcher: And then?\n"
    "Client: She seemed to really listen.\n"
    "Researcher: [video 00:05:00] Here you laughed.\n"
    "Client: That was relief.\n"
)
COMPARE_THERAPIST_RECALL_1 = (
    "Researcher: [video 00:00:20] What did you notice?\n"
    "Therapist: She was guarded, I felt no trust yet.\n"
    "Researcher: [video 00:04:00] And here?\n"
    "Therapist: I felt competent.\n"
)
COMPARE_CLIENT_RECALL_2 = (
    "Researcher: [video 00:02:00] What happened here?\nClient: We argued about the homework.\n"
)

# Words per document with the documented tokenizer, counted by hand:
COMPARE_CLIENT_WORDS = 38 + 14  # recall 1 (38) + recall 2 (14)
COMPARE_CLIENT_WORDS_SESSION_1 = 38
COMPARE_THERAPIST_WORDS = 29


def comparison_study(project: Project, *, media_path: str | None = None) -> Study:
    """Dyad D01: s1 a session transcript (no perspective), c1 and t1 the client's and therapist's recalls of
    session 1 (turns carrying `[video ...]`), c2 a client recall of session 2. Coders Ana and Ben.

    Known answers (all sessions, every coder):
    * Trust (child of Alliance): client 2 codings (two coders, overlapping: "did not trust her" and "trust
      her yet", union "did not trust her yet" = 5 words) in 1 document at video 00:00:12 (inherited from the
      researcher's marker one turn earlier); therapist 1 coding ("I felt no trust yet" = 5 words) at
      00:00:20 -> a shared moment at 12 000 ms within 30 s, none with a 5 s window.
    * Competence: therapist only (1 coding, "I felt competent" = 3 words) -> one-sided (therapist).
    * Rupture: client only: session 1 at 00:05:00 ("That was relief" = 3 words) and session 2 (1 coding).
    * Alliance: rolls up Trust (client 2 codings, therapist 1).

    The session video (`media_path`) is set last, on the study built (and copied) without it.
    """
    study = _comparison_without_video(project)
    if media_path is not None:
        StudyBuilder(project, study).video("D01", 1, media_path)
    return study


@template
def _comparison_without_video(project: Project) -> Study:
    return (
        StudyBuilder(project)
        .document("s1", COMPARE_SESSION_1, name="D01 session 1", dyad="D01", session=1, kind="session")
        .document("c1", COMPARE_CLIENT_RECALL_1, name="D01 s1 client recall", dyad="D01", session=1,
                  perspective="client", kind="recall")
        .document("t1", COMPARE_THERAPIST_RECALL_1, name="D01 s1 therapist recall", dyad="D01", session=1,
                  perspective="therapist", kind="recall")
        .document("c2", COMPARE_CLIENT_RECALL_2, name="D01 s2 client recall", dyad="D01", session=2,
                  perspective="client", kind="recall")
        .coder("Ana").coder("Ben")
        .code("Alliance", color="#4477aa")
        .code("Trust", parent="Alliance", color="#66ccee")
        .code("Rupture", color="#ee6677")
        .code("Competence", color="#228833")
        .code("Humour", color="#ccbb44")
        .coding("c1", "Trust", "did not trust her", coder="Ana", key="trust_c_ana")
        .coding("c1", "Trust", "trust her yet", coder="Ben", key="trust_c_ben")
        .coding("t1", "Trust", "I felt no trust yet", coder="Ana", key="trust_t")
        .coding("t1", "Competence", "I felt competent", coder="Ana", key="competence_t")
        .coding("c1", "Rupture", "That was relief", coder="Ana", key="rupture_c1")
        .coding("c2", "Rupture", "We argued", coder="Ana", key="rupture_c2")
        .coding("s1", "Rupture", "I almost did not come today", coder="Ana", key="transcript")
        .study
    )  # fmt: skip


def add_outcome_dyad(study: Study, name: str, outcome: str | None, plan: Mapping[str, Sequence[str]]) -> None:
    """Another dyad with one client and one therapist recall; `plan` maps perspective -> code names Ana codes
    (the first ten characters of that recall); the dyad's `outcome` attribute is set when given."""
    build = StudyBuilder(study.project, study)
    for perspective in ("client", "therapist"):
        text = f"Researcher: [video 00:01:00] Tell me.\n{perspective.title()}: Something about this moment.\n"
        build.document((name, perspective), text, name=f"{name} {perspective} recall", dyad=name, session=1,
                       perspective=perspective, kind="recall")  # fmt: skip
    build.coder("Ana")
    for perspective, code_names in plan.items():
        for code_name in code_names:
            build.coding((name, perspective), code_name, span=(0, 10), coder="Ana")
    if outcome is not None:
        build.dyad_attributes(name, {"outcome": outcome})


# -- cqr_study ----------------------------------------------------------------------------------------------

CQR_TEXT = {
    "client": "Researcher: [video 00:01:00] What happened here?\nClient: I trust her. Then I pulled away. "
    "She understood me.\n",
    "therapist": "Researcher: [video 00:01:00] And here?\nTherapist: I trust the process. He pulled away. "
    "I was skilful.\n",
    "session": "[00:01:00] Therapist: You feel understood.\n[00:01:10] Client: Yes, understood.\n",
}
CQR_PHRASES = {
    "Trust": "trust",
    "Withdrawal": "pulled away",
    "Empathy": "understood",
    "Competence": "skilful",
}
CQR_CODINGS = [  # (coder, dyad, document kind, code)
    ("Ana", "D1", "client", "Trust"), ("Ana", "D2", "client", "Trust"), ("Ana", "D3", "client", "Trust"),
    ("Ana", "D1", "therapist", "Trust"), ("Ben", "D2", "therapist", "Trust"),
    ("Ana", "D4", "client", "Empathy"), ("Ana", "D1", "session", "Empathy"),
    *[("Ana", d, k, "Withdrawal") for d in ("D4", "D5", "D6") for k in ("client", "therapist")],
    ("Ana", "D1", "therapist", "Competence"),
]  # fmt: skip


@template
def cqr_study(project: Project) -> Study:
    """Six dyads with known CQR answers; documents keyed (dyad, kind), codings (dyad, kind, code).

    Codebook: Bond (Trust, Empathy), Rupture (Withdrawal), Competence. Dyads D1-D3 have outcome good, D4-D6
    outcome poor. Every dyad has a client recall and a therapist recall, except D3 (no therapist recall: no
    therapist case); D1 also has a session transcript (no perspective). Codings (Ana unless said): Trust:
    client D1 D2 D3, therapist D1 and D2 (Ben); Empathy: client D4 and D1's session transcript; Withdrawal:
    client and therapist D4 D5 D6; Competence: therapist D1.

    Known answers, all 6 dyads: Bond 4 typical, Trust 3 variant, Empathy 2 variant, Rupture and Withdrawal 3
    variant, Competence 1 (no label). By perspective (client 6 cases, therapist 5): Trust 3 variant / 2
    variant (1, no label, with Ana only), Withdrawal 3 variant / 3 typical. By outcome (3 and 3): Trust
    general / none, Bond general / none (1), Withdrawal none / general: all marked.
    """
    build = StudyBuilder(project)
    for number in range(1, 7):
        dyad = f"D{number}"
        kinds = ["client"] + ([] if dyad == "D3" else ["therapist"]) + (["session"] if dyad == "D1" else [])
        for kind in kinds:
            build.document((dyad, kind), CQR_TEXT[kind], name=f"{dyad} {kind}", dyad=dyad, session=1,
                           perspective=None if kind == "session" else kind,
                           kind="session" if kind == "session" else "recall")  # fmt: skip
        build.dyad_attributes(dyad, {"outcome": "good" if number <= 3 else "poor"})
    build.codes("Bond", "Rupture").codes("Trust", "Empathy", parent="Bond")
    build.codes("Withdrawal", parent="Rupture").codes("Competence").coder("Ana").coder("Ben")
    for coder, dyad, kind, code in CQR_CODINGS:
        build.coding((dyad, kind), code, CQR_PHRASES[code], coder=coder, key=(dyad, kind, code))
    return build.study


# -- exchange_study ---------------------------------------------------------------------------------------

EXCHANGE_SESSION = (
    "Therapist: Welcome back. How was your week?\n"
    "Client: Honestly 😅 it was hard. I almost didn't come.\n"
    "Therapist: I'm glad you did come. What made it hard?\n"
    "Client: I felt you didn't get me last time.\n"
)
EXCHANGE_RECALL = (
    "Researcher: What were you thinking here? [video 00:01:05]\n"
    "Client: I was testing whether she would judge me.\n"
    "Researcher: And here? [video 00:02:10]\n"
    "Client: That was when I started to trust her 🙂 a bit.\n"
)
EXCHANGE_THERAPIST_RECALL = (
    "Researcher: What did you notice? [video 00:01:05]\nTherapist: A rupture, I think.\n"
)


@template
def exchange_study(project: Project) -> Study:
    """Documents session_doc and recall (dyad D01, with participants C01 and T01 and their attributes) and
    therapist_recall (D02); codes alliance > trust (every field, shortcut 1), rupture; other (not codable);
    coders alice and bob (one range coded by both); memos on every kind of target; the set "Alliance themes"."""
    return (
        StudyBuilder(project)
        .document("session_doc", EXCHANGE_SESSION, name="D01 session 1", dyad="D01", session=1,
                  perspective="client", kind="session")
        .document("recall", EXCHANGE_RECALL, name="D01 recall client", dyad="D01", session=1,
                  perspective="client", kind="recall", participant="C01")
        .document("therapist_recall", EXCHANGE_THERAPIST_RECALL, name="D02 recall therapist", dyad="D02",
                  session=2, perspective="therapist", kind="recall")
        .participant("T01", "therapist", "D01")
        .participant("C01", "client", "D01", age=34, gender="female")
        .participant_attributes("T01", {"years of practice": 12, "cbt": True})
        .dyad_attributes("D01", {"outcome": "good", "alliance score": 5.5})
        .coder("alice", "Alice", color="#aa3377")
        .coder("bob", "Bob", color="#228833")
        .code("alliance", "Alliance", color="#4477aa", definition="The bond and agreement.")
        .code("trust", "Trust", parent="alliance", color="#66ccee", shortcut=1,
              definition="The client voices confidence in the therapist.\nSecond line.",
              inclusion="Explicit statements of trust.", exclusion="Politeness alone.\n\nExample:\nnot a heading",
              example='"I started to trust her"')
        .code("rupture", "Rupture", parent="alliance", color="#ee6677")
        .code("other", "Other", color="#bbbbbb", codable=False)
        .coding("session_doc", "rupture", "I felt you didn't get me last time.", coder="alice", key="named")
        .coding("session_doc", "rupture", "it was hard", coder="bob")
        .coding("session_doc", "rupture", "it was hard", coder="alice")
        .coding("recall", "trust", "I started to trust her 🙂 a bit", coder="alice")
        .memo("project", title="Study memo", text="Overall impressions.", author="alice")
        .memo("code", "trust", title="Trust memo", text="Watch for irony.")
        .memo("coding", "named", text="Rupture named directly.", author="alice")
        .memo("document", "recall", title="Whole recall", text="Calm interview.")
        .memo("document", "recall", phrase="testing whether she would judge me", text="Testing = early trust work.")
        .memo("dyad", "D01", title="Dyad memo", text="Fast alliance.")
        .refi_set("themes", "Alliance themes", description="For the paper", codes=["trust", "rupture"],
                  documents=["recall"])
        .study
    )  # fmt: skip


def row_counts(project: Project) -> dict[str, int]:
    """Rows per table of everything a study holds (to show an exchange or a refusal kept it all)."""
    from app.storage import models as m

    tables = (m.Document, m.Turn, m.Code, m.Coding, m.Coder, m.Memo, m.Dyad, m.Participant, m.DyadMember,
              m.AttributeDefinition, m.AttributeValue, m.Session, m.CodeSet, m.SetMember)  # fmt: skip
    with project.read() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0 for model in tables
        }


# -- agreement_study --------------------------------------------------------------------------------------

AGREEMENT_TEXTS = {
    1: "Client: I did not trust you at first. Therapist: What changed? Client: You listened.",
    2: "Therapist: She seemed guarded. Then we repaired the rupture together.",
    3: "Client: Nothing much happened today.",
}


@template
def agreement_study(project: Project) -> Study:
    """Documents 1-3 (AGREEMENT_TEXTS: D01 session 1 client and therapist, D02 session 2 client), codes
    Alliance > Trust, Rupture and an unused code, coders Ana and Ben; the codings by (start, end)."""
    build = StudyBuilder(project)
    for number, name, dyad, session, perspective in [
        (1, "D01 s1 client", "D01", 1, "client"),
        (2, "D01 s1 therapist", "D01", 1, "therapist"),
        (3, "D02 s2 client", "D02", 2, "client"),
    ]:
        build.document(number, AGREEMENT_TEXTS[number], name=name, dyad=dyad, session=session,
                       perspective=perspective)  # fmt: skip
    build.codes("Alliance").codes("Trust", "Rupture", parent="Alliance").codes("Unused")
    build.coder("Ana").coder("Ben")
    for document, code, coder, span in [
        (1, "Trust", "Ana", (8, 38)), (1, "Trust", "Ben", (8, 38)), (1, "Rupture", "Ana", (70, 83)),
        (2, "Rupture", "Ana", (31, 69)), (2, "Trust", "Ben", (31, 69)), (3, "Trust", "Ben", (8, 15)),
    ]:  # fmt: skip
        build.coding(document, code, span=span, coder=coder)
    return build.study


# -- rating_study -----------------------------------------------------------------------------------------

RATING_TEXT = "Therapist: How was that for you?\nClient: I felt you were not listening to me at all.\n"
RATED_SPAN = (34, 60)


@template
def rating_study(
    project: Project, table: Sequence[Sequence[int | None]], values: Sequence[str] = ("1", "2", "3", "4", "5")
) -> Study:
    """`table[coder][unit]`: the value (1-based rank of `values`) each coder gave document `unit`, or None.

    Documents "Doc 01"... (keyed 0, 1...) each one unit; the parent code "Intensity" with `values` as its
    sub-codes (not yet marked as a set); coders C1, C2... keyed by those names."""
    build = StudyBuilder(project)
    for unit in range(max(len(row) for row in table)):
        build.document(unit, RATING_TEXT, name=f"Doc {unit + 1:02d}")
    build.code("Intensity").codes(*values, parent="Intensity")
    for index, row in enumerate(table):
        build.coder(f"C{index + 1}")
        for unit, value in enumerate(row):
            if value is not None:
                build.coding(unit, values[value - 1], span=RATED_SPAN, coder=f"C{index + 1}")
    return build.study

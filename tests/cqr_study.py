"""A six-dyad study with known CQR answers, shared by the CQR tests (unit, CLI, GUI).

Codebook: Bond (Trust, Empathy), Rupture (Withdrawal), Competence. Dyads D1-D3 have outcome good, D4-D6
outcome poor. Every dyad has a client recall and a therapist recall, except D3 (no therapist recall: no
therapist case); D1 also has a session transcript (no perspective).

Codings (Ana unless said): Trust: client D1 D2 D3, therapist D1 and D2 (Ben); Empathy: client D4 and D1's
session transcript; Withdrawal: client and therapist D4 D5 D6; Competence: therapist D1.

Known answers, all 6 dyads: Bond 4 typical, Trust 3 variant, Empathy 2 variant, Rupture and Withdrawal 3 variant,
Competence 1 (no label). By perspective (client 6 cases, therapist 5): Trust 3 variant / 2 variant (1, no
label, with Ana only), Withdrawal 3 variant / 3 typical. By outcome (3 and 3): Trust general / none, Bond
general / none (1), Withdrawal none / general: all marked.
"""

from __future__ import annotations

from app.services.codebook import add_code
from app.services.coding import CodingSpec, add_codings, ensure_coder
from app.services.importing import DocumentMeta, import_text
from app.services.project import Project
from app.services.study import set_dyad_attributes

TEXT = {
    "client": "Researcher: [video 00:01:00] What happened here?\nClient: I trust her. Then I pulled away. "
    "She understood me.\n",
    "therapist": "Researcher: [video 00:01:00] And here?\nTherapist: I trust the process. He pulled away. "
    "I was skilful.\n",
    "session": "[00:01:00] Therapist: You feel understood.\n[00:01:10] Client: Yes, understood.\n",
}
PHRASES = {"Trust": "trust", "Withdrawal": "pulled away", "Empathy": "understood", "Competence": "skilful"}
CODINGS = [  # (coder, dyad, document kind, code)
    ("Ana", "D1", "client", "Trust"), ("Ana", "D2", "client", "Trust"), ("Ana", "D3", "client", "Trust"),
    ("Ana", "D1", "therapist", "Trust"), ("Ben", "D2", "therapist", "Trust"),
    ("Ana", "D4", "client", "Empathy"), ("Ana", "D1", "session", "Empathy"),
    *[("Ana", d, k, "Withdrawal") for d in ("D4", "D5", "D6") for k in ("client", "therapist")],
    ("Ana", "D1", "therapist", "Competence"),
]  # fmt: skip


class CqrStudy:
    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.documents: dict[tuple[str, str], int] = {}
        self.codings: dict[tuple[str, str, str], int] = {}  # (dyad, kind, code) -> coding id


def build_cqr_study(project: Project) -> CqrStudy:
    study = CqrStudy()
    for dyad_number in range(1, 7):
        dyad = f"D{dyad_number}"
        kinds = ["client"] + ([] if dyad == "D3" else ["therapist"]) + (["session"] if dyad == "D1" else [])
        for kind in kinds:
            meta = DocumentMeta(
                dyad=dyad, session=1, perspective=None if kind == "session" else kind,
                kind="session" if kind == "session" else "recall",
            )  # fmt: skip
            study.documents[(dyad, kind)] = import_text(
                project, name=f"{dyad} {kind}", text=TEXT[kind], meta=meta
            ).id
        set_dyad_attributes(project, dyad, {"outcome": "good" if dyad_number <= 3 else "poor"})
    bond = add_code(project, "Bond").id
    rupture = add_code(project, "Rupture").id
    study.codes.update(Bond=bond, Rupture=rupture)
    study.codes["Trust"] = add_code(project, "Trust", parent=bond).id
    study.codes["Empathy"] = add_code(project, "Empathy", parent=bond).id
    study.codes["Withdrawal"] = add_code(project, "Withdrawal", parent=rupture).id
    study.codes["Competence"] = add_code(project, "Competence").id
    coders = {name: ensure_coder(project, name) for name in ("Ana", "Ben")}
    for coder, dyad, kind, code in CODINGS:
        text = TEXT[kind]
        start = text.index(PHRASES[code])
        spec = CodingSpec(study.documents[(dyad, kind)], study.codes[code], start, start + len(PHRASES[code]))
        (record,) = add_codings(project, [spec], coders[coder])
        study.codings[(dyad, kind, code)] = record.id
    return study

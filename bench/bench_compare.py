"""Benchmark: the dyad comparison and the across-dyads grouping on a large study; prints JSON.

Issue 6's target: 40 dyads x 5 sessions x 3 documents (session transcript, client recall, therapist recall),
20,000 codings, 40 codes in a two-level codebook: one dyad's matrix with shared moments in under 200 ms, the
grouping of all dyads by an attribute in under 1 s. The study is synthetic and deterministic (seeded), written
through real storage (Core bulk inserts) into a temporary project file; timings are the median of a few runs
after one cold run (reported separately).

    .venv/bin/python -m bench.bench_compare
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from app.domain.transcript import parse_transcript
from app.services.compare import compare_dyad, compare_groups
from app.services.project import Project, create_project
from app.storage.models import (
    AttributeDefinition,
    AttributeValue,
    Code,
    Coder,
    Coding,
    Document,
    Dyad,
    Turn,
)
from app.storage.models import Session as StudySession

DYADS = 40
SESSIONS = 5
CODINGS = 20_000
PARENTS = 8
CHILDREN = 4  # 8 parents x 4 children + 8 = 40 codes
TURNS = 80  # per recall interview
WORDS = [
    "alliance",
    "trust",
    "listen",
    "felt",
    "warm",
    "distant",
    "guarded",
    "session",
    "moment",
    "really",
    "think",
    "maybe",
]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _recall_text(rng: random.Random, who: str) -> str:
    lines, moment = [], 0
    for i in range(TURNS // 2):
        moment += rng.randrange(20_000, 70_000)
        seconds = moment // 1000
        marker = f"[video {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}] "
        lines.append(f"Researcher: {marker if i % 2 == 0 else ''}{_sentence(rng, 8)}")
        lines.append(f"{who}: {_sentence(rng, rng.randrange(15, 60))}")
    return "\n".join(lines) + "\n"


def _session_text(rng: random.Random) -> str:
    lines = []
    for i in range(TURNS):
        seconds = i * 40
        who = "Therapist" if i % 2 == 0 else "Client"
        lines.append(
            f"[{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}] {who}: {_sentence(rng, 30)}"
        )
    return "\n".join(lines) + "\n"


def build_study(path: Path, seed: int = 11) -> Project:
    rng = random.Random(seed)
    project = create_project(path)
    with project.write() as session:
        session.execute(insert(Coder), [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}])
        codes = []
        for p in range(PARENTS):
            parent_id = len(codes) + 1
            codes.append({"id": parent_id, "parent_id": None, "name": f"Theme {p}", "position": p})
            codes += [
                {"id": parent_id + c + 1, "parent_id": parent_id, "name": f"Sub {p}.{c}", "position": c}
                for c in range(CHILDREN)
            ]
        session.execute(insert(Code), codes)
        session.execute(insert(Dyad), [{"id": d, "name": f"D{d:02d}"} for d in range(1, DYADS + 1)])
        session.execute(insert(AttributeDefinition), [{"id": 1, "scope": "dyad", "name": "outcome"}])
        session.execute(
            insert(AttributeValue),
            [
                {"definition_id": 1, "dyad_id": d, "value": "positive" if d % 2 else "troubled"}
                for d in range(1, DYADS + 1)
            ],
        )
        sessions, documents, turns, lengths = [], [], [], {}
        for d in range(1, DYADS + 1):
            for s in range(1, SESSIONS + 1):
                session_id = len(sessions) + 1
                sessions.append({"id": session_id, "dyad_id": d, "number": s})
                for kind, perspective, text in (
                    ("session", None, _session_text(rng)),
                    ("recall", "client", _recall_text(rng, "Client")),
                    ("recall", "therapist", _recall_text(rng, "Therapist")),
                ):
                    doc_id = len(documents) + 1
                    parsed = parse_transcript(text)
                    documents.append(
                        {
                            "id": doc_id,
                            "name": f"D{d:02d} s{s} {kind} {perspective or ''}".strip(),
                            "dyad_id": d,
                            "session_id": session_id,
                            "perspective": perspective,
                            "kind": kind,
                            "text": parsed.text,
                            "text_hash": "",
                        }
                    )
                    lengths[doc_id] = len(parsed.text)
                    turns += [
                        {
                            "document_id": doc_id,
                            "start": t.start,
                            "end": t.end,
                            "speaker": t.speaker,
                            "time_start_ms": t.time_start_ms,
                            "video_ref_ms": t.video_ref_ms,
                        }
                        for t in parsed.turns
                    ]
        session.execute(insert(StudySession), sessions)
        session.execute(insert(Document), documents)
        session.execute(insert(Turn), turns)
        codings = []
        for _ in range(CODINGS):
            doc_id = rng.randrange(1, len(documents) + 1)
            start = rng.randrange(0, lengths[doc_id] - 400)
            codings.append(
                {
                    "document_id": doc_id,
                    "code_id": rng.randrange(1, len(codes) + 1),
                    "coder_id": rng.choice((1, 2)),
                    "start": start,
                    "end": start + rng.randrange(20, 400),
                }
            )
        session.execute(insert(Coding), codings)
    return project


def _timed(work, runs: int = 5) -> tuple[float, float, object]:
    started = time.perf_counter()
    result = work()
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return cold, statistics.median(times), result


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project = build_study(Path(folder) / "bench.rapport")
        build_s = time.perf_counter() - started
        try:
            cold, warm, dyad = _timed(lambda: compare_dyad(project, "D07"))
            g_cold, g_warm, groups = _timed(lambda: compare_groups(project, "outcome"))
            s_cold, s_warm, _ = _timed(lambda: compare_dyad(project, "D07", sessions=range(1, 3)))
        finally:
            project.close()
    report = {
        "benchmark": "compare",
        "study": {
            "dyads": DYADS,
            "sessions": SESSIONS,
            "documents": DYADS * SESSIONS * 3,
            "codings": CODINGS,
        },
        "build_seconds": round(build_s, 3),
        "dyad_matrix_and_moments": {
            "cold_ms": round(cold * 1000, 1),
            "median_ms": round(warm * 1000, 1),
            "target_ms": 200,
            "rows": len(dyad.rows),  # type: ignore[attr-defined]
            "excerpts": len(dyad.excerpts),  # type: ignore[attr-defined]
            "shared_moments": len(dyad.shared_moments),  # type: ignore[attr-defined]
            "ok": warm < 0.2,
        },
        "dyad_sessions_1_2": {"cold_ms": round(s_cold * 1000, 1), "median_ms": round(s_warm * 1000, 1)},
        "across_dyads_grouping": {
            "cold_ms": round(g_cold * 1000, 1),
            "median_ms": round(g_warm * 1000, 1),
            "target_ms": 1000,
            "groups": len(groups.groups),  # type: ignore[attr-defined]
            "ok": g_warm < 1.0,
        },
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

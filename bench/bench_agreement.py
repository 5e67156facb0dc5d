"""Benchmark: the character-level agreement table of two coders over a large study; prints JSON.

Issue 7's target: two coders, 200 documents of 10,000 words, 50 codes, 40,000 codings: the character-level
table (with bootstrap intervals and u-alpha) in under 2 s. The data are synthetic and deterministic (seeded):
coder B's codings are coder A's with jittered boundaries, some dropped and some added.

    .venv/bin/python -m bench.bench_agreement [--service]   # --service also times the path through a project file
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from app.domain.agreement import AgreementOptions, compute_agreement

DOCUMENTS = 200
WORDS = 10_000
CHARS_PER_WORD = 6  # five letters and a space on average
CODES = 50
CODINGS = 40_000


def synthetic_study(seed: int = 7) -> tuple[dict[int, int], list[int], dict, dict]:
    """Document lengths, code ids and both coders' spans keyed by (document, code)."""
    rng = random.Random(seed)
    lengths = {d: WORDS * CHARS_PER_WORD for d in range(1, DOCUMENTS + 1)}
    codes = list(range(1, CODES + 1))
    spans_a: dict[tuple[int, int], list[tuple[int, int]]] = {}
    spans_b: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for _ in range(CODINGS // 2):
        document = rng.randrange(1, DOCUMENTS + 1)
        code = rng.choice(codes)
        length = lengths[document]
        start = rng.randrange(0, length - 2000)
        end = start + rng.randrange(40, 1500)
        spans_a.setdefault((document, code), []).append((start, end))
        roll = rng.random()
        if roll < 0.1:  # B missed it and coded something else instead
            other = rng.randrange(0, length - 2000)
            spans_b.setdefault((document, rng.choice(codes)), []).append(
                (other, other + rng.randrange(40, 800))
            )
        else:
            jitter_start = start + rng.randrange(-60, 61)
            jitter_end = max(jitter_start + 10, end + rng.randrange(-60, 61))
            spans_b.setdefault((document, code), []).append((max(0, jitter_start), jitter_end))
    return lengths, codes, spans_a, spans_b


def time_domain(unit: str) -> dict[str, object]:
    lengths, codes, spans_a, spans_b = synthetic_study()
    started = time.perf_counter()
    result = compute_agreement(lengths, codes, spans_a, spans_b, AgreementOptions(unit=unit))
    seconds = time.perf_counter() - started
    return {
        "unit": unit,
        "seconds": round(seconds, 3),
        "codes": len(result.codes),
        "overall_kappa": result.overall.kappa,
        "overall_n_units": result.overall.n_units,
        "bootstrap_replicates": result.replicates,
    }


def time_service() -> dict[str, object]:
    """The same study written to a real project file, then `agreement_table` timed end to end."""
    from sqlalchemy import insert

    from app.services.agreement import AgreementRequest, agreement_table, list_disagreements
    from app.services.project import create_project
    from app.storage.models import Code, Coder, Coding, Document

    lengths, codes, spans_a, spans_b = synthetic_study()
    with tempfile.TemporaryDirectory() as folder, create_project(Path(folder) / "bench.rapport") as project:
        with project.write() as session:
            session.execute(insert(Coder), [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}])
            session.execute(insert(Code), [{"id": c, "name": f"code {c}"} for c in codes])
            session.execute(
                insert(Document),
                [{"id": d, "name": f"doc {d}", "text": "x" * n, "text_hash": ""} for d, n in lengths.items()],
            )
            rows = [
                {"document_id": d, "code_id": c, "coder_id": coder, "start": s, "end": min(e, lengths[d])}
                for coder, spans in ((1, spans_a), (2, spans_b))
                for (d, c), items in spans.items()
                for s, e in items
            ]
            session.execute(insert(Coding), rows)
        request = AgreementRequest(coders=("A", "B"))
        started = time.perf_counter()
        result = agreement_table(project, request)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        disagreements = list_disagreements(project, request)
        listing = time.perf_counter() - started
    return {
        "unit": "character",
        "path": "service (project file, read, compute)",
        "seconds": round(seconds, 3),
        "codes": len(result.codes),
        "disagreements": len(disagreements),
        "disagreements_seconds": round(listing, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", action="store_true", help="also time the service path through a project")
    args = parser.parse_args(argv)
    report: dict[str, object] = {
        "benchmark": "agreement",
        "documents": DOCUMENTS,
        "words_per_document": WORDS,
        "codes": CODES,
        "codings": CODINGS,
        "target_seconds": 2.0,
        "domain": [time_domain(unit) for unit in ("character", "segment", "presence")],
    }
    if args.service:
        report["service"] = time_service()
    report["within_target"] = report["domain"][0]["seconds"] < 2.0  # type: ignore[index]
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

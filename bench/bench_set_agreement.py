"""Benchmark: agreement on a code set (a 1-5 rating) of five coders over a large study; prints JSON.

Synthetic, deterministic data (seeded): 200 documents, 5 coders, each coding 40 segments a document with a
value of the set; other coders shift the boundaries a little, give a neighbouring value now and then and skip
some segments (missing data). Timed: the segment units, then every figure with 1000 bootstrap resamples at the
interval level, and the presence unit (one value a document: the coder's value of its first segment). The reference, measured in the same run on the same codings, is the
per-code yes/no table of the same coders at the presence unit (`compute_multi_agreement`, 1000 resamples), so
the ratio says what the set's figures cost next to the figures the window already showed.

    .venv/bin/python -m bench.bench_set_agreement
"""

from __future__ import annotations

import json
import random
import sys
import time

from app.domain.agreement_multi import compute_multi_agreement
from app.domain.agreement_sets import presence_units, segment_units, set_figures

DOCUMENTS = 200
CODERS = 5
SEGMENTS = 40
VALUES = 5
LENGTH = 60_000


def synthetic(seed: int = 11) -> list[dict[int, list[tuple[tuple[int, int], int]]]]:
    """Per coder: {document: [((start, end), value index)]}."""
    rng = random.Random(seed)
    coders: list[dict[int, list]] = [{} for _ in range(CODERS)]
    for document in range(1, DOCUMENTS + 1):
        for segment in range(SEGMENTS):
            start = segment * (LENGTH // SEGMENTS) + rng.randrange(0, 200)
            end = start + rng.randrange(300, 1200)
            truth = min(VALUES - 1, max(0, int(rng.gauss(2, 1.2))))
            for coder in range(CODERS):
                if rng.random() < 0.1:
                    continue  # missing
                value = truth if rng.random() < 0.75 else min(VALUES - 1, max(0, truth + rng.choice((-1, 1))))
                jitter = rng.randrange(-20, 21)
                coders[coder].setdefault(document, []).append(((start + jitter, end + jitter), value))
    return coders


def main() -> int:
    coders = synthetic()
    numbers = [float(v + 1) for v in range(VALUES)]
    documents = list(range(1, DOCUMENTS + 1))
    started = time.perf_counter()
    units = []
    for document in documents:
        units.extend(segment_units(document, [c.get(document, []) for c in coders], 0.8))
    building = time.perf_counter() - started
    started = time.perf_counter()
    segment = set_figures(units, CODERS, numbers, "interval", replicates=1000, seed=1)
    figures_seconds = time.perf_counter() - started
    started = time.perf_counter()
    # a document-level rating: each coder's value of the document is the one given to its first segment
    used = [{d: {items[0][1]} for d, items in c.items()} for c in coders]
    presence, ambiguous = presence_units(documents, used)
    presence_figures = set_figures(presence, CODERS, numbers, "interval", replicates=1000, seed=1)
    presence_seconds = time.perf_counter() - started
    spans = [
        {
            (d, v): [span for span, value in items if value == v]
            for d, items in c.items()
            for v in range(VALUES)
        }
        for c in coders
    ]
    started = time.perf_counter()
    compute_multi_agreement(
        dict.fromkeys(documents, LENGTH), list(range(VALUES)), spans, unit="presence", replicates=1000, seed=1
    )
    reference = time.perf_counter() - started
    total = building + figures_seconds
    report = {
        "benchmark": "set_agreement",
        "documents": DOCUMENTS,
        "coders": CODERS,
        "codings": sum(len(items) for c in coders for items in c.values()),
        "segment": {
            "units": segment.units,
            "pairable": segment.pairable,
            "alpha_interval": round(segment.alpha, 4),
            "fleiss_kappa": round(segment.fleiss_kappa, 4),
            "build_units_seconds": round(building, 3),
            "figures_with_bootstrap_seconds": round(figures_seconds, 3),
        },
        "presence": {
            "units": presence_figures.units,
            "ambiguous": ambiguous,
            "seconds": round(presence_seconds, 3),
        },
        "reference_per_code_presence_seconds": round(reference, 3),
        "segment_ratio_to_reference": round(total / reference, 2),
        "presence_ratio_to_reference": round(presence_seconds / reference, 2),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

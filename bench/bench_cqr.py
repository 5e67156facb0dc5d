"""Benchmark: the CQR cross-analysis on the large synthetic study of bench_compare; prints JSON.

40 dyads x 5 sessions x 3 documents, 20,000 codings, 40 codes. Times (median of 5 after one cold run) the
cross-analysis of all cases, by perspective and by outcome, and the core-ideas grid, each as a ratio to the
theme-prevalence grouping (`compare_groups` by outcome) measured in the same run on the same file.

    .venv/bin/python -m bench.bench_cqr
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from app.services import cqr
from app.services.compare import compare_groups
from bench.bench_compare import CODINGS, DYADS, SESSIONS, _timed, build_study


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project = build_study(Path(folder) / "bench.rapport")
        build_s = time.perf_counter() - started
        try:
            _, reference, _ = _timed(lambda: compare_groups(project, "outcome"))
            timings = {
                "all_cases": _timed(lambda: cqr.cross_analysis(project)),
                "by_perspective": _timed(lambda: cqr.cross_analysis(project, "perspective")),
                "by_outcome": _timed(lambda: cqr.cross_analysis(project, "outcome")),
                "core_ideas_grid": _timed(lambda: cqr.core_idea_grid(project, "perspective")),
            }
        finally:
            project.close()
    report: dict[str, object] = {
        "benchmark": "cqr",
        "study": {
            "dyads": DYADS,
            "sessions": SESSIONS,
            "documents": DYADS * SESSIONS * 3,
            "codings": CODINGS,
        },
        "build_seconds": round(build_s, 3),
        "reference_compare_groups_median_ms": round(reference * 1000, 1),
    }
    for name, (cold, warm, _result) in timings.items():
        report[name] = {
            "cold_ms": round(cold * 1000, 1),
            "median_ms": round(warm * 1000, 1),
            "ratio_to_reference": round(warm / reference, 3) if reference else None,
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

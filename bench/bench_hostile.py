"""Benchmark: memory and time of reading hostile files, as ratios to an ordinary transcript; prints JSON.

Each case runs in a fresh process so its peak memory (ru_maxrss) is its own. Cases: the DOCX memory bomb of
issue 17 (millions of empty paragraphs, refused), the largest element flood still under the limit (accepted),
and a .qdpx of many 1 MB members (refused by the total and ratio limits).

    .venv/bin/python -m bench.bench_hostile
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

CASES = {
    "ordinary_docx_5000_turns": (
        "real_docx(*[f'Client: sentence {i} of a long session.' for i in range(5000)])"
    ),
    "docx_empty_paragraph_bomb": "empty_paragraph_bomb()",
    "docx_elements_just_under_limit": "element_flood(166_000)",
}


def _run_one(expression: str) -> dict:
    from app.domain.errors import RapportError
    from app.formats.detect import parse_bytes
    from tests.hostile import docx_files

    data = eval(expression, vars(docx_files))  # a fixed expression of CASES above
    started = time.perf_counter()
    try:
        parse_bytes(data, "case.docx")
        outcome = "accepted"
    except RapportError as exc:
        outcome = f"refused: {str(exc)[:80]}"
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"bytes": len(data), "seconds": round(elapsed, 3), "peak_mb": round(peak_kb / 1024), "outcome": outcome}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(_run_one(sys.argv[2])))
        return
    results = {}
    for name, expression in CASES.items():
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_hostile", "--one", expression],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results[name] = json.loads(done.stdout)
    reference = results["ordinary_docx_5000_turns"]
    for result in results.values():
        result["time_ratio"] = round(result["seconds"] / max(reference["seconds"], 1e-3), 2)
        result["memory_ratio"] = round(result["peak_mb"] / max(reference["peak_mb"], 1), 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Benchmark: memory and time of reading hostile files, as ratios to an ordinary transcript; prints JSON.

Each case runs in a fresh process so its peak memory (ru_maxrss) is its own. Cases: the DOCX memory bomb of
issue 17 (millions of empty paragraphs, refused), the largest element flood still under the limit (accepted),
and a .qdpx of 900 members of 1 MB each (refused by the whole-archive ratio limit). Peak memory includes
building the hostile file in the same process.

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
    "qdpx_900_members_of_1_mb": "QDPX",  # built by _qdpx_amplifier
}


def _qdpx_amplifier(members: int = 900) -> bytes:
    from tests.hostile.test_hostile_refi import qdpx, source

    block = b"a" * (1024 * 1024)  # one object shared by every member: the bench measures the reader
    padding = {f"m{i}.txt": block for i in range(members)}
    return qdpx(source("11111111-2222-3333-4444-555555555555", "m0.txt"), {}, padding)


def _run_one(expression: str) -> dict:
    from app.domain.errors import RapportError
    from app.formats.detect import parse_bytes
    from app.formats.refi_qdpx import read_project
    from tests.hostile import docx_files

    qdpx = expression == "QDPX"
    data = _qdpx_amplifier() if qdpx else eval(expression, vars(docx_files))  # a fixed expression of CASES
    started = time.perf_counter()
    try:
        if qdpx:
            read_project(data, "case.qdpx")
        else:
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

"""Run every `bench/bench_*.py` module's `main()` (or only those named) and print one JSON document.

    .venv/bin/python -m bench                 # all benchmarks
    .venv/bin/python -m bench import editor   # only bench_import and bench_editor

Each benchmark prints its own JSON; this runner captures it and prints {"bench_name": result, ...}, so one
run gives one machine-readable record. A benchmark that fails is reported with its error, not hidden.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import pkgutil
import sys
import traceback
from pathlib import Path


def benchmark_names() -> list[str]:
    folder = Path(__file__).parent
    return sorted(info.name for info in pkgutil.iter_modules([str(folder)]) if info.name.startswith("bench_"))


def run_one(name: str) -> object:
    module = importlib.import_module(f"bench.{name}")
    main = module.main
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main([]) if inspect.signature(main).parameters else main()
    output = buffer.getvalue().strip()
    try:
        result: object = json.loads(output)
    except json.JSONDecodeError:
        result = {"output": output}
    if status not in (None, 0) and isinstance(result, dict):
        result["exit_status"] = status
    return result


def main(argv: list[str] | None = None) -> int:
    wanted = argv if argv is not None else sys.argv[1:]
    names = benchmark_names()
    if wanted:
        names = [n for n in names if n in wanted or n.removeprefix("bench_") in wanted]
    results: dict[str, object] = {}
    failed = False
    for name in names:
        try:
            results[name] = run_one(name)
        except Exception as exc:  # report and go on: one broken benchmark must not hide the others
            failed = True
            results[name] = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

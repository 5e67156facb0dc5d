"""Benchmark: an encrypted study against the same plain study, as ratios measured in one run; prints JSON.

Issue 22's goal: open, import and search on an encrypted (SQLCipher 4) project within 1.3x of the plain one.
The corpus (DOCX transcripts, bench/corpus.py) is generated before timing. For each of plain and encrypted:
`import` = import_files + the first index sync; `first_open` = opening the project and reading its counts the
first time in the process (with the passphrase's PBKDF2 key derivation, 256,000 rounds, a fixed cost paid once
a run); `open` = the median of later opens; `search` = the median of
several queries on an index that is up to date.

    .venv/bin/python -m bench.bench_encryption [--documents N] [--words N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_docx_corpus

DOCUMENTS = 30
WORDS = 4_000
QUERIES = ("trust", '"felt understood"', "safe AND NOT angry", "speaker:client", "rupt*")
GOAL = 1.3


def measure(root: Path, paths: list[Path], passphrase: str | None) -> dict[str, float]:
    from app.services import protection, search
    from app.services.importing import import_files
    from app.services.project import create_project, info, open_project
    from app.services.search_sync import close_index, sync_index

    protection.forget_passphrases()
    path = root / ("encrypted.rapport" if passphrase else "plain.rapport")
    with create_project(path, passphrase=passphrase) as project:
        started = time.perf_counter()
        import_files(project, paths)
        sync_index(project)
        imported = time.perf_counter() - started
        close_index(project) if passphrase is None else None
    protection.forget_passphrases()
    if passphrase:
        protection.use_passphrase_file(None)
        protection.remember_passphrase(path, passphrase)
    started = time.perf_counter()
    project = open_project(path)
    info(project)
    first_open = time.perf_counter() - started  # with the passphrase's key derivation (once per run)
    project.close()
    opens = []
    for _ in range(3):
        started = time.perf_counter()
        project = open_project(path)
        info(project)
        opens.append(time.perf_counter() - started)
        project.close()
    opened = statistics.median(opens)
    project = open_project(path)
    try:
        sync_index(project)
        times = []
        for _ in range(3):
            for query in QUERIES:
                started = time.perf_counter()
                search.search(project, query, limit=100)
                times.append(time.perf_counter() - started)
        searched = statistics.median(times)
    finally:
        close_index(project)
        project.close()
    return {
        "import_seconds": imported,
        "first_open_seconds": first_open,
        "open_seconds": opened,
        "search_seconds": searched,
    }


def run(documents: int = DOCUMENTS, words: int = WORDS) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = write_docx_corpus(root / "corpus", documents, words)
        plain = measure(root, paths, None)
        encrypted = measure(root, paths, "bench passphrase 22")
    ratios = {key.replace("_seconds", ""): round(encrypted[key] / plain[key], 2) for key in plain}
    return {
        "benchmark": "encryption",
        "documents": documents,
        "words_per_document": words,
        "plain": {k: round(v, 4) for k, v in plain.items()},
        "encrypted": {k: round(v, 4) for k, v in encrypted.items()},
        "ratio": ratios,
        "goal_ratio": GOAL,
        "within_goal": all(r <= GOAL for key, r in ratios.items() if key != "first_open"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--words", type=int, default=WORDS)
    args = parser.parse_args(argv)
    json.dump(run(args.documents, args.words), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

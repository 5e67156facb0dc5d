"""Benchmark: an encrypted study against the same plain study, as ratios measured in one run; prints JSON.

Issue 22's goal: open, import and search on an encrypted (SQLCipher 4) project within 1.3x of the plain one.
The corpus (DOCX transcripts, bench/corpus.py) is generated before timing. `import` = import_files plus the
first index sync, once each. Then, in alternating rounds (plain, encrypted, plain, ...) so that a busy
machine slows both alike: `open` = opening the project and reading its counts; `search` = a few queries on an
up-to-date index; medians over the rounds. `key_derivation` is the one-off PBKDF2-HMAC-SHA512 (256,000
rounds, SQLCipher 4's default) an encrypted project costs once per passphrase and run, reported apart.

    .venv/bin/python -m bench.bench_encryption [--documents N] [--words N] [--rounds N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_docx_corpus

DOCUMENTS = 30
WORDS = 4_000
ROUNDS = 7
QUERIES = ("trust", '"felt understood"', "safe AND NOT angry", "speaker:client", "rupt*")
GOAL = 1.3
PASSPHRASE = "bench passphrase 22"


def build(root: Path, paths: list[Path], passphrase: str | None) -> tuple[Path, float]:
    from app.services.importing import import_files
    from app.services.project import create_project

    path = root / ("encrypted.rapport" if passphrase else "plain.rapport")
    with create_project(path, passphrase=passphrase) as project:
        started = time.perf_counter()
        import_files(project, paths)
        return path, time.perf_counter() - started


def one_round(path: Path) -> tuple[float, float]:
    from app.services import search
    from app.services.project import info, open_project

    started = time.perf_counter()
    project = open_project(path)
    info(project)
    opened = time.perf_counter() - started
    try:
        started = time.perf_counter()
        for query in QUERIES:
            search.search(project, query, limit=100)
        searched = (time.perf_counter() - started) / len(QUERIES)
    finally:
        project.close()
    return opened, searched


def key_derivation_seconds() -> float:
    started = time.perf_counter()
    hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), b"0123456789abcdef", 256_000, 32)
    return time.perf_counter() - started


def run(documents: int = DOCUMENTS, words: int = WORDS, rounds: int = ROUNDS) -> dict[str, object]:
    from app.services import protection

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = write_docx_corpus(root / "corpus", documents, words)
        plain, plain_import = build(root, paths, None)
        encrypted, encrypted_import = build(root, paths, PASSPHRASE)
        protection.remember_passphrase(encrypted, PASSPHRASE)
        times: dict[str, dict[str, list[float]]] = {"plain": {"open": [], "search": []},
                                                    "encrypted": {"open": [], "search": []}}  # fmt: skip
        for _ in range(rounds):
            for name, path in (("plain", plain), ("encrypted", encrypted)):
                opened, searched = one_round(path)
                times[name]["open"].append(opened)
                times[name]["search"].append(searched)
    medians = {name: {k: statistics.median(v) for k, v in kinds.items()} for name, kinds in times.items()}
    medians["plain"]["import"] = plain_import
    medians["encrypted"]["import"] = encrypted_import
    ratios = {
        key: round(medians["encrypted"][key] / medians["plain"][key], 2)
        for key in ("import", "open", "search")
    }
    return {
        "benchmark": "encryption",
        "documents": documents,
        "words_per_document": words,
        "rounds": rounds,
        "plain_seconds": {k: round(v, 4) for k, v in medians["plain"].items()},
        "encrypted_seconds": {k: round(v, 4) for k, v in medians["encrypted"].items()},
        "ratio": ratios,
        "key_derivation_seconds": round(key_derivation_seconds(), 3),
        "goal_ratio": GOAL,
        "within_goal": all(r <= GOAL for r in ratios.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--words", type=int, default=WORDS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    json.dump(run(args.documents, args.words, args.rounds), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

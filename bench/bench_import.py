"""Benchmark: import throughput for 100 DOCX transcripts of 10,000 words each; prints JSON.

Issue 3's target: the whole batch in under 30 s on a 2-core machine, indexing included. The corpus is
generated (deterministically, bench/corpus.py) before timing starts; the timed part is `import_files`
(reading, parsing, storing in one transaction) plus, when the search module offers it, bringing the index
up to date.

    .venv/bin/python -m bench.bench_import [--documents N] [--words N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_docx_corpus

DOCUMENTS = 100
WORDS = 10_000
TARGET_SECONDS = 30.0


def _index_sync(project) -> float:
    """Seconds to bring the search index up to date (`app.services.search_sync.sync_index`)."""
    from app.services.search_sync import sync_index

    started = time.perf_counter()
    sync_index(project)
    return time.perf_counter() - started


def run(documents: int = DOCUMENTS, words: int = WORDS) -> dict[str, object]:
    from app.services.importing import import_files
    from app.services.project import create_project

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        paths = write_docx_corpus(root / "corpus", documents, words)
        generated = time.perf_counter() - started
        with create_project(root / "bench.rapport") as project:
            started = time.perf_counter()
            report = import_files(project, paths)
            imported = time.perf_counter() - started
            indexing = _index_sync(project)
        total_words = sum(len(line.split()) for line in _texts(root / "bench.rapport"))
    seconds = imported + indexing
    return {
        "benchmark": "import",
        "documents": len(report.documents),
        "failures": len(report.failures),
        "words": total_words,
        "turns": sum(d.turns for d in report.documents),
        "generate_seconds": round(generated, 2),
        "import_seconds": round(imported, 2),
        "index_seconds": round(indexing, 2),
        "words_per_second": round(total_words / seconds) if seconds else None,
        "target_seconds": TARGET_SECONDS,
        "within_target": seconds < TARGET_SECONDS * documents / DOCUMENTS * words / WORDS,
    }


def _texts(path: Path) -> list[str]:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT text FROM documents")]
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--words", type=int, default=WORDS)
    args = parser.parse_args(argv)
    json.dump(run(args.documents, args.words), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: import throughput for 100 DOCX transcripts of 10,000 words each; prints JSON.

Issue 16's target: the whole batch in under 12 s on a 2-core machine, search index included (SQLite triggers
write it in the import's transaction, so there is no separate indexing step). The corpus is generated
(deterministically, bench/corpus.py) before timing starts; the timed part is `import_files` (reading,
parsing, storing and indexing in one transaction). The same import into a project whose index triggers are
dropped shows what the index costs, as a ratio measured in the same run.

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
TARGET_SECONDS = 12.0


def _import_seconds(path: Path, paths: list[Path], with_index: bool):
    from app.services.importing import import_files
    from app.services.project import create_project
    from app.storage.search_index import trigger_statements

    with create_project(path) as project:
        if not with_index:
            with project.write() as session:
                for statement in trigger_statements():
                    session.connection().exec_driver_sql(f"DROP TRIGGER {statement.split()[2]}")
        started, cpu = time.perf_counter(), time.process_time()
        report = import_files(project, paths)
        return time.perf_counter() - started, time.process_time() - cpu, report


def run(documents: int = DOCUMENTS, words: int = WORDS) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        paths = write_docx_corpus(root / "corpus", documents, words)
        generated = time.perf_counter() - started
        without_index, without_index_cpu, _ = _import_seconds(root / "bare.rapport", paths, with_index=False)
        seconds, cpu, report = _import_seconds(root / "bench.rapport", paths, with_index=True)
        total_words = sum(len(line.split()) for line in _texts(root / "bench.rapport"))
    return {
        "benchmark": "import",
        "documents": len(report.documents),
        "failures": len(report.failures),
        "words": total_words,
        "turns": sum(d.turns for d in report.documents),
        "generate_seconds": round(generated, 2),
        "import_seconds": round(seconds, 2),
        "import_seconds_without_index": round(without_index, 2),
        "index_share_seconds": round(seconds - without_index, 2),
        "ratio_with_over_without_index": round(seconds / without_index, 2) if without_index else None,
        # CPU time of this process: on a shared machine the wall clock also counts other people's work.
        "import_cpu_seconds": round(cpu, 2),
        "import_cpu_seconds_without_index": round(without_index_cpu, 2),
        "ratio_cpu_with_over_without_index": round(cpu / without_index_cpu, 2) if without_index_cpu else None,
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

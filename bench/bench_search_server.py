"""Benchmark: search in a server project (PostgreSQL) against the same study in a project file, as ratios.

The deterministic corpus of bench/corpus.py is imported through the services into a project file and into a
server project on a throwaway local cluster (tests/pg_cluster.py; both indexes are written by triggers during the
import). Measured in the same run, server over file:
- importing the corpus (the server's index costs its triggers' share of it);
- rebuilding the whole index (`rebuild_index`);
- 20 word queries and 10 phrase queries through the search service (exact total, first 100 hits with match
  offsets), median and worst wall milliseconds;
- every query's total and first 100 hits must be the same in both (`same_results`).

Goal (issue 23): queries within 2x of the file. A local server has no network between it and Rapport; a lab's
server adds its round trips (the transaction's, and one pipeline of a statement for turns and one for memos) to every figure.

    .venv/bin/python -m bench.bench_search_server [--documents N] [--words N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.bench_search import PHRASE_QUERIES, WORD_QUERIES, _latencies, _timed
from bench.corpus import transcript_text

DOCUMENTS = 60
WORDS = 10_000
GOAL_RATIO = 2.0


def _import(project, texts: list[str]) -> float:
    from app.services.importing import DocumentMeta, import_text

    started = time.perf_counter()
    for index, text in enumerate(texts):
        meta = DocumentMeta(
            dyad=f"D{index // 6 + 1:02d}",
            session=index % 6 // 2 + 1,
            perspective="client" if index % 3 == 2 else "therapist",
            kind="recall" if index % 3 == 2 else "session",
        )
        import_text(project, name=f"transcript {index + 1:03d}", text=text, meta=meta)
    return time.perf_counter() - started


def _results(project, queries: list[str]) -> list[tuple]:
    from app.services import search

    found = []
    for query in queries:
        result = search.search(project, query, limit=100)
        found.append((result.total, [(h.document, h.start, h.matches) for h in result.hits]))
    return found


def _ratio(server: float, file: float) -> float:
    return round(server / file, 2) if file else 0.0


def run(documents: int = DOCUMENTS, words: int = WORDS) -> dict[str, object]:
    from app.services import search
    from app.services.project import create_project
    from tests.pg_cluster import start_cluster

    result: dict[str, object] = {"benchmark": "search_server", "documents": documents, "words": words}
    texts = [transcript_text(seed, words, recall=seed % 3 == 0) for seed in range(1, documents + 1)]
    result["total_words"] = sum(len(text.split()) for text in texts)
    cluster = start_cluster()
    try:
        url = cluster.new_database("bench")
        with (
            tempfile.TemporaryDirectory() as folder,
            create_project(Path(folder) / "bench.rapport") as on_file,
            create_project(url) as on_server,
        ):
            projects = {"file": on_file, "server": on_server}
            for name, project in projects.items():
                result[f"{name}_import_s"] = round(_import(project, texts), 2)
            for name, project in projects.items():
                rebuild_ms, _ = _timed(lambda p=project: search.rebuild_index(p))
                result[f"{name}_rebuild_s"] = round(rebuild_ms / 1000, 2)
            for kind, queries in (("word", WORD_QUERIES), ("phrase", PHRASE_QUERIES)):
                for name, project in projects.items():
                    result[f"{name}_{kind}"] = _latencies(
                        lambda q, p=project: search.search(p, q, limit=100), queries
                    )
            queries = WORD_QUERIES + PHRASE_QUERIES
            result["same_results"] = _results(on_server, queries) == _results(on_file, queries)
            result["hits_of_trust"] = search.search(on_server, "trust").total
    finally:
        cluster.stop()
    ratios = {
        "import": _ratio(result["server_import_s"], result["file_import_s"]),
        "rebuild": _ratio(result["server_rebuild_s"], result["file_rebuild_s"]),
        "word_median": _ratio(result["server_word"]["median_ms"], result["file_word"]["median_ms"]),
        "phrase_median": _ratio(result["server_phrase"]["median_ms"], result["file_phrase"]["median_ms"]),
    }
    result["server_over_file"] = ratios
    result["queries_within_goal"] = max(ratios["word_median"], ratios["phrase_median"]) <= GOAL_RATIO
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--words", type=int, default=WORDS)
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.documents, arguments.words), indent=2))


if __name__ == "__main__":
    main()

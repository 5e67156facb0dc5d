"""Benchmark: search in a server project (PostgreSQL) against the same study in a project file, as ratios.

The deterministic corpus of bench/corpus.py is imported through the services into a project file and into a
server project on a throwaway local cluster (tests/pg_cluster.py; both indexes are written by triggers during the
import). Measured in the same run, server over file:
- importing the corpus (the server's index costs its triggers' share of it);
- rebuilding the whole index (`rebuild_index`; on the server it ends with the VACUUM ANALYZE of the index that
  autovacuum would run within a minute of a large write, so the queries meet the index in its everyday state);
- 20 word queries and 10 phrase queries through the search service (exact total, first 100 hits with match
  offsets), median and worst wall milliseconds over five rounds, each query run in the file and at once on the
  server (a busy moment of a shared machine then falls on both);
- every query's total and first 100 hits must be the same in both (`same_results`).

Goal (issue 23): queries within 2x of the file. A local server has no network between it and Rapport; a lab's
server adds its round trips to every figure: one a search read in one statement, two when the table of terms
finds the first hits (their statement, then the count's, sent as the first hits arrive and answered while their
words are marked).

    .venv/bin/python -m bench.bench_search_server [--documents N] [--words N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_search import PHRASE_QUERIES, WORD_QUERIES, _timed
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


def _interleaved(projects: dict, queries: list[str], rounds: int = 5) -> dict[str, dict[str, float]]:
    """Median and worst wall milliseconds a query, and the median CPU milliseconds of this process, in each
    project; each query runs in one project and at once in the other, so that a busy moment of a shared
    machine falls on both alike."""
    from app.services import search

    times: dict[str, list[float]] = {name: [] for name in projects}
    cpu_times: dict[str, list[float]] = {name: [] for name in projects}
    for project in projects.values():
        search.search(project, queries[0], limit=100)  # warm caches once, as a running application has
    for _ in range(rounds):
        for query in queries:
            for name, project in projects.items():
                cpu = time.process_time()
                elapsed, _ = _timed(lambda q=query, p=project: search.search(p, q, limit=100))
                cpu_times[name].append((time.process_time() - cpu) * 1000.0)
                times[name].append(elapsed)
    return {
        name: {
            "median_ms": round(statistics.median(times[name]), 2),
            "worst_ms": round(max(times[name]), 2),
            "median_cpu_ms": round(statistics.median(cpu_times[name]), 2),
        }
        for name in projects
    }


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
                result.update(
                    (f"{name}_{kind}", figures) for name, figures in _interleaved(projects, queries).items()
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

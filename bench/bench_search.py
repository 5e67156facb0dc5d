"""Benchmark: full-text search on 2 million words (200 transcripts of 10,000 words), whoosh beside SQLite FTS5.

Measured, on the deterministic corpus of bench/corpus.py imported into a real project:
- building the index from scratch (`rebuild_index`), and the index size on disk;
- adding one more 10,000-word transcript (import, then the incremental index update the next search does);
- 20 word queries and 10 phrase queries through the search service (index sync check, query, first 100 hits
  with exact match offsets and snippets): median and worst latency;
- the same corpus, one row a turn, in an SQLite FTS5 table (porter stemmer) in the same run: build time, adding
  the transcript, and the same queries (count plus the first 100 rows with `highlight()`), so the gap is a ratio.

Targets (issue 5): word median under 10 ms, phrase median under 60 ms, adding one transcript under 1 s.
The search index goes to a throw-away cache folder (XDG_CACHE_HOME) so the benchmark leaves nothing behind.

    .venv/bin/python -m bench.bench_search [--documents N] [--words N]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import transcript_text

DOCUMENTS = 200
WORDS = 10_000
TARGETS_MS = {"word_median": 10.0, "phrase_median": 60.0, "add_one_transcript": 1000.0}
WORD_QUERIES = [
    "trust", "safe", "afraid", "angry", "mother", "father", "sister", "partner", "boss", "sleep",
    "dream", "childhood", "rupture", "repair", "silence", "judged", "distance", "breathing", "café", "Zoë",
]  # fmt: skip
PHRASE_QUERIES = [
    '"I think"', '"it sounds like"', '"I wonder whether"', '"part of me feels"', '"with my mother"',
    '"what strikes me is"', '"I keep thinking"', '"I noticed that"', '"feel safe"', '"I\'m not sure"',
]  # fmt: skip


def _timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000.0, value


def _latencies(run: Callable[[str], object], queries: list[str]) -> dict[str, object]:
    run(queries[0])  # warm caches (searcher, stemmer) once, as a running application has
    times = []
    for query in queries:
        elapsed, _ = _timed(lambda q=query: run(q))
        times.append(elapsed)
    return {"median_ms": round(statistics.median(times), 2), "worst_ms": round(max(times), 2)}


def _folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


# -- SQLite FTS5 ----------------------------------------------------------------------------------------


def _fts_rows(project_path: Path, document_ids: list[int] | None = None) -> list[tuple[int, int, int, str]]:
    connection = sqlite3.connect(project_path)
    try:
        where = "" if document_ids is None else f"WHERE d.id IN ({','.join(map(str, document_ids))})"
        rows = connection.execute(
            "SELECT d.id, t.start, t.end, substr(d.text, t.start + 1, t.end - t.start) "
            f"FROM turns t JOIN documents d ON d.id = t.document_id {where} ORDER BY d.id, t.start"
        ).fetchall()
        return rows
    finally:
        connection.close()


def _fts_build(path: Path, rows: list[tuple[int, int, int, str]]) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE turns USING fts5(body, document_id UNINDEXED, start UNINDEXED, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    _fts_add(connection, rows)
    return connection


def _fts_add(connection: sqlite3.Connection, rows: list[tuple[int, int, int, str]]) -> None:
    with connection:
        connection.executemany(
            "INSERT INTO turns (body, document_id, start) VALUES (?, ?, ?)",
            [(r[3], r[0], r[1]) for r in rows],
        )


def _fts_query(connection: sqlite3.Connection, query: str) -> tuple[int, list]:
    match = query.replace("'", " ") if query.startswith('"') else query
    total = connection.execute("SELECT count(*) FROM turns WHERE turns MATCH ?", (match,)).fetchone()[0]
    rows = connection.execute(
        "SELECT document_id, start, highlight(turns, 0, '[', ']') FROM turns WHERE turns MATCH ? LIMIT 100",
        (match,),
    ).fetchall()
    return total, rows


# -- the run ------------------------------------------------------------------------------------------


def run(documents: int = DOCUMENTS, words: int = WORDS) -> dict[str, object]:
    from app.services import search
    from app.services.importing import DocumentMeta, import_text
    from app.services.project import create_project

    result: dict[str, object] = {"benchmark": "search", "documents": documents, "words_per_document": words}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")
        texts = [transcript_text(seed, words, recall=seed % 3 == 0) for seed in range(1, documents + 2)]
        with create_project(root / "bench.rapport") as project:
            started = time.perf_counter()
            for index, text in enumerate(texts[:documents]):
                meta = DocumentMeta(
                    dyad=f"D{index // 6 + 1:02d}",
                    session=index % 6 // 2 + 1,
                    perspective="client" if index % 3 == 2 else "therapist",
                    kind="recall" if index % 3 == 2 else "session",
                )
                import_text(project, name=f"transcript {index + 1:03d}", text=text, meta=meta)
            result["import_seconds"] = round(time.perf_counter() - started, 2)
            result["total_words"] = sum(len(t.split()) for t in texts[:documents])

            build_ms, _ = _timed(lambda: search.rebuild_index(project))
            result["whoosh_build_seconds"] = round(build_ms / 1000, 2)
            result["whoosh_index_mb"] = _folder_mb(search.index_folder(project))
            import_ms, added = _timed(
                lambda: import_text(
                    project, name="added", text=texts[documents], meta=DocumentMeta(kind="session")
                )
            )
            add_ms, _ = _timed(lambda: search.sync_index(project))
            result["add_one_transcript_import_ms"] = round(import_ms, 1)
            result["whoosh_add_one_transcript_ms"] = round(add_ms, 1)
            result["whoosh_hits_of_trust"] = search.search(project, "trust").total

            def whoosh(query: str) -> object:
                return search.search(project, query, limit=100)

            result["whoosh_word"] = _latencies(whoosh, WORD_QUERIES)
            result["whoosh_phrase"] = _latencies(whoosh, PHRASE_QUERIES)

            rows = _fts_rows(root / "bench.rapport")
            added_rows = [row for row in rows if row[0] == added.id]
            base_rows = [row for row in rows if row[0] != added.id]
            fts_build_ms, connection = _timed(lambda: _fts_build(root / "fts.sqlite", base_rows))
            fts_add_ms, _ = _timed(lambda: _fts_add(connection, added_rows))
            result["fts5_build_seconds"] = round(fts_build_ms / 1000, 2)
            result["fts5_add_one_transcript_ms"] = round(fts_add_ms, 1)
            result["fts5_hits_of_trust"] = _fts_query(connection, "trust")[0]
            result["fts5_word"] = _latencies(lambda q: _fts_query(connection, q), WORD_QUERIES)
            result["fts5_phrase"] = _latencies(lambda q: _fts_query(connection, q), PHRASE_QUERIES)
            connection.close()
            search.close_index(project)

    word, phrase = result["whoosh_word"], result["whoosh_phrase"]
    result["ratios_whoosh_over_fts5"] = {
        "build": _ratio(result["whoosh_build_seconds"], result["fts5_build_seconds"]),
        "add_one_transcript": _ratio(
            result["whoosh_add_one_transcript_ms"], result["fts5_add_one_transcript_ms"]
        ),
        "word_median": _ratio(word["median_ms"], result["fts5_word"]["median_ms"]),
        "phrase_median": _ratio(phrase["median_ms"], result["fts5_phrase"]["median_ms"]),
    }
    result["targets_ms"] = TARGETS_MS
    result["within_targets"] = {
        "word_median": word["median_ms"] < TARGETS_MS["word_median"],
        "phrase_median": phrase["median_ms"] < TARGETS_MS["phrase_median"],
        "add_one_transcript": result["whoosh_add_one_transcript_ms"] < TARGETS_MS["add_one_transcript"],
    }
    return result


def _ratio(ours: object, theirs: object) -> float | None:
    return round(float(ours) / float(theirs), 2) if theirs else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--words", type=int, default=WORDS)
    args = parser.parse_args(argv)
    previous = os.environ.get("XDG_CACHE_HOME")
    try:
        data = run(args.documents, args.words)
    finally:
        if previous is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = previous
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the bench study on a PostgreSQL server as a ratio to the same study in a file; concurrent coders.

The bench study (as bench/bench_window_study.py: 20 dyads, 40 session transcripts of 50,000 words from
bench/corpus.py, 1,000 codes under 40 themes, 40,000 codings by one coder) plus a second coder who coded a
jittered copy of the first coder's codings in dyad D01 (for agreement). `--scale` shrinks the transcripts'
length and the codings (0.25 by default, to keep the run within a few minutes on a busy machine; `--scale 1`
is the full study). It is built once into a file in the temporary folder, copied to a throwaway server
(tests/pg_cluster.py: initdb + pg_ctl on 127.0.0.1) with `rapport copy`'s service, and then each operation is
timed on both, alternating file and server samples so both share the machine's load:

  coding      one coding applied through the services (one user action, one transaction)
  search      `trust AND safe`: its total and first 100 hits
  compare     the perspective comparison of dyad D01
  agreement   the two coders' character-level agreement table in D01 (200 bootstrap replicates)

each the median of a few samples, reported with `server_over_file` (goal: within 2x). Then 2, 4 and 8 writers
(threads, each its own Project on the server, each a coder of its own) apply codings at once: codings per
second, the ratio to one writer on the file, and a check that every coding each writer was told was saved is
in the database (no lost write).

Run: .venv/bin/python -m bench.bench_server [--scale 0.25] [--writes 25]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import transcript_text

DYADS = 20
TRANSCRIPTS = 40
WORDS = 50_000
CODES = 1_000
CODINGS = 40_000
SAMPLES = 5
GOAL_RATIO = 2.0
WRITER_COUNTS = (2, 4, 8)
WRITERS_CODE_ID = 50


# -- the study ---------------------------------------------------------------------------------------------
def build_study(path: Path, scale: float) -> None:
    from app.services import codebook, coding
    from app.services.importing import DocumentMeta, import_text
    from app.services.project import create_project

    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    rng = random.Random(15)
    with create_project(partial) as project:
        documents: list[tuple[int, int, str]] = []
        for n in range(TRANSCRIPTS):
            text = transcript_text(1_000 + n, max(500, int(WORDS * scale)))
            dyad = f"D{n % DYADS + 1:02d}"
            meta = DocumentMeta(
                dyad=dyad,
                session=n // DYADS + 1,
                perspective="client" if n % 2 else "therapist",
                kind="session",
            )
            record = import_text(project, name=f"Transcript {n + 1}", text=text, meta=meta)
            documents.append((record.id, len(text), dyad))
        top = [codebook.add_code(project, f"Theme {i}") for i in range(40)]
        codes = [c.id for c in top]
        codes += [
            codebook.add_code(project, f"Code {i}", parent=top[i % 40].id).id for i in range(CODES - 40)
        ]
        first = coding.ensure_coder(project, "Bench")
        second = coding.ensure_coder(project, "Second")
        per_document = max(10, int(CODINGS * scale) // TRANSCRIPTS)
        for document_id, length, dyad in documents:
            specs = {}
            for _ in range(per_document):
                start = rng.randrange(0, length - 600)
                spec = coding.CodingSpec(document_id, rng.choice(codes), start, start + rng.randint(20, 600))
                specs[(spec.code_id, spec.start, spec.end)] = spec
            coding.add_codings(project, list(specs.values()), first)
            if dyad == "D01":
                coding.add_codings(project, _jittered(list(specs.values()), rng, length), second)
    partial.replace(path)


def _jittered(specs, rng: random.Random, length: int):
    from app.services.coding import CodingSpec

    found = {}
    for spec in specs:
        if rng.random() < 0.15:
            continue  # the second coder missed it
        start = max(0, spec.start + rng.randint(-40, 40))
        end = min(length, max(start + 5, spec.end + rng.randint(-40, 40)))
        found[(spec.code_id, start, end)] = CodingSpec(spec.document_id, spec.code_id, start, end)
    return list(found.values())


# -- timing ------------------------------------------------------------------------------------------------
def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _paired(file_work: Callable[[], object], server_work: Callable[[], object]) -> dict[str, object]:
    """Both once unmeasured (warm caches), then SAMPLES alternating pairs; medians and their ratio."""
    file_work()
    server_work()
    on_file, on_server = [], []
    for _ in range(SAMPLES):
        on_file.append(_seconds(file_work))
        on_server.append(_seconds(server_work))
    file_ms = statistics.median(on_file) * 1000
    server_ms = statistics.median(on_server) * 1000
    ratio = server_ms / file_ms if file_ms > 0 else None
    return {
        "file_ms": round(file_ms, 2),
        "server_ms": round(server_ms, 2),
        "server_over_file": round(ratio, 2) if ratio is not None else None,
        "within_goal": ratio is not None and ratio <= GOAL_RATIO,
    }


def _coding_work(project, coder_id: int, document_id: int, code_id: int, length: int, rng: random.Random):
    from app.services import coding

    def apply_one() -> None:
        start = rng.randrange(0, length - 200)
        coding.add_codings(project, [coding.CodingSpec(document_id, code_id, start, start + 80)], coder_id)

    return apply_one


def measure_operations(file_project, server_project) -> dict[str, object]:
    from app.services import codebook, coding, compare, search, study
    from app.services.agreement import AgreementRequest, agreement_table

    rows: dict[str, object] = {}
    document = study.list_documents(file_project)[1]
    length = len(study.get_document(file_project, document.id).text)
    code_id = max(c.id for c in codebook.list_codes(file_project))
    coders = {p: coding.ensure_coder(p, "Timed coder") for p in (file_project, server_project)}
    rows["coding"] = _paired(
        _coding_work(file_project, coders[file_project], document.id, code_id, length, random.Random(1)),
        _coding_work(server_project, coders[server_project], document.id, code_id, length, random.Random(1)),
    )
    totals = [search.search(p, "trust AND safe", limit=100).total for p in (file_project, server_project)]
    row = _paired(
        lambda: search.search(file_project, "trust AND safe", limit=100),
        lambda: search.search(server_project, "trust AND safe", limit=100),
    )
    row["hits"] = totals
    row["same_totals"] = len(set(totals)) == 1
    rows["search"] = row
    rows["compare"] = _paired(
        lambda: compare.compare_dyad(file_project, "D01"), lambda: compare.compare_dyad(server_project, "D01")
    )
    request = AgreementRequest(coders=("Bench", "Second"), dyads=("D01",), replicates=200)
    rows["agreement"] = _paired(
        lambda: agreement_table(file_project, request), lambda: agreement_table(server_project, request)
    )
    return rows


# -- concurrent writers ------------------------------------------------------------------------------------
def _writer(target, name: str, writes: int, document_id: int, code_id: int, length: int, out: dict) -> None:
    from app.services import coding
    from app.services.project import open_project

    try:
        with open_project(target) as project:
            coder_id = coding.ensure_coder(project, name)
            rng = random.Random(name)
            saved: list[int] = []
            opened.wait()  # every writer has its project open: the clock starts now
            for k in range(writes):
                start = (k * 37) % (length - 200)  # a new span each time: nothing is skipped as a duplicate
                spec = coding.CodingSpec(document_id, code_id, start, start + rng.randint(10, 150))
                saved += [record.id for record in coding.add_codings(project, [spec], coder_id)]
            out[name] = saved
    except Exception as exc:  # reported, never lost in a thread
        out[name] = exc
        opened.abort()


opened = threading.Barrier(1)


def run_writers(target, writers: int, writes: int, document_id: int, code_id: int, length: int):
    global opened
    opened = threading.Barrier(writers + 1)
    out: dict[str, object] = {}
    threads = [
        threading.Thread(
            target=_writer,
            args=(target, f"Writer {writers}-{i}", writes, document_id, code_id, length, out),
        )
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a writer failed to open: its error is in `out`
        opened.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, out


def saved_codings(target, ids: list[int]) -> int:
    from app.services import coding
    from app.services.project import open_project

    with open_project(target, read_only=True) as project:
        return len(coding.codings_by_ids(project, ids))


def measure_writers(file_path: Path, url: str, writes: int, document_id: int, code_id: int, length: int):
    result: dict[str, object] = {}
    seconds, out = run_writers(file_path, 1, writes, document_id, code_id, length)
    errors = [v for v in out.values() if isinstance(v, Exception)]
    file_rate = writes / seconds
    result["file_1_writer"] = {"codings_per_s": round(file_rate, 1), "errors": [str(e) for e in errors]}
    for writers in WRITER_COUNTS:
        seconds, out = run_writers(url, writers, writes, document_id, code_id, length)
        errors = [f"{name}: {v}" for name, v in out.items() if isinstance(v, Exception)]
        ids = [i for v in out.values() if isinstance(v, list) for i in v]
        found = saved_codings(url, ids)
        rate = len(ids) / seconds
        result[f"server_{writers}_writers"] = {
            "codings": writers * writes,
            "acknowledged": len(ids),
            "found_after": found,
            "no_lost_write": found == len(ids) == writers * writes and not errors,
            "seconds": round(seconds, 2),
            "codings_per_s": round(rate, 1),
            "over_file_1_writer": round(rate / file_rate, 2),
            "errors": errors[:3],
        }
    return result


# -- the server -------------------------------------------------------------------------------------------
def durable_cluster():
    """The test cluster, restarted with a lab server's durability (fsync and synchronous commit on; the test
    suite runs it with both off), so a coding's commit waits for the disk on both sides of the ratio."""
    from tests.pg_cluster import start_cluster

    cluster = start_cluster()
    data = str(cluster.folder / "data")
    pg_ctl = str(cluster.bin_dir / "pg_ctl")
    cluster._run([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"])
    options = f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    log = str(cluster.folder / "server.log")
    cluster._run([pg_ctl, "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"])
    return cluster


# -- main --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25, help="fraction of the bench study (1 = full)")
    parser.add_argument("--writes", type=int, default=25, help="codings each concurrent writer applies")
    args = parser.parse_args(argv)

    from app.services import copying, study
    from app.services.project import open_project
    from app.storage.migrate import copy_database

    cache = Path(tempfile.gettempdir()) / f"rapport-bench-server-v1-{args.scale:g}.rapport"
    report: dict[str, object] = {"benchmark": "server", "scale": args.scale}
    if not cache.exists():
        report["build_seconds"] = round(_seconds(lambda: build_study(cache, args.scale)), 1)
    cluster = durable_cluster()
    report["server"] = "PostgreSQL " + cluster.sql("SHOW server_version").strip() + ", fsync on, 127.0.0.1"
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.rapport"
            copy_database(cache, path)  # the cached study stays as built (no audit entry)
            url = cluster.new_database("bench")
            started = time.perf_counter()
            copied = copying.copy_project(path, url)
            to_server = time.perf_counter() - started
            back = Path(folder) / "back.rapport"
            started = time.perf_counter()
            copying.copy_project(url, back)
            to_file = time.perf_counter() - started
            report["copy"] = {
                "rows": copied.rows,
                "file_to_server_s": round(to_server, 2),
                "server_to_file_s": round(to_file, 2),
                "rows_per_s_to_server": round(copied.rows / to_server),
            }
            with open_project(path) as file_project, open_project(url) as server_project:
                report["study"] = {k: copied.tables[k] for k in ("documents", "turns", "codes", "codings")}
                report["operations"] = measure_operations(file_project, server_project)
                document = study.list_documents(file_project)[2]
                length = len(study.get_document(file_project, document.id).text)
            report["concurrent_writers"] = measure_writers(
                path, url, args.writes, document.id, WRITERS_CODE_ID, length
            )
    finally:
        cluster.stop()
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

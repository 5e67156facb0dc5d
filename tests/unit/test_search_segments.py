"""Large updates indexed by worker processes: the same answers as one process, cancellable, few segments."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

import pytest

from app.domain.errors import OperationCancelled
from app.search.index import DocumentEntry, Filters, SearchIndex, TurnEntry
from app.search.segments import MERGE_FACTOR

WORDS = [
    "trust",
    "trusted",
    "safe",
    "mother",
    "I",
    "think",
    "it",
    "sounds",
    "like",
    "café",
    "rupture",
    "repair",
]
QUERIES = ["trust", '"I think"', '"it sounds like"', "saf*", "mother AND NOT café", "speaker:client repair"]


def documents(seed: int, count: int) -> list[DocumentEntry]:
    rng = random.Random(seed)
    result = []
    for ident in range(1, count + 1):
        text, turns = "", []
        for number in range(30):
            speaker = "Client" if number % 2 else "Therapist"
            line = f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 25))) + "\n"
            turns.append(TurnEntry(len(text), len(text) + len(line), speaker))
            text += line
        result.append(
            DocumentEntry(ident, text, turns, f"sig-{seed}-{ident}", dyad_id=ident % 3, kind="session")
        )
    return result


def answers(index: SearchIndex) -> list[tuple]:
    found = []
    for query in QUERIES:
        results = index.search(query, limit=None)
        found.append((query, results.total, [(h.document_id, h.start, h.matches) for h in results.hits]))
    filtered = index.search("trust", Filters(dyad_ids=frozenset({1})), limit=None)
    found.append(("filtered", filtered.total, [(h.document_id, h.start) for h in filtered.hits]))
    return found


def sorted_answers(index: SearchIndex) -> list[tuple]:
    return [(query, total, sorted(hits)) for query, total, hits in answers(index)]


@pytest.fixture
def serial(tmp_path: Path) -> SearchIndex:
    index = SearchIndex.open(tmp_path / "serial", workers=1)
    index.update(documents=documents(1, 12))
    yield index
    index.close()


def test_workers_give_the_same_answers_as_one_process(tmp_path: Path, serial: SearchIndex) -> None:
    parallel = SearchIndex.open(tmp_path / "parallel", workers=2, job_chars=4_000)
    try:
        seen: list[int] = []
        parallel.update(
            documents=documents(1, 12), total=12, progress=lambda done, total, _: seen.append(done)
        )
        assert parallel.segment_count() > 2  # the documents really went through several worker jobs
        assert multiprocessing.active_children() == []  # and the workers have ended
        assert seen[-1] == 12 and seen == sorted(seen)
        assert answers(parallel) == answers(serial)
        assert answers(serial)[0][1] > 50
    finally:
        parallel.close()


def test_workers_replace_documents_already_indexed(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "index", workers=2, job_chars=4_000)
    reference = SearchIndex.open(tmp_path / "reference", workers=1)
    try:
        index.update(documents=documents(1, 12))
        index.update(documents=documents(2, 12))  # same ids, other texts: the old records must go
        reference.update(documents=documents(2, 12))
        assert answers(index) == answers(reference)
        assert index.manifest().documents == reference.manifest().documents
    finally:
        index.close()
        reference.close()


def test_workers_killed_midway_are_replaced_by_this_process(tmp_path: Path, serial: SearchIndex) -> None:
    index = SearchIndex.open(tmp_path / "index", workers=2, job_chars=4_000)
    killed: list[int] = []

    def kill_workers_once(done: int, total: int, _label: str) -> None:
        if not killed:
            for process in multiprocessing.active_children():
                process.kill()
                killed.append(process.pid)

    try:
        index.update(documents=documents(1, 12), total=12, progress=kill_workers_once)
        assert killed  # the workers really died while jobs were pending
        assert sorted_answers(index) == sorted_answers(serial)  # rewritten jobs come after the salvaged ones
        assert index.manifest().documents == serial.manifest().documents
    finally:
        index.close()


def test_cancelling_a_parallel_update_leaves_the_index_as_it_was(tmp_path: Path, serial: SearchIndex) -> None:
    before = answers(serial)
    calls = {"finished": 0}

    def cancelled() -> bool:
        calls["finished"] += 1
        return calls["finished"] > 3

    serial.workers, serial.job_chars = 2, 4_000
    with pytest.raises(OperationCancelled):
        serial.update(documents=documents(3, 12), cancelled=cancelled)
    assert answers(serial) == before
    serial.update(documents=documents(3, 2))  # the lock was released: the next update works
    assert serial.search("trust").total != before[0][1]


def test_segments_from_many_small_updates_are_merged(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "index", workers=1)
    reference = SearchIndex.open(tmp_path / "reference", workers=1)
    try:
        for entry in documents(4, 3 * MERGE_FACTOR):
            index.update(documents=[entry])
        assert index.segment_count() <= MERGE_FACTOR
        reference.update(documents=documents(4, 3 * MERGE_FACTOR))
        # Merging moves older records after newer ones; the hits are the same.
        assert sorted_answers(index) == sorted_answers(reference)
    finally:
        index.close()
        reference.close()

"""Writing large batches into the index on every core, and keeping the number of segments in check.

Whoosh analyses text in pure Python, so indexing a study of a million words on one core takes a minute. For a
large batch, `SegmentWorkers` hands documents, a job of about `JOB_CHARS` characters at a time, to worker
processes; each writes its job as a new segment of the index (without taking the index lock: the parent holds
it for the whole update) and returns the segment, which the parent commits together with its own changes, or
throws away when the update is cancelled or fails. Bounded jobs also keep each writer's posting pool in memory
(a pool that spills to disk slows whoosh down badly).

Workers are started with "spawn", never "fork": the parent may be a Qt application with threads running.
When workers cannot run (no process may be started, a worker dies, a script without a main guard), the
update raises `WorkersUnavailable` before committing anything, and `SearchIndex.update` indexes in its own
process instead.

Every commit leaves a new segment. `merge_tiered` merges segments of a similar size once there are
`MERGE_FACTOR` of them, so a study edited a thousand times still has few segments, and never merges more
than `MAX_MERGE_DOCS` records at once (whoosh's default policy would eventually rewrite the whole index
during an ordinary edit).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

JOB_CHARS = 600_000  # about 100,000 words: a job's posting pool stays in memory (whoosh's 128 MB)
MERGE_FACTOR = 8
MAX_MERGE_DOCS = 20_000


def worker_count() -> int:
    """Workers to use: one a core, at most four (the parent needs a little time too)."""
    return max(1, min(4, os.cpu_count() or 1))


class WorkersUnavailable(Exception):
    """Worker processes could not be started or died; `unfinished` are the jobs they did not write."""

    def __init__(self, message: str, unfinished: Sequence[Sequence] = ()) -> None:
        super().__init__(message)
        self.unfinished = list(unfinished)


class BatchAdder:
    """Adds documents to `writer`, handing them to worker processes once more than `job_chars` characters
    wait, and back to `writer` when the workers fail. `finished(n)` is told of every n documents written
    (and called with 0 now and then, so it can raise to cancel)."""

    def __init__(
        self,
        writer: SegmentWriter,
        add: Callable[[SegmentWriter, object], None],
        finished: Callable[[int], None],
        workers: int,
        job_chars: int,
    ) -> None:
        self._writer, self._add, self._finished = writer, add, finished
        self._workers_wanted, self._job_chars = workers, job_chars
        self._workers: SegmentWorkers | None = None
        self._salvaged: list = []  # segments written before the workers failed
        self._job: list = []
        self._chars = 0

    def add(self, entry) -> None:
        self._finished(0)
        if self._workers_wanted <= 1:
            self._write_here([entry])
            return
        self._job.append(entry)  # held back: a large update goes to the workers, a small one stays here
        self._chars += len(entry.text)
        if self._chars >= self._job_chars:
            job, self._job, self._chars = self._job, [], 0
            self._hand_over(job)

    def finish(self) -> list:
        """Write what is held back; the segments the workers wrote, to commit with the writer."""
        if self._workers is not None and self._job:
            job, self._job = self._job, []
            self._hand_over(job)
        self._write_here(self._job)
        self._job = []
        if self._workers is None:
            return self._salvaged
        try:
            segments = self._workers.finish(self._finished)
        except WorkersUnavailable as failure:
            self._fall_back(failure)
            return self._salvaged
        self._workers.close()  # the worker processes end here, not when the interpreter exits
        self._workers = None
        return segments

    def abort(self) -> None:
        if self._workers is not None:
            self._workers.terminate()

    def _hand_over(self, job: list) -> None:
        if self._workers_wanted <= 1:
            self._write_here(job)
            return
        if self._workers is None:
            folder = self._writer.storage.folder
            try:
                self._workers = SegmentWorkers(folder, self._writer.indexname, self._workers_wanted)
            except WorkersUnavailable as failure:
                failure.unfinished.append(job)
                self._fall_back(failure)
                return
        try:
            self._workers.submit(job, self._finished)
        except WorkersUnavailable as failure:  # it names every job not written, this one included
            self._fall_back(failure)

    def _fall_back(self, failure: WorkersUnavailable) -> None:
        """Workers failed: keep the segments they finished, write their unfinished jobs here, and everything
        after them too."""
        if self._workers is not None:
            self._salvaged = self._workers.segments
            self._workers.terminate()
            self._workers = None
        self._workers_wanted = 1
        for job in failure.unfinished:
            self._write_here(job)

    def _write_here(self, entries: Sequence) -> None:
        for entry in entries:
            self._add(self._writer, entry)
            self._finished(1)


class SegmentWorkers:
    """A pool of processes, each turning lists of documents into new segments of one index."""

    def __init__(self, folder: str, indexname: str, workers: int) -> None:
        self._folder = folder
        self._indexname = indexname
        self._workers = workers
        try:
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        except (OSError, ValueError) as exc:
            raise WorkersUnavailable(str(exc)) from exc  # the caller adds the job it was about to hand over
        self._pending: list[tuple[Future, list]] = []
        self._order: dict[int, int] = {}  # id(future) -> job number: segments are committed in job order
        self._written: list[tuple[int, object]] = []

    def submit(self, job: Sequence, wait: Callable[[int], None]) -> None:
        """Queue a job (a list of `DocumentEntry`); waits while enough are queued, so a huge study is never
        all in memory. `wait(n)` is called for each finished job of n documents, and while waiting."""
        job = list(job)
        try:
            while len(self._pending) >= 2 * self._workers:
                self._collect(wait, block=True)
            future = self._pool.submit(_write_segment, self._folder, self._indexname, job)
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            raise WorkersUnavailable(str(exc), [*self._unfinished(), job]) from exc
        except WorkersUnavailable as failure:
            failure.unfinished.append(job)
            raise
        self._order[id(future)] = len(self._order)
        self._pending.append((future, job))
        self._collect(wait, block=False)

    def finish(self, wait: Callable[[int], None]) -> list:
        """Wait for every job; the segments they wrote (raises what a worker raised)."""
        while self._pending:
            self._collect(wait, block=True)
        return self.segments

    @property
    def segments(self) -> list:
        """The segments written so far, in the order their jobs were submitted."""
        return [segment for _, segment in sorted(self._written, key=lambda pair: pair[0])]

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def terminate(self) -> None:
        """Stop at once (on cancel or failure): the segments written are never committed."""
        # The executor has no public way to stop a running job: its processes are stopped directly.
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)

    def _unfinished(self) -> list[list]:
        """Jobs whose segment was not collected (a finished but uncollected one is written again)."""
        return [job for _, job in self._pending]

    def _collect(self, wait: Callable[[int], None], block: bool) -> None:
        if block and self._pending:
            futures.wait([future for future, _ in self._pending], timeout=0.1, return_when=FIRST_COMPLETED)
        for item in list(self._pending):
            future, job = item
            if not future.done():
                continue
            try:
                segment = future.result()
            except BrokenProcessPool as exc:  # a worker could not start or was killed
                raise WorkersUnavailable(str(exc), self._unfinished()) from exc
            self._pending.remove(item)
            self._written.append((self._order[id(future)], segment))
            wait(len(job))
        if block and self._pending:
            wait(0)  # lets the caller notice a cancel request while jobs run


def _write_segment(folder: str, indexname: str, job: list) -> object:
    """In a worker: write the job's documents as one new segment and return it (not yet committed)."""
    from app.search.index import add_document_records  # here: the worker starts from a fresh interpreter

    ix = whoosh_index.open_dir(folder, indexname=indexname)
    writer = SegmentWriter(ix, _lk=False)
    try:
        for entry in job:
            add_document_records(writer, entry)
        return writer._finalize_segment()
    except BaseException:
        writer.cancel()
        raise


def commit_with_segments(writer: SegmentWriter, segments: list) -> None:
    """Commit `writer` (its deletions and own documents) together with segments written by workers."""
    if not segments:
        writer.commit(mergetype=merge_tiered)
        return
    writer._check_state()
    final = merge_tiered(writer, list(writer.segments))
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc([*final, *segments])
    writer._finish()


def merge_tiered(writer: SegmentWriter, segments: list) -> list:
    """Whoosh merge policy: merge the smallest tier of similar-sized segments holding `MERGE_FACTOR` of them."""
    segments = [segment for segment in segments if segment.doc_count() > 0]  # drop wholly deleted ones
    tiers: dict[int, list] = defaultdict(list)
    for segment in segments:
        tiers[_tier(segment.doc_count_all())].append(segment)
    for tier in sorted(tiers):
        group = tiers[tier]
        if len(group) >= MERGE_FACTOR and sum(s.doc_count_all() for s in group) <= MAX_MERGE_DOCS:
            for segment in group:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            return [segment for segment in segments if segment not in group]
    return segments


def _tier(docs: int) -> int:
    return int(math.log(max(docs, 1), MERGE_FACTOR))

"""Aligning two (or more) perspectives' excerpts of one code so that comments on the same moment face each other.

Per session (in order; excerpts without a session last): excerpts with a video moment are grouped by single
linkage with the comparison window (as for shared moments, see `comparison`), and inside a group the k-th
excerpt of each perspective (in time order) shares a row. Excerpts without a video moment follow, the k-th of
each perspective (by document, then position) on the k-th row. An empty cell means that perspective said
nothing there.

The same passage coded with the same code by several coders is one excerpt, its `coder` listing them all
("Ana, Ben"), so a sentence two coders agreed on is read once, not once per coder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest

from app.domain.comparison import DEFAULT_WINDOW_MS, Excerpt, cluster_by_time


@dataclass(frozen=True)
class AlignedRow:
    session: int | None
    time_ms: int | None  # the earliest video moment in the row, None for rows aligned by order only
    cells: dict[str, Excerpt | None]  # perspective -> excerpt, for every perspective asked for

    def excerpts(self) -> list[Excerpt]:
        return [e for e in self.cells.values() if e is not None]


def _rows_from_columns(
    session: int | None, columns: dict[str, list[Excerpt]], perspectives: Sequence[str]
) -> list[AlignedRow]:
    rows = []
    for cells in zip_longest(*(columns.get(p, []) for p in perspectives)):
        times = [e.video_ref_ms for e in cells if e is not None and e.video_ref_ms is not None]
        rows.append(AlignedRow(session, min(times) if times else None, dict(zip(perspectives, cells))))
    return rows


def merge_coders(excerpts: Sequence[Excerpt]) -> list[Excerpt]:
    """One excerpt per passage and code: identical ones by several coders become one listing the coders."""
    merged: dict[tuple[int, int, int, int], list[Excerpt]] = {}
    for e in excerpts:
        merged.setdefault((e.document_id, e.start, e.end, e.code_id), []).append(e)
    result = []
    for group in merged.values():
        first = min(group, key=lambda e: e.coding_id)
        coders = sorted({e.coder for e in group}, key=str.casefold)
        result.append(first if len(coders) == 1 else replace(first, coder=", ".join(coders)))
    return result


def align_side_by_side(
    excerpts: Sequence[Excerpt], perspectives: Sequence[str], window_ms: int = DEFAULT_WINDOW_MS
) -> list[AlignedRow]:
    """Rows of excerpts from `perspectives`, aligned by video moment where known, else by order."""
    wanted = set(perspectives)
    by_session: dict[int | None, list[Excerpt]] = defaultdict(list)
    for e in merge_coders(excerpts):
        if e.perspective in wanted:
            by_session[e.session].append(e)
    rows: list[AlignedRow] = []
    for session in sorted(by_session, key=lambda s: (s is None, s or 0)):
        items = by_session[session]
        for group in cluster_by_time(items, window_ms):
            columns: dict[str, list[Excerpt]] = defaultdict(list)
            for e in group:
                columns[e.perspective].append(e)  # type: ignore[index]
            rows.extend(_rows_from_columns(session, columns, perspectives))
        untimed: dict[str, list[Excerpt]] = defaultdict(list)
        for e in sorted(items, key=lambda e: (e.document, e.start, e.coding_id)):
            if e.video_ref_ms is None:
                untimed[e.perspective].append(e)  # type: ignore[index]
        rows.extend(_rows_from_columns(session, untimed, perspectives))
    return rows

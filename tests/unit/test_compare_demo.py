"""Invariants of the comparison on the demo study (whatever its details): every shared
moment pairs recall codings of different perspectives of one session inside the window, one-sided themes are
really absent from the other perspectives, and rolled-up rows never count less than their children."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from app.services.compare import compare_dyad, dyad_names
from tests.demo_copies import copy_of_demo


@pytest.fixture(scope="module")
def demo(demo_original: Path, tmp_path_factory: pytest.TempPathFactory):
    from app.services.project import open_project

    with open_project(copy_of_demo(demo_original, tmp_path_factory.mktemp("demo") / "demo.rapport")) as project:
        yield project


def test_demo_comparisons_hold_their_invariants(demo) -> None:
    moments_seen = 0
    for dyad in dyad_names(demo):
        result = compare_dyad(demo, dyad, window_s=30)
        for moment in result.shared_moments:
            moments_seen += 1
            excerpts = [result.excerpt(i) for ids in moment.codings.values() for i in ids]
            assert all(e is not None and e.kind == "recall" for e in excerpts)
            assert {e.session for e in excerpts} == {moment.session}
            assert {e.perspective for e in excerpts} == set(moment.codings) and len(moment.codings) >= 2
            times = sorted(e.video_ref_ms for e in excerpts)
            assert times[0] == moment.time_ms and times[-1] == moment.end_ms
            assert all(b - a <= 30_000 for a, b in pairwise(times))
        for item in result.one_sided:
            row = result.row(item.code_id)
            assert row is not None
            assert [p for p, c in row.cells.items() if c.codings] == [item.perspective]
        for row in result.rows:
            for child in (r for r in result.rows if r.parent_id == row.code_id):
                for perspective, cell in row.cells.items():
                    assert cell.codings >= child.cells[perspective].codings
                    assert cell.coded_words >= child.cells[perspective].coded_words
            for cell in row.cells.values():
                assert 0.0 <= cell.coverage <= 1.0
    assert moments_seen > 0  # the demo is meant to show shared moments

"""The agreement table of two coders in each unit: pooling, intervals, degenerate cases."""

from __future__ import annotations

import random

import pytest

from app.domain.agreement import AgreementOptions, compute_agreement
from app.domain.agreement_stats import Table2x2, cohen_kappa
from app.domain.bootstrap import document_resamples, percentile

LENGTHS = {1: 100, 2: 200, 3: 50}
A = {(1, 10): [(0, 20)], (2, 10): [(10, 60), (100, 120)], (3, 10): [(0, 5)], (2, 11): [(0, 10)]}
B = {(1, 10): [(5, 20)], (2, 10): [(10, 60)], (3, 11): [(40, 50)], (2, 11): [(0, 10)]}


def test_character_unit_pools_tables_not_kappas() -> None:
    result = compute_agreement(LENGTHS, [10, 11], A, B, AgreementOptions(replicates=200))
    row = result.codes[0]
    tables = [d.table for d in row.documents]
    assert tables == [Table2x2(15, 5, 0, 80), Table2x2(50, 20, 0, 130), Table2x2(0, 5, 0, 45)]
    assert row.table == sum(tables, Table2x2())
    assert row.kappa == pytest.approx(cohen_kappa(row.table))
    mean_of_kappas = sum(cohen_kappa(t) or 0 for t in tables) / 3
    assert row.kappa != pytest.approx(mean_of_kappas)
    assert row.n_units == 350
    assert result.overall.table == result.codes[0].table + result.codes[1].table
    assert result.overall.n_units == 700  # every (code, character) pair is a unit


def test_undefined_kappa_for_a_document_without_variation() -> None:
    result = compute_agreement({1: 30}, [10], {}, {}, AgreementOptions(replicates=10))
    row = result.codes[0]
    assert row.percent_agreement == 1.0
    assert row.kappa is None and row.alpha is None
    assert row.intervals == {"percent_agreement": None, "kappa": None, "alpha": None, "ac1": None}


def test_bootstrap_interval_is_reproducible_and_brackets_the_estimate() -> None:
    rng = random.Random(3)
    lengths = {d: 1000 for d in range(1, 21)}
    a, b = {}, {}
    for d in lengths:
        start = rng.randrange(0, 800)
        a[(d, 1)] = [(start, start + 150)]
        b[(d, 1)] = [(start + rng.randrange(-40, 40), start + 150 + rng.randrange(-40, 40))]
    first = compute_agreement(lengths, [1], a, b, AgreementOptions(replicates=300, seed=5))
    again = compute_agreement(lengths, [1], a, b, AgreementOptions(replicates=300, seed=5))
    other = compute_agreement(lengths, [1], a, b, AgreementOptions(replicates=300, seed=6))
    low, high = first.codes[0].intervals["kappa"]
    assert low < first.codes[0].kappa < high
    assert again.codes[0].intervals == first.codes[0].intervals
    assert other.codes[0].intervals != first.codes[0].intervals
    assert first.replicates == 300


def test_a_single_document_gives_no_interval() -> None:
    result = compute_agreement({1: 100}, [10], A, B, AgreementOptions(replicates=50))
    assert result.codes[0].intervals["kappa"] is None
    assert result.replicates == 0


def test_segment_unit_uses_brennan_prediger_with_k_codes() -> None:
    result = compute_agreement(LENGTHS, [10, 11], A, B, AgreementOptions(unit="segment", threshold=0.7))
    row = result.codes[0]
    # doc 1: (0,20) vs (5,20) overlap 15/20 = .75 agrees; doc 2: (10,60) agrees, (100,120) unmatched; doc 3: A only
    assert row.table == Table2x2(2, 2, 0, 0)
    assert row.percent_agreement == 0.5
    assert result.categories == 2
    assert row.kappa == pytest.approx((0.5 - 0.5) / 0.5)
    assert row.alpha is None and row.ac1 is None
    stricter = compute_agreement(LENGTHS, [10, 11], A, B, AgreementOptions(unit="segment", threshold=0.9))
    assert stricter.codes[0].table == Table2x2(1, 3, 1, 0)


def test_presence_unit_counts_documents() -> None:
    result = compute_agreement(LENGTHS, [10, 11], A, B, AgreementOptions(unit="presence", replicates=50))
    assert result.codes[0].table == Table2x2(2, 1, 0, 0)  # code 10: docs 1, 2 both; doc 3 only A
    assert result.codes[1].table == Table2x2(1, 0, 1, 1)  # code 11: doc 2 both, doc 3 only B, doc 1 neither
    assert result.overall.n_units == 6


def test_unitized_alpha_is_reported_for_the_character_unit() -> None:
    result = compute_agreement(LENGTHS, [10], A, A, AgreementOptions(replicates=10))
    assert result.codes[0].u_alpha == pytest.approx(1)
    assert result.codes[0].kappa == pytest.approx(1)


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        AgreementOptions(unit="word")
    with pytest.raises(ValueError):
        AgreementOptions(threshold=0)


def test_resamples_and_percentiles() -> None:
    assert len(document_resamples(5, 7, seed=1)) == 7
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0], 0.0) == 1.0


def test_packed_bootstrap_equals_a_naive_resampling() -> None:
    """The packed-integer pooling must give exactly what summing the picked tables cell by cell gives."""
    from app.domain.agreement_stats import gwet_ac1, percent_agreement
    from app.domain.bootstrap import bootstrap_many

    rng = random.Random(11)
    codes = [[Table2x2(*(rng.randrange(0, 60_000) for _ in range(4))) for _ in range(30)] for _ in range(3)]
    statistics = {"kappa": cohen_kappa, "ac1": gwet_ac1, "p_o": percent_agreement}
    resamples = document_resamples(30, 200, seed=4)
    fast = bootstrap_many(codes, statistics, resamples)
    for tables, intervals in zip(codes, fast):
        draws = {name: [] for name in statistics}
        for pick in resamples:
            pooled = sum(pick(tables), Table2x2())
            for name, statistic in statistics.items():
                draws[name].append(statistic(pooled))
        for name, values in draws.items():
            values.sort()
            tail = (1 - 0.95) / 2  # as the module computes it, to the last bit
            assert intervals[name] == (percentile(values, tail), percentile(values, 1 - tail))


def test_many_coder_path_with_two_coders_matches_the_two_coder_path() -> None:
    from app.domain.agreement_multi import compute_multi_agreement

    rng = random.Random(8)
    lengths = {d: 500 for d in range(1, 11)}
    a = {(d, 1): [(s := rng.randrange(0, 300), s + rng.randrange(20, 150))] for d in lengths}
    b = {(d, 1): [(s := rng.randrange(0, 300), s + rng.randrange(20, 150))] for d in lengths}
    two = compute_agreement(lengths, [1], a, b, AgreementOptions(replicates=300, seed=9))
    rows, overall = compute_multi_agreement(lengths, [1], [a, b], replicates=300, seed=9)
    assert rows[0].figures.alpha == pytest.approx(two.codes[0].alpha)
    assert rows[0].figures.ac1 == pytest.approx(two.codes[0].ac1)
    assert rows[0].figures.percent_agreement == pytest.approx(two.codes[0].percent_agreement)
    assert rows[0].intervals["alpha"] == pytest.approx(two.codes[0].intervals["alpha"])
    assert rows[0].intervals["ac1"] == pytest.approx(two.codes[0].intervals["ac1"])
    assert overall.histogram == rows[0].histogram


def test_the_intervals_carry_their_confidence_level() -> None:
    spans = {(1, 1): [(0, 40)]}
    result = compute_agreement({1: 100, 2: 100}, [1], spans, spans, AgreementOptions(replicates=50, confidence=0.9))
    assert result.confidence == 0.9 and "kappa" in result.codes[0].intervals

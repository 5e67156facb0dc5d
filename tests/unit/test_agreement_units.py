"""Units of agreement built by interval arithmetic, checked against per-character brute force."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.agreement_stats import Table2x2
from app.domain.agreement_unitized import Continuum, unitized_alpha
from app.domain.agreement_units import (
    character_table,
    disagreement_stretches,
    match_segments,
    merge_spans,
    overlap_ratio,
    presence_table,
)

LENGTH = 60


@st.composite
def span_lists(draw, length: int = LENGTH):
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(-3, length + 2))
        end = draw(st.integers(start + 1, length + 6))
        spans.append((start, end))
    return spans


def brute_force_table(length: int, spans_a, spans_b) -> Table2x2:
    coded_a = [any(s <= i < e for s, e in spans_a) for i in range(length)]
    coded_b = [any(s <= i < e for s, e in spans_b) for i in range(length)]
    pairs = list(zip(coded_a, coded_b))
    return Table2x2(
        pairs.count((True, True)),
        pairs.count((True, False)),
        pairs.count((False, True)),
        pairs.count((False, False)),
    )


@given(span_lists(), span_lists(), st.integers(0, LENGTH))
def test_character_table_equals_per_character_brute_force(spans_a, spans_b, length) -> None:
    assert character_table(length, spans_a, spans_b) == brute_force_table(length, spans_a, spans_b)


@given(span_lists())
def test_merge_spans_keeps_exactly_the_covered_points(spans) -> None:
    merged = merge_spans(spans, length=LENGTH)
    expected = {i for s, e in spans for i in range(max(0, s), min(e, LENGTH))}
    assert {i for s, e in merged for i in range(s, e)} == expected
    assert all(a[1] < b[0] for a, b in pairwise(merged))  # sorted, disjoint, not touching


def test_bertha_and_bill_digitized() -> None:
    """Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological Methodology 25,
    47-76, p. 57, example A (Bertha and Bill on a continuum of 24), digitized into 24 binary units: the
    character table behind kappa .385 and alpha .329 (values as DKPro Statistics' Krippendorff1995Test)."""
    from app.domain.agreement_stats import cohen_kappa, krippendorff_alpha_binary

    table = character_table(24, [(2, 10), (14, 20)], [(4, 8), (15, 17)])
    assert table == Table2x2(both=6, only_a=8, only_b=0, neither=10)
    assert round(cohen_kappa(table), 3) == 0.385
    assert round(krippendorff_alpha_binary(table), 3) == 0.329


def test_presence_table() -> None:
    assert presence_table([(True, True), (True, False), (False, False), (False, False)]) == Table2x2(
        1, 1, 0, 2
    )


def test_overlap_measures() -> None:
    assert overlap_ratio((0, 10), (0, 10)) == 1
    assert overlap_ratio((0, 10), (5, 15)) == pytest.approx(5 / 15)  # intersection over union
    assert overlap_ratio((0, 10), (0, 100), "own") == 1  # all of (0, 10) is covered
    assert overlap_ratio((0, 100), (0, 10), "own") == pytest.approx(0.1)
    assert overlap_ratio((0, 5), (5, 9)) == 0


def test_segments_agree_only_above_the_threshold_and_one_to_one() -> None:
    a = [(0, 100), (200, 300), (400, 410)]
    b = [(5, 100), (200, 250), (400, 410), (405, 411)]
    match = match_segments(a, b, threshold=0.9)
    assert match.pairs == (((0, 100), (5, 100)), ((400, 410), (400, 410)))
    assert match.only_a == ((200, 300),)  # only half covered by B's (200, 250)
    assert set(match.only_b) == {
        (200, 250),
        (405, 411),
    }  # (405, 411) cannot pair with an already paired coding
    assert match.table == Table2x2(2, 1, 2, 0)
    looser = match_segments(a, b, threshold=0.5)
    assert ((200, 300), (200, 250)) in looser.pairs


def test_threshold_must_be_a_proportion() -> None:
    with pytest.raises(ValueError):
        match_segments([(0, 1)], [(0, 1)], threshold=90)


def test_disagreement_stretches_name_both_coders_codes() -> None:
    a = {1: [(0, 10)], 2: [(20, 30)]}
    b = {1: [(0, 12)], 3: [(20, 30)]}
    stretches = disagreement_stretches(40, a, b)
    assert [(s.start, s.end, set(s.codes_a), set(s.codes_b)) for s in stretches] == [
        (10, 12, set(), {1}),
        (20, 30, {2}, {3}),
    ]


@given(st.dictionaries(st.integers(1, 3), span_lists()), st.dictionaries(st.integers(1, 3), span_lists()))
def test_stretches_cover_exactly_the_characters_where_code_sets_differ(a, b) -> None:
    stretches = disagreement_stretches(LENGTH, a, b)
    found = {i for s in stretches for i in range(s.start, s.end)}

    def codes_at(spans_by_code, i):
        return {code for code, spans in spans_by_code.items() if any(s <= i < e for s, e in spans)}

    assert found == {i for i in range(LENGTH) if codes_at(a, i) != codes_at(b, i)}
    for s in stretches:
        assert set(s.codes_a) == codes_at(a, s.start) and set(s.codes_b) == codes_at(b, s.start)


def test_unitized_alpha_krippendorff_2004_example() -> None:
    """Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed., Sage,
    pp. 254-256: two coders unitize a continuum from 150 to 450; for category c coder i marks (225, 70),
    (370, 30) and coder j (220, 80), (355, 20), (400, 20) as (begin, length): uDo = .0144, uDe = .0532,
    u-alpha = .7286; for category k both mark (180, 60) and (300, 50): u-alpha = 1."""
    c = Continuum(300, [[(75, 145), (220, 250)], [(70, 150), (205, 225), (250, 270)]])
    found = unitized_alpha([c])
    assert round(found.observed, 4) == 0.0144
    assert round(found.expected, 4) == 0.0532
    assert round(found.alpha, 4) == 0.7286
    k = unitized_alpha([Continuum(300, [[(30, 90), (150, 200)], [(30, 90), (150, 200)]])])
    assert round(k.expected, 4) == 0.0490 and k.alpha == 1


@given(span_lists())
def test_unitized_alpha_of_identical_coders_is_one(spans) -> None:
    found = unitized_alpha([Continuum(LENGTH, [spans, spans])])
    if found is not None and found.alpha is not None:
        assert found.alpha == pytest.approx(1)


@given(span_lists(), span_lists())
def test_unitized_alpha_is_symmetric_in_the_coders(a, b) -> None:
    first = unitized_alpha([Continuum(LENGTH, [a, b])])
    second = unitized_alpha([Continuum(LENGTH, [b, a])])
    assert (first is None) == (second is None)
    if first is not None:
        assert first.observed == pytest.approx(second.observed)
        assert first.expected == pytest.approx(second.expected)


def test_unitized_alpha_without_units_is_undefined() -> None:
    assert unitized_alpha([Continuum(100, [[], []])]) is None
    assert unitized_alpha([]) is None


@st.composite
def coder_spans(draw):
    return [draw(span_lists()) for _ in range(draw(st.integers(2, 4)))]


@given(coder_spans(), st.integers(0, LENGTH))
def test_coverage_histogram_equals_brute_force(spans_per_coder, length) -> None:
    from app.domain.agreement_multi import coverage_histogram

    counts = [0] * (len(spans_per_coder) + 1)
    for i in range(length):
        counts[sum(any(s <= i < e for s, e in spans) for spans in spans_per_coder)] += 1
    assert coverage_histogram(length, spans_per_coder) == tuple(counts)


@given(coder_spans())
def test_many_coder_figures_equal_the_general_formulas(spans_per_coder) -> None:
    """The histogram closed forms against Fleiss' kappa on count rows and alpha on the full data matrix."""
    from app.domain.agreement_multi import coverage_histogram, figures
    from app.domain.agreement_stats import fleiss_kappa, krippendorff_alpha

    m = len(spans_per_coder)
    result = figures(coverage_histogram(LENGTH, spans_per_coder))
    data = [[int(any(s <= i < e for s, e in spans)) for i in range(LENGTH)] for spans in spans_per_coder]
    rows = [[m - sum(column), sum(column)] for column in zip(*data)]
    for mine, general in (
        (result.fleiss_kappa, fleiss_kappa(rows)),
        (result.alpha, krippendorff_alpha(data)),
    ):
        assert (mine is None and general is None) or mine == pytest.approx(general)


@given(span_lists(), span_lists())
def test_two_coder_histogram_figures_equal_the_2x2_figures(a, b) -> None:
    from app.domain.agreement_multi import coverage_histogram, figures
    from app.domain.agreement_stats import gwet_ac1, krippendorff_alpha_binary, percent_agreement

    table = character_table(LENGTH, a, b)
    result = figures(coverage_histogram(LENGTH, [a, b]))
    assert result.percent_agreement == pytest.approx(percent_agreement(table))
    assert result.ac1 == pytest.approx(gwet_ac1(table))
    closed = krippendorff_alpha_binary(table)
    assert (result.alpha is None and closed is None) or result.alpha == pytest.approx(closed)


def test_unit_and_overlap_words_become_enums_with_their_values_unchanged() -> None:
    import json

    from app.domain.agreement import UNITS, AgreementOptions
    from app.domain.agreement_units import AgreementUnit, OverlapMode

    options = AgreementOptions(unit="segment", overlap="own")
    assert options.unit is AgreementUnit.SEGMENT and options.overlap is OverlapMode.OWN
    assert json.dumps({"unit": options.unit}) == '{"unit": "segment"}'
    assert UNITS == ("character", "segment", "presence")

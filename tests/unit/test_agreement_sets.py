"""Agreement on code sets (mutually exclusive values) against published worked examples, and its units."""

from __future__ import annotations

import pytest

from app.domain.agreement_sets import (
    SetUnit,
    alpha_from_coincidences,
    numeric_value,
    presence_units,
    segment_units,
    set_figures,
)
from app.domain.agreement_stats import cohen_kappa_matrix, krippendorff_alpha
from tests.unit.test_agreement_stats import FLEISS_1971_TABLE_1, KRIPPENDORFF_2011

RATINGS = [1.0, 2.0, 3.0, 4.0, 5.0]


def _krippendorff_units() -> list[SetUnit]:
    """The 2011 reliability data as units (one a document), values 1-5 as indices 0-4."""
    return [
        SetUnit(u + 1, tuple(None if row[u] is None else row[u] - 1 for row in KRIPPENDORFF_2011))
        for u in range(12)
    ]


def _units_from_counts(table: list[list[int]]) -> list[SetUnit]:
    """Subjects x categories counts (Fleiss' layout) as units: the ratings handed to coders in order."""
    units = []
    for subject, counts in enumerate(table):
        values = tuple(j for j, n in enumerate(counts) for _ in range(n))
        units.append(SetUnit(subject + 1, values))
    return units


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_at_every_level(level: str, published: float) -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12 units
    with missing values; the same alphas the paper publishes, through the code-set figures."""
    figures = set_figures(_krippendorff_units(), 4, RATINGS, level, replicates=0)
    assert round(figures.alpha, 3) == published
    assert (figures.units, figures.pairable, figures.complete) == (12, 11, 8)


def test_krippendorff_2011_coincidence_matrix() -> None:
    """The paper's coincidence matrix: n = 40 pairable values, n_c = 9, 13, 10, 5, 3, o_11 = 7, o_55 = 3."""
    figures = set_figures(_krippendorff_units(), 4, RATINGS, "nominal", replicates=0)
    matrix = figures.coincidences
    assert [round(sum(row), 6) for row in matrix] == [9, 13, 10, 5, 3]
    assert matrix[0][0] == pytest.approx(7)
    assert matrix[4][4] == pytest.approx(3)
    assert matrix[0][1] == pytest.approx(matrix[1][0])  # symmetric
    assert matrix[1][2] == pytest.approx(4 / 3)  # unit 2 (2, 2, 3, 2): 3 x 1/3, unit 6 (1, 2, 3, 4): 1/3


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_from_the_pooled_coincidences_equals_the_reliability_data_alpha(level: str) -> None:
    """The bootstrap pools coincidence matrices; the alpha it computes is the one of the raw data."""
    figures = set_figures(_krippendorff_units(), 4, RATINGS, level, replicates=0)
    scale = RATINGS if level in ("interval", "ratio") else list(range(5))
    assert alpha_from_coincidences(figures.coincidences, scale, level) == pytest.approx(
        krippendorff_alpha(KRIPPENDORFF_2011, level)
    )


def test_fleiss_1971_overall_and_per_category() -> None:
    """Fleiss (1971), Table 1 (30 patients x 6 psychiatrists x 5 diagnoses): kappa .430 and the per-category
    kappas of Table 2, .245, .245, .520, .471, .566."""
    figures = set_figures(_units_from_counts(FLEISS_1971_TABLE_1), 6, [None] * 5, "nominal", replicates=0)
    assert round(figures.fleiss_kappa, 3) == 0.430
    assert [round(k, 3) for k in figures.category_kappas] == [0.245, 0.245, 0.520, 0.471, 0.566]
    assert figures.cohen_kappa is None  # six coders


WIKIPEDIA_FLEISS = [  # 10 subjects x 14 raters x 5 categories, the worked example of Fleiss' kappa
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def test_fleiss_worked_example_of_fourteen_raters() -> None:
    """The well-known worked example (Wikipedia, "Fleiss' kappa"): P-bar = 0.378, P_e = 0.213, kappa = 0.210."""
    figures = set_figures(_units_from_counts(WIKIPEDIA_FLEISS), 14, [None] * 5, "nominal", replicates=0)
    assert round(figures.fleiss_kappa, 3) == 0.210
    assert round(figures.percent_agreement, 3) == 0.378


def test_two_coders_cohen_kappa_and_percent_agreement() -> None:
    """Two raters on a three-value set: Cohen's kappa is the k x k formula over the units both coded."""
    pairs = [(0, 0)] * 5 + [(1, 1)] * 4 + [(2, 2)] * 3 + [(0, 1), (1, 2), (2, 0)] + [(0, None), (None, 2)]
    units = [SetUnit(i, pair) for i, pair in enumerate(pairs)]
    figures = set_figures(units, 2, [None] * 3, "nominal", replicates=0)
    table = [[5, 1, 0], [0, 4, 1], [1, 0, 3]]
    assert figures.cohen_kappa == pytest.approx(cohen_kappa_matrix(table))
    assert figures.percent_agreement == pytest.approx(12 / 15)
    assert (figures.units, figures.pairable, figures.complete) == (17, 15, 15)


def test_rating_scale_interval_alpha_of_perfect_and_near_agreement() -> None:
    """A 1-5 rating: off-by-one disagreements cost little at the interval level, much at the nominal one."""
    ratings = [(1, 1, 2), (2, 2, 2), (3, 4, 3), (4, 4, 4), (5, 5, 4), (1, 1, 1), (3, 3, 3), (5, 5, 5)]
    units = [SetUnit(i, tuple(v - 1 for v in row)) for i, row in enumerate(ratings)]
    nominal = set_figures(units, 3, RATINGS, "nominal", replicates=0).alpha
    interval = set_figures(units, 3, RATINGS, "interval", replicates=0).alpha
    assert interval > 0.9 > nominal
    data = [[row[c] for row in ratings] for c in range(3)]
    assert interval == pytest.approx(krippendorff_alpha(data, "interval"))


def test_bootstrap_intervals_are_seeded_and_bracket_the_estimate() -> None:
    units = _krippendorff_units()
    first = set_figures(units, 4, RATINGS, "interval", replicates=300, seed=7)
    again = set_figures(units, 4, RATINGS, "interval", replicates=300, seed=7)
    assert first.intervals == again.intervals
    low, high = first.intervals["alpha"]
    assert low <= first.alpha <= high
    assert first.intervals["cohen_kappa"] is None  # four coders


def test_interval_level_needs_numbers() -> None:
    with pytest.raises(ValueError, match="number"):
        set_figures(_krippendorff_units(), 4, [1.0, None, 3.0, 4.0, 5.0], "interval", replicates=0)


def test_numeric_values_from_names() -> None:
    assert [numeric_value(n) for n in ("3", " -1 ", "2,5", "high", "nan", "")] == [
        3,
        -1,
        2.5,
        None,
        None,
        None,
    ]


def test_presence_units_treat_two_values_in_a_document_as_missing() -> None:
    units, ambiguous = presence_units([1, 2, 3], [{1: {0}, 2: {0, 1}}, {1: {1}, 2: {1}}])
    assert ambiguous == 1
    assert units == [SetUnit(1, (0, 1)), SetUnit(2, (None, 1))]  # document 3: nobody coded it


def test_segment_units_join_overlapping_codings_of_different_coders() -> None:
    coder_a = [((0, 10), 0), ((20, 30), 1), ((50, 60), 2)]
    coder_b = [((1, 10), 1), ((20, 30), 1)]
    coder_c = [((0, 10), 0), ((0, 9), 2)]  # two codings of one coder never share a unit
    units = segment_units(5, [coder_a, coder_b, coder_c], threshold=0.8)
    assert [(u.start, u.end, u.values) for u in units] == [
        (0, 9, (None, None, 2)),
        (0, 10, (0, 1, 0)),
        (20, 30, (1, 1, None)),
        (50, 60, (2, None, None)),
    ]


def test_no_units_give_undefined_figures_not_errors() -> None:
    figures = set_figures([], 3, [1.0, 2.0], "interval", replicates=100)
    assert (figures.units, figures.pairable, figures.alpha, figures.fleiss_kappa) == (0, 0, None, None)
    assert figures.category_kappas == (None, None) and figures.intervals["alpha"] is None
    one_value_each = [SetUnit(1, (0, None, None)), SetUnit(2, (None, 1, None))]
    assert set_figures(one_value_each, 3, [None, None], "nominal", replicates=0).alpha is None

"""Agreement coefficients against published worked examples, and their defining properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.agreement_stats import (
    Table2x2,
    bias_index,
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_matrix,
    fleiss_category_kappas,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_binary,
    pabak,
    percent_agreement,
    prevalence_index,
)

N = None
KRIPPENDORFF_2011 = [  # observers A-D (rows) x units 1-12 (columns); None = missing
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    ("metric", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_reliability_data_example(metric: str, published: float) -> None:
    """Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication,
    University of Pennsylvania (repository.upenn.edu/asc_papers/43), section C, "Nominal data, any number of
    observers, missing data": 4 observers x 12 units. Published alphas: nominal .743, ordinal .815,
    interval .849, ratio .797."""
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, metric), 3) == published


FLEISS_1971_TABLE_1 = [  # 30 patients x (depression, personality disorder, schizophrenia, neurosis, other)
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    """Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin 76(5),
    378-382: Table 1 (30 patients, 6 psychiatrists each, 5 diagnoses); overall kappa = .430 (p. 380) and the
    per-category kappas of Table 2: .245, .245, .520, .471, .566."""
    assert round(fleiss_kappa(FLEISS_1971_TABLE_1), 3) == 0.430
    per_category = [round(k, 3) for k in fleiss_category_kappas(FLEISS_1971_TABLE_1)]
    assert per_category == [0.245, 0.245, 0.520, 0.471, 0.566]


def test_textbook_cohen_kappa_x_ray_example() -> None:
    """Gerstman, B. B. (2013). Epidemiology Kept Simple, 3rd ed., Wiley, ch. 10, Illustrative Example 10.1
    (Table 10.3, X-ray readings, N = 19,790): p_obs = 0.8943, p_exp = 0.7780, kappa = 0.524."""
    table = Table2x2(both=1467, only_a=2249 - 1467, only_b=2776 - 1467, neither=16232)
    assert table.n == 19790
    assert round(percent_agreement(table), 4) == 0.8943
    assert round(cohen_kappa(table), 3) == 0.524


@pytest.mark.parametrize(
    ("cells", "p_o", "kappa"), [((40, 9, 6, 45), 0.85, 0.70), ((80, 10, 5, 5), 0.85, 0.32)]
)
def test_kappa_paradox_tables(cells: tuple[int, int, int, int], p_o: float, kappa: float) -> None:
    """Feinstein, A. R. & Cicchetti, D. V. (1990). High agreement but low kappa: I. The problems of two
    paradoxes. Journal of Clinical Epidemiology 43(6), 543-549: the same p_o = .85 gives kappa .70 with
    balanced marginals and .32 with a prevalent category. AC1 and PABAK stay near p_o in both."""
    table = Table2x2(*cells)
    assert percent_agreement(table) == pytest.approx(p_o)
    assert round(cohen_kappa(table), 2) == kappa
    assert pabak(table) == pytest.approx(0.70)
    assert gwet_ac1(table) > 0.69


def test_cohen_kappa_matrix_agrees_with_the_2x2_form() -> None:
    table = Table2x2(1467, 782, 1309, 16232)
    assert cohen_kappa_matrix([[1467, 782], [1309, 16232]]) == pytest.approx(cohen_kappa(table))


def test_prevalence_and_bias_indices() -> None:
    """Byrt, T., Bishop, J. & Carlin, J. B. (1993). Bias, prevalence and kappa. Journal of Clinical
    Epidemiology 46(5), 423-429: PI = (a - d) / n, BI = (b - c) / n."""
    table = Table2x2(80, 10, 5, 5)
    assert prevalence_index(table) == pytest.approx(0.75)
    assert bias_index(table) == pytest.approx(0.05)
    assert bias_index(table.swapped()) == pytest.approx(-0.05)


def test_brennan_prediger() -> None:
    assert brennan_prediger(0.85, 2) == pytest.approx(0.70)
    assert brennan_prediger(0.5, 4) == pytest.approx(1 / 3)
    assert brennan_prediger(0.5, 1) is None
    assert brennan_prediger(None, 3) is None


def test_undefined_cases_are_none_but_percent_agreement_is_reported() -> None:
    never = Table2x2(0, 0, 0, 500)  # neither coder ever used the code: no variation
    assert percent_agreement(never) == 1.0
    assert cohen_kappa(never) is None
    assert krippendorff_alpha_binary(never) is None
    assert gwet_ac1(never) == 1.0  # AC1's chance agreement is 0 here: defined
    empty = Table2x2()
    assert percent_agreement(empty) is None
    assert cohen_kappa(empty) is None
    assert gwet_ac1(empty) is None
    assert krippendorff_alpha([[1, 1], [1, 1]]) is None
    assert fleiss_kappa([]) is None


def test_fleiss_refuses_unequal_rater_counts() -> None:
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 1], [1, 1]])


def test_unknown_metric_is_refused() -> None:
    with pytest.raises(ValueError):
        krippendorff_alpha(KRIPPENDORFF_2011, "circular")


tables = st.builds(Table2x2, *(st.integers(0, 200) for _ in range(4)))


@given(tables)
def test_binary_alpha_closed_form_equals_the_general_alpha(table: Table2x2) -> None:
    a = [1] * table.both + [1] * table.only_a + [0] * table.only_b + [0] * table.neither
    b = [1] * table.both + [0] * table.only_a + [1] * table.only_b + [0] * table.neither
    general = krippendorff_alpha([a, b], "nominal")
    closed = krippendorff_alpha_binary(table)
    if general is None or closed is None:
        assert general is None and closed is None
    else:
        assert closed == pytest.approx(general, abs=1e-9)


@given(tables)
def test_coefficients_are_symmetric_in_the_coders(table: Table2x2) -> None:
    for statistic in (cohen_kappa, krippendorff_alpha_binary, gwet_ac1, percent_agreement, prevalence_index):
        assert statistic(table) == pytest.approx(statistic(table.swapped()))


@given(st.integers(1, 300), st.integers(0, 300))
def test_identical_codings_give_one_where_defined(yes: int, no: int) -> None:
    table = Table2x2(yes, 0, 0, no)
    assert percent_agreement(table) == 1
    assert gwet_ac1(table) == pytest.approx(1)
    if no:
        assert cohen_kappa(table) == pytest.approx(1)
        assert krippendorff_alpha_binary(table) == pytest.approx(1)
    else:
        assert cohen_kappa(table) is None


values = st.one_of(st.none(), st.integers(1, 5))


@given(st.lists(st.lists(values, min_size=6, max_size=6), min_size=2, max_size=4), st.randoms())
def test_alpha_ignores_unit_order(data: list[list[int | None]], random) -> None:
    order = list(range(6))
    random.shuffle(order)
    shuffled = [[row[i] for i in order] for row in data]
    for metric in ("nominal", "ordinal", "interval"):
        first, second = krippendorff_alpha(data, metric), krippendorff_alpha(shuffled, metric)
        assert (first is None and second is None) or first == pytest.approx(second)


@given(st.lists(st.lists(st.integers(1, 4), min_size=5, max_size=5), min_size=2, max_size=4))
def test_alpha_of_identical_coders_is_one(rows: list[list[int]]) -> None:
    data = [rows[0]] * len(rows)
    alpha = krippendorff_alpha(data, "nominal")
    assert alpha is None or alpha == pytest.approx(1)

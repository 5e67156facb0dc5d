"""Agreement coefficients: the formulas, each with its source, on plain counts.

Every coefficient returns `None` when it is undefined for the data (a zero denominator: for example Cohen's
kappa when both coders used one category only, "no variation"). Reviewers need to see *undefined*, not a
misleading 0 or 1, and percent agreement is still reported beside it. Callers render `None` as "-".

Two coders and one code give a 2x2 table (`Table2x2`). The general forms (k x k Cohen's kappa, Krippendorff's
alpha over a reliability-data matrix with missing values, Fleiss' kappa) serve more coders and categories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from itertools import combinations
from typing import NamedTuple

METRICS = ("nominal", "ordinal", "interval", "ratio")


class Table2x2(NamedTuple):
    """Two coders, one yes/no decision per unit: counts of units coded by both, by A only, by B only, by neither.

    For the character unit a unit is one code point; for code presence it is one document. (A named tuple:
    the bootstrap builds a million of them, and a tuple is made several times faster than a dataclass.)
    """

    both: int = 0
    only_a: int = 0
    only_b: int = 0
    neither: int = 0

    @property
    def n(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def agreed(self) -> int:
        return self.both + self.neither

    def __add__(self, other: Table2x2) -> Table2x2:  # type: ignore[override]  # cell-wise, not concatenation
        return Table2x2(
            self.both + other.both,
            self.only_a + other.only_a,
            self.only_b + other.only_b,
            self.neither + other.neither,
        )

    def swapped(self) -> Table2x2:
        """The same table with the coders' roles exchanged."""
        return Table2x2(self.both, self.only_b, self.only_a, self.neither)


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


# -- two coders, binary ---------------------------------------------------------------------------


def percent_agreement(table: Table2x2) -> float | None:
    """p_o = (both + neither) / n, as a proportion 0..1 (None for no units)."""
    return _ratio(table.agreed, table.n)


def cohen_kappa(table: Table2x2) -> float | None:
    """Cohen (1960): kappa = (p_o - p_e) / (1 - p_e), p_e from each coder's own marginals."""
    n = table.n
    if n == 0:
        return None
    p_o = table.agreed / n
    a_yes = (table.both + table.only_a) / n
    b_yes = (table.both + table.only_b) / n
    p_e = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    return _ratio(p_o - p_e, 1 - p_e)


def krippendorff_alpha_binary(table: Table2x2) -> float | None:
    """Krippendorff's alpha, nominal, two coders, no missing values, in closed form.

    With N units there are n = 2N pairable values; the coincidence matrix has o_01 = o_10 = only_a + only_b,
    n_1 = 2*both + only_a + only_b and n_0 = 2*neither + only_a + only_b, so
    alpha = 1 - (n - 1) * (only_a + only_b) / (n_0 * n_1)  (Krippendorff 2011, "Computing ...", section A).
    """
    n = 2 * table.n
    disagreements = table.only_a + table.only_b
    n_1 = 2 * table.both + disagreements
    n_0 = 2 * table.neither + disagreements
    if n_0 * n_1 == 0:
        return None
    return 1 - (n - 1) * disagreements / (n_0 * n_1)


def gwet_ac1(table: Table2x2) -> float | None:
    """Gwet (2008) AC1: chance agreement p_e = 2 * pi * (1 - pi), pi the mean of the coders' 'yes' rates.

    p_e never exceeds 0.5, so AC1 stays defined (and stable) for rare codes where kappa collapses.
    """
    n = table.n
    if n == 0:
        return None
    p_o = table.agreed / n
    pi = ((table.both + table.only_a) / n + (table.both + table.only_b) / n) / 2
    p_e = 2 * pi * (1 - pi)
    return _ratio(p_o - p_e, 1 - p_e)


def prevalence_index(table: Table2x2) -> float | None:
    """Byrt, Bishop & Carlin (1993): PI = (both - neither) / n; near +-1 means a very common or very rare code."""
    return _ratio(table.both - table.neither, table.n)


def bias_index(table: Table2x2) -> float | None:
    """Byrt, Bishop & Carlin (1993): BI = (only_a - only_b) / n; how differently often the coders used the code."""
    return _ratio(table.only_a - table.only_b, table.n)


def pabak(table: Table2x2) -> float | None:
    """Prevalence- and bias-adjusted kappa (Byrt, Bishop & Carlin 1993): 2 * p_o - 1."""
    p_o = percent_agreement(table)
    return None if p_o is None else 2 * p_o - 1


def brennan_prediger(p_o: float | None, categories: int) -> float | None:
    """Brennan & Prediger (1981) kappa_n = (p_o - 1/k) / (1 - 1/k): chance agreement 1/k for k categories."""
    if p_o is None or categories < 2:
        return None
    chance = 1 / categories
    return (p_o - chance) / (1 - chance)


# -- two coders, k categories ---------------------------------------------------------------------


def cohen_kappa_matrix(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cohen's kappa for a k x k table: rows coder A's categories, columns coder B's (counts or proportions)."""
    k = len(matrix)
    if any(len(row) != k for row in matrix):
        raise ValueError("the agreement matrix must be square")
    n = sum(sum(row) for row in matrix)
    if n == 0:
        return None
    p_o = sum(matrix[i][i] for i in range(k)) / n
    rows = [sum(row) / n for row in matrix]
    cols = [sum(matrix[i][j] for i in range(k)) / n for j in range(k)]
    p_e = sum(r * c for r, c in zip(rows, cols))
    return _ratio(p_o - p_e, 1 - p_e)


# -- many coders ----------------------------------------------------------------------------------


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float | None:
    """Fleiss (1971) kappa: `counts[i][j]` raters put subject i in category j; every subject has m raters."""
    subjects = [list(row) for row in counts if sum(row) > 0]
    if not subjects:
        return None
    m = sum(subjects[0])
    if m < 2 or any(sum(row) != m for row in subjects):
        raise ValueError("Fleiss' kappa needs the same number (at least 2) of ratings for every subject")
    n_subjects = len(subjects)
    categories = len(subjects[0])
    p_j = [sum(row[j] for row in subjects) / (n_subjects * m) for j in range(categories)]
    p_i = [(sum(x * x for x in row) - m) / (m * (m - 1)) for row in subjects]
    p_bar = sum(p_i) / n_subjects
    p_e = sum(p * p for p in p_j)
    return _ratio(p_bar - p_e, 1 - p_e)


def fleiss_category_kappas(counts: Sequence[Sequence[int]]) -> list[float | None]:
    """Fleiss (1971, eq. 10) kappa for each category j against all others."""
    subjects = [list(row) for row in counts if sum(row) > 0]
    if not subjects:
        return []
    m = sum(subjects[0])
    n_subjects = len(subjects)
    result: list[float | None] = []
    for j in range(len(subjects[0])):
        p = sum(row[j] for row in subjects) / (n_subjects * m)
        disagreement = sum(row[j] * (m - row[j]) for row in subjects)
        denominator = n_subjects * m * (m - 1) * p * (1 - p)
        result.append(None if denominator == 0 else 1 - disagreement / denominator)
    return result


def krippendorff_alpha(data: Sequence[Sequence[Hashable | None]], metric: str = "nominal") -> float | None:
    """Krippendorff's alpha for reliability data: `data[coder][unit]`, `None` where a value is missing.

    Follows Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability": units with fewer than two values
    are not pairable and drop out; the coincidence matrix o_ck counts pairs within units weighted 1/(m_u - 1);
    alpha = 1 - (n - 1) * sum o_ck d_ck / sum n_c n_k d_ck. Metrics: nominal, ordinal (ranks of the sorted
    values, with the n_g of the values between), interval (c - k)^2, ratio ((c - k) / (c + k))^2.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    if not data:
        return None
    n_units = max(len(row) for row in data)
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for u in range(n_units):
        values = [row[u] for row in data if u < len(row) and row[u] is not None]
        m_u = len(values)
        if m_u < 2:
            continue
        weight = 1 / (m_u - 1)
        for i, j in combinations(range(m_u), 2):
            coincidences[(values[i], values[j])] += weight
            coincidences[(values[j], values[i])] += weight
    totals: Counter[Hashable] = Counter()
    for (c, _k), count in coincidences.items():
        totals[c] += count
    n = sum(totals.values())
    if n <= 1:
        return None
    distance = distance_function(metric, totals)
    observed = sum(count * distance(c, k) for (c, k), count in coincidences.items() if c != k)
    values = list(totals)
    expected = sum(totals[c] * totals[k] * distance(c, k) for c in values for k in values if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def distance_function(metric: str, totals: Counter[Hashable]):
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float(c - k) ** 2  # type: ignore[operator]
    if metric == "ratio":
        return lambda c, k: 0.0 if c + k == 0 else float((c - k) / (c + k)) ** 2  # type: ignore[operator]
    ordered = sorted(totals)  # ordinal: the values' rank order
    position = {value: i for i, value in enumerate(ordered)}
    cumulative = [0.0]
    for value in ordered:
        cumulative.append(cumulative[-1] + totals[value])

    def ordinal(c, k) -> float:
        lo, hi = sorted((position[c], position[k]))
        between = cumulative[hi + 1] - cumulative[lo]
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return ordinal

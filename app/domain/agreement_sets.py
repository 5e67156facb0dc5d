"""Agreement on a code set: mutually exclusive values (a rupture type, a 1-5 rating), many coders, missing data.

A *code set* is a parent code whose children are its values, ordered as in the codebook; each value has a
numeric value for the interval and ratio levels. A *unit* is one document (the presence unit) or one segment
(the segment unit, see `segment_units`); in each unit every coder gave at most one value, or none (missing).

Figures over the reliability data (`SetUnit`s, grouped by document so intervals can resample documents):

- Krippendorff's alpha at the nominal, ordinal (the codebook order of the values), interval or ratio level
  (the values' numbers), from `agreement_stats.krippendorff_alpha`; units with fewer than two values are not
  pairable and drop out (Krippendorff 2011);
- the coincidence matrix o_ck of the values (Krippendorff 2011): pairs of values within units, 1/(m_u - 1) each;
- Fleiss' kappa (1971), overall and per value, over the units every coder coded (Fleiss needs the same number
  of ratings per unit), and Cohen's kappa (k x k) for two coders over the units both coded;
- percent agreement: the mean, over pairable units, of the share of agreeing pairs of values in the unit (for
  two coders: the share of units both coded with the same value).

95 % intervals are percentile bootstraps over documents with the same resamples as the per-code figures
(`bootstrap.py`): each document's contribution to every figure is a vector of sums, so a resample pools them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from app.domain import agreement_stats as stats
from app.domain.agreement_units import AgreementUnit, Span, overlap_ratio
from app.domain.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED, document_resamples, percentile

LEVELS = stats.METRICS
SET_UNITS = (AgreementUnit.PRESENCE, AgreementUnit.SEGMENT)


@dataclass(frozen=True)
class SetUnit:
    """One unit: the value index (0..k-1, codebook order) each coder gave, None where the coder gave none."""

    document_id: int
    values: tuple[int | None, ...]
    start: int | None = None  # segment unit: the range the unit's codings cover
    end: int | None = None

    @property
    def given(self) -> list[int]:
        return [v for v in self.values if v is not None]


@dataclass(frozen=True)
class SetFigures:
    level: str
    coders: int
    units: int  # units with at least one value
    pairable: int  # units with two values or more (the ones alpha uses)
    complete: int  # units every coder coded (the ones Fleiss' kappa uses)
    alpha: float | None
    fleiss_kappa: float | None
    cohen_kappa: float | None  # two coders only
    percent_agreement: float | None  # 0..1
    category_kappas: tuple[float | None, ...]  # Fleiss' kappa of each value against the others
    coincidences: tuple[tuple[float, ...], ...]  # k x k, rows and columns in the values' order
    intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)  # bootstrap, at `confidence`
    confidence: float = 0.95


def numeric_value(name: str) -> float | None:
    """A value's number from its name when the name is a number ("3", "-1", "2.5"), else None."""
    try:
        number = float(name.strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


# -- units -------------------------------------------------------------------------------------------


def presence_units(
    documents: Sequence[int], values_by_coder: Sequence[dict[int, set[int]]]
) -> tuple[list[SetUnit], int]:
    """One unit a document: each coder's value in it (`values_by_coder[c][document]`: the values used).

    A coder who used two different values of the set in one document gave no single value there: it counts
    as missing and in the returned number of such ambiguous (coder, document) cases.
    """
    units: list[SetUnit] = []
    ambiguous = 0
    for document in documents:
        row: list[int | None] = []
        for by_document in values_by_coder:
            used = by_document.get(document, set())
            if len(used) > 1:
                ambiguous += 1
            row.append(next(iter(used)) if len(used) == 1 else None)
        if any(v is not None for v in row):
            units.append(SetUnit(document, tuple(row)))
    return units, ambiguous


def segment_units(
    document_id: int,
    codings_by_coder: Sequence[Sequence[tuple[Span, int]]],
    threshold: float = 0.9,
    overlap: str = "union",
) -> list[SetUnit]:
    """Segments as units: codings of different coders overlapping by at least `threshold` form one unit.

    Each coder's codings of the set in the document are (span, value) pairs. Candidate pairs of codings of two
    different coders are joined greedily by decreasing overlap (as `match_segments` does for one code, but
    whatever the value: a unit is a stretch of text, its values are what the coders said about it), never
    putting two codings of one coder in one unit. A coding nobody else matched is a unit with one value.
    """
    items = [
        (coder, span, value) for coder, codings in enumerate(codings_by_coder) for span, value in codings
    ]
    items.sort(key=lambda item: (item[1], item[0]))
    group = list(range(len(items)))
    members: dict[int, set[int]] = {i: {items[i][0]} for i in range(len(items))}

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    candidates = []
    for i, (coder_i, span_i, _value) in enumerate(items):
        for j in range(i + 1, len(items)):
            coder_j, span_j, _other = items[j]
            if span_j[0] >= span_i[1]:  # sorted by start: no later coding overlaps this one
                break
            if coder_i == coder_j:
                continue
            ratio = min(overlap_ratio(span_i, span_j, overlap), overlap_ratio(span_j, span_i, overlap))
            if ratio >= threshold:
                candidates.append((-ratio, i, j))
    for _ratio, i, j in sorted(candidates):
        a, b = root(i), root(j)
        if a != b and not members[a] & members[b]:
            group[b] = a
            members[a] |= members.pop(b)
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(root(i), []).append(i)
    units = []
    for indices in clusters.values():
        row: list[int | None] = [None] * len(codings_by_coder)
        for i in indices:
            row[items[i][0]] = items[i][2]
        start = min(items[i][1][0] for i in indices)
        end = max(items[i][1][1] for i in indices)
        units.append(SetUnit(document_id, tuple(row), start, end))
    units.sort(key=lambda unit: (unit.start or 0, unit.end or 0))
    return units


# -- figures -------------------------------------------------------------------------------------------


def set_figures(
    units: Sequence[SetUnit],
    coders: int,
    numbers: Sequence[float | None],
    level: str = "nominal",
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> SetFigures:
    """Every figure of a code set of k = len(numbers) values; `numbers` serve the interval and ratio levels."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    k = len(numbers)
    if level in ("interval", "ratio"):
        missing = [i for i, number in enumerate(numbers) if number is None]
        if missing:
            raise ValueError(f"the {level} level needs a number for every value (missing: {missing})")
    scale = _scale(numbers, level)
    data = [[None if v is None else scale[v] for v in (u.values[c] for u in units)] for c in range(coders)]
    alpha = stats.krippendorff_alpha(data, level) if units else None
    sums = _sums([u.values for u in units], k, coders)
    figures = _from_sums(sums, k, coders, scale, level)
    _counts, coinc, _table = _offsets(k)
    coincidences = tuple(tuple(sums[coinc + i * k : coinc + (i + 1) * k]) for i in range(k))
    complete_rows = [
        [sum(1 for v in u.values if v == j) for j in range(k)] for u in units if len(u.given) == coders
    ]
    per_document: dict[int, list[tuple[int | None, ...]]] = {}
    for unit in units:
        per_document.setdefault(unit.document_id, []).append(unit.values)
    intervals = _bootstrap(list(per_document.values()), k, coders, scale, level, replicates, seed, confidence)
    given = [len(u.given) for u in units]
    return SetFigures(
        level=level,
        coders=coders,
        units=sum(1 for g in given if g),
        pairable=sum(1 for g in given if g >= 2),
        complete=sum(1 for g in given if g == coders),
        alpha=alpha,
        fleiss_kappa=figures["fleiss_kappa"],
        cohen_kappa=figures["cohen_kappa"] if coders == 2 else None,
        percent_agreement=figures["percent_agreement"],
        category_kappas=tuple(stats.fleiss_category_kappas(complete_rows)) if complete_rows else (None,) * k,
        coincidences=coincidences,
        intervals=intervals,
        confidence=confidence,
    )


def _scale(numbers: Sequence[float | None], level: str) -> list[Hashable]:
    """What alpha compares: the value's index (nominal, ordinal: codebook order) or its number."""
    if level in ("interval", "ratio"):
        return [float(n) for n in numbers]  # type: ignore[arg-type]
    return list(range(len(numbers)))


# A document's (or a pool's) sums, one flat vector of floats:
# [pairable units, sum of unit agreement, complete units, sum of Fleiss P_i] + k category counts of complete
# units + k*k coincidences + k*k two-coder table (first coder's value, second coder's value).
def _offsets(k: int) -> tuple[int, int, int]:
    counts = 4
    coincidences = counts + k
    table = coincidences + k * k
    return counts, coincidences, table


def _sums(unit_values: Sequence[tuple[int | None, ...]], k: int, coders: int) -> list[float]:
    counts, coinc, table = _offsets(k)
    sums = [0.0] * (table + k * k)
    for values in unit_values:
        given = [v for v in values if v is not None]
        m_u = len(given)
        if m_u >= 2:
            sums[0] += 1
            tally = Counter(given)
            agreeing = sum(n * (n - 1) for n in tally.values())
            sums[1] += agreeing / (m_u * (m_u - 1))
            for c, k_ in combinations(given, 2):
                sums[coinc + c * k + k_] += 1 / (m_u - 1)
                sums[coinc + k_ * k + c] += 1 / (m_u - 1)
            if m_u == coders:
                sums[2] += 1
                sums[3] += agreeing / (coders * (coders - 1))
                for value, n in tally.items():
                    sums[counts + value] += n
        if coders == 2 and m_u == 2:
            sums[table + values[0] * k + values[1]] += 1  # type: ignore[operator]
    return sums


def _from_sums(
    sums: Sequence[float], k: int, coders: int, scale: Sequence[Hashable], level: str
) -> dict[str, float | None]:
    counts, coinc, table = _offsets(k)
    pairable, agreement, complete, p_sum = sums[:4]
    percent = None if pairable == 0 else agreement / pairable
    fleiss = None
    if complete:
        p_j = [sums[counts + j] / (complete * coders) for j in range(k)]
        p_e = sum(p * p for p in p_j)
        fleiss = None if p_e == 1 else (p_sum / complete - p_e) / (1 - p_e)
    cohen = None
    if coders == 2:
        matrix = [list(sums[table + i * k : table + (i + 1) * k]) for i in range(k)]
        cohen = stats.cohen_kappa_matrix(matrix) if k else None
    alpha = alpha_from_coincidences(
        [sums[coinc + i * k : coinc + (i + 1) * k] for i in range(k)], scale, level
    )
    return {"percent_agreement": percent, "fleiss_kappa": fleiss, "cohen_kappa": cohen, "alpha": alpha}


def alpha_from_coincidences(
    matrix: Sequence[Sequence[float]], scale: Sequence[Hashable], level: str
) -> float | None:
    """Krippendorff's alpha from a coincidence matrix (rows and columns: values with the scale's labels)."""
    totals: Counter[Hashable] = Counter()
    for i, row in enumerate(matrix):
        if sum(row):
            totals[scale[i]] += sum(row)
    n = sum(totals.values())
    if n <= 1:
        return None
    distance = stats.distance_function(level, totals)
    observed = sum(
        count * distance(scale[i], scale[j])
        for i, row in enumerate(matrix)
        for j, count in enumerate(row)
        if count and i != j
    )
    present = list(totals)
    expected = sum(totals[c] * totals[d] * distance(c, d) for c in present for d in present if c != d)
    return None if expected == 0 else 1 - (n - 1) * observed / expected


def _bootstrap(
    documents: Sequence[Sequence[tuple[int | None, ...]]],
    k: int,
    coders: int,
    scale: Sequence[Hashable],
    level: str,
    replicates: int,
    seed: int,
    confidence: float,
) -> dict[str, tuple[float, float] | None]:
    names = ("alpha", "fleiss_kappa", "cohen_kappa", "percent_agreement")
    if len(documents) < 2 or replicates <= 0:
        return dict.fromkeys(names)
    vectors = [tuple(_sums(units, k, coders)) for units in documents]
    draws: dict[str, list[float]] = {name: [] for name in names}
    for pick in document_resamples(len(vectors), replicates, seed):
        pooled = [sum(column) for column in zip(*pick(vectors))]
        for name, value in _from_sums(pooled, k, coders, scale, level).items():
            if value is not None:
                draws[name].append(value)
    tail = (1 - confidence) / 2
    result: dict[str, tuple[float, float] | None] = {}
    for name, values in draws.items():
        if len(values) * 2 < replicates:
            result[name] = None
            continue
        values.sort()
        result[name] = (percentile(values, tail), percentile(values, 1 - tail))
    return result

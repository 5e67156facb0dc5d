"""Krippendorff's unitized alpha (u-alpha) for one code over continua with gaps.

Each coder divides a continuum (a document's text, length L in code points) into units of the code and the
gaps between them. Following Krippendorff (1995, "On the reliability of unitizing continuous data",
Sociological Methodology 25) in the form of Krippendorff (2004, Content Analysis, 2nd ed., pp. 251-256):

- the difference of coder i's segment g = (b_g, l_g) and coder j's segment h = (b_h, l_h) is
  (b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2 when both are units and overlap; l_g^2 when g is a unit lying
  inside the gap h (and l_h^2 for a unit h inside a gap g); 0 otherwise (gap with gap, or no overlap);
- observed disagreement uDo = sum over ordered coder pairs i != j of sum_g sum_h delta^2 / (m (m - 1) L^2);
- expected disagreement, over all ways of placing the units in the continuum,
  uDe = (2 / L) * sum over units u [ (N_u - 1)/3 * (2 l_u^3 - 3 l_u^2 + l_u)
                                     + l_u^2 * sum over gaps g with l_g >= l_u of (l_g - l_u + 1) ]
        / (m L (m L - 1) - sum over units l_u (l_u - 1)),
  N_u the number of units of all coders, the gaps those of all coders;
- u-alpha = 1 - uDo / uDe.

The factor 2/L reproduces the published example (Krippendorff 2004, p. 254: uDo = 0.0144, uDe = 0.0532,
u-alpha = 0.7286 for category c), as DKPro Statistics also found. Several documents are pooled as one
continuum of their summed length whose segments never cross a document boundary. A coder's overlapping
codings are merged first (units of one coder and code may not overlap); touching ones stay separate units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.agreement_units import Span, merge_spans


@dataclass(frozen=True)
class Continuum:
    """One document: its length and, for each coder, the spans coded with the code."""

    length: int
    units: Sequence[Sequence[Span]]


@dataclass(frozen=True)
class UnitizedAlpha:
    observed: float
    expected: float
    alpha: float | None


def _segments(length: int, units: Sequence[Span]) -> list[tuple[int, int, bool]]:
    """The continuum cut into (start, end, is_unit) segments: the units and the gaps around them."""
    segments: list[tuple[int, int, bool]] = []
    position = 0
    for start, end in merge_spans(units, length=length, touching=False):
        if start > position:
            segments.append((position, start, False))
        segments.append((start, end, True))
        position = end
    if position < length:
        segments.append((position, length, False))
    return segments


def _delta(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    (bg, eg, unit_g), (bh, eh, unit_h) = g, h
    if unit_g and unit_h:
        if bg < eh and bh < eg:
            return (bg - bh) ** 2 + (eg - eh) ** 2
        return 0
    if unit_g and not unit_h and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if unit_h and not unit_g and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _pair_difference(first: list[tuple[int, int, bool]], second: list[tuple[int, int, bool]]) -> int:
    """Sum of delta^2 over all overlapping segment pairs of two coders (a merge-like sweep)."""
    i = j = total = 0
    while i < len(first) and j < len(second):
        total += _delta(first[i], second[j])
        if first[i][1] < second[j][1]:
            i += 1
        elif second[j][1] < first[i][1]:
            j += 1
        else:
            i += 1
            j += 1
    return total


def unitized_alpha(continua: Sequence[Continuum]) -> UnitizedAlpha | None:
    """u-alpha of one code over one or more documents; None without units or when uDe is 0."""
    continua = [c for c in continua if c.length > 0]
    if not continua:
        return None
    m = len(continua[0].units)
    if m < 2 or any(len(c.units) != m for c in continua):
        raise ValueError("u-alpha needs the same number (at least 2) of coders for every document")
    total_length = sum(c.length for c in continua)
    observed_sum = 0
    unit_lengths: list[int] = []
    gap_lengths: list[int] = []
    for continuum in continua:
        per_coder = [_segments(continuum.length, units) for units in continuum.units]
        for segments in per_coder:
            for start, end, is_unit in segments:
                (unit_lengths if is_unit else gap_lengths).append(end - start)
        for i in range(m):
            for j in range(i + 1, m):
                observed_sum += 2 * _pair_difference(per_coder[i], per_coder[j])
    if not unit_lengths:
        return None
    observed = observed_sum / (m * (m - 1) * total_length**2)
    n_units = len(unit_lengths)
    gap_lengths.sort()
    suffix_count, suffix_sum = _suffix_sums(gap_lengths)
    numerator = 0.0
    for lu in unit_lengths:
        first = _first_at_least(gap_lengths, lu)
        gaps_term = suffix_sum[first] - (lu - 1) * suffix_count[first]  # sum of (l_g - l_u + 1)
        numerator += (n_units - 1) / 3 * (2 * lu**3 - 3 * lu**2 + lu) + lu**2 * gaps_term
    denominator = m * total_length * (m * total_length - 1) - sum(lu * (lu - 1) for lu in unit_lengths)
    if denominator <= 0:
        return None
    expected = (2 / total_length) * numerator / denominator
    alpha = None if expected == 0 else 1 - observed / expected
    return UnitizedAlpha(observed, expected, alpha)


def _suffix_sums(sorted_values: list[int]) -> tuple[list[int], list[int]]:
    count = [0] * (len(sorted_values) + 1)
    total = [0] * (len(sorted_values) + 1)
    for index in range(len(sorted_values) - 1, -1, -1):
        count[index] = count[index + 1] + 1
        total[index] = total[index + 1] + sorted_values[index]
    return count, total


def _first_at_least(sorted_values: list[int], value: int) -> int:
    from bisect import bisect_left

    return bisect_left(sorted_values, value)

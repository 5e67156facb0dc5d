"""Agreement of three or more coders at the character (or document) unit, from coverage histograms.

For one code and one document, what matters for many-coder statistics is, for each character, how many of
the m coders coded it. A boundary sweep over the coders' merged spans gives `histogram[k]` = the number of
characters coded by exactly k coders, without one array cell per character. Histograms of documents add up
(pooling units), and every coefficient below has a closed form over the histogram:

- mean pairwise agreement P = sum_k h_k (C(k,2) + C(m-k,2)) / (N C(m,2))  (Fleiss 1971's P-bar);
- Fleiss' kappa (binary): (P - P_e) / (1 - P_e), P_e = p^2 + (1-p)^2, p = sum_k k h_k / (N m);
- Krippendorff's alpha (nominal, no missing values): o_01 = sum_k h_k k (m-k) / (m-1), n_1 = sum_k k h_k,
  n_0 = N m - n_1, alpha = 1 - (N m - 1) o_01 / (n_0 n_1);
- Gwet's AC1 (Gwet 2008, multiple raters, q = 2 categories): (P - e) / (1 - e), e = 2 p (1 - p).
Two coders give exactly the 2x2 formulas of `agreement_stats` (a test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.agreement_units import Span, merge_spans
from app.domain.bootstrap import bootstrap_many, document_resamples

Histogram = tuple[int, ...]  # index k: units coded by exactly k coders


def coverage_histogram(length: int, spans_per_coder: Sequence[Sequence[Span]]) -> Histogram:
    """Characters of a text of `length` coded by exactly k of the coders, for k = 0..m."""
    m = len(spans_per_coder)
    events: dict[int, int] = {}
    for spans in spans_per_coder:
        for start, end in merge_spans(spans, length=length):
            events[start] = events.get(start, 0) + 1
            events[end] = events.get(end, 0) - 1
    counts = [0] * (m + 1)
    active = 0
    previous = 0
    for position in sorted(events):
        counts[active] += position - previous
        active += events[position]
        previous = position
    counts[active] += length - previous
    return tuple(counts)


def presence_histogram(used: Sequence[bool]) -> Histogram:
    """One document as one unit: how many of the coders used the code in it."""
    counts = [0] * (len(used) + 1)
    counts[sum(1 for u in used if u)] = 1
    return tuple(counts)


def add(first: Histogram, second: Histogram) -> Histogram:
    return tuple(a + b for a, b in zip(first, second))


@dataclass(frozen=True)
class MultiFigures:
    n_units: int
    coders: int
    percent_agreement: float | None  # mean pairwise agreement, 0..1
    fleiss_kappa: float | None
    alpha: float | None
    ac1: float | None


def figures(histogram: Histogram) -> MultiFigures:
    m = len(histogram) - 1
    n = sum(histogram)
    if m < 2 or n == 0:
        return MultiFigures(n, m, None, None, None, None)
    pairs = m * (m - 1) / 2
    agreeing = sum(h * (k * (k - 1) / 2 + (m - k) * (m - k - 1) / 2) for k, h in enumerate(histogram))
    p_o = agreeing / (n * pairs)
    n_1 = sum(k * h for k, h in enumerate(histogram))
    p = n_1 / (n * m)
    p_e = p * p + (1 - p) * (1 - p)
    kappa = None if p_e == 1 else (p_o - p_e) / (1 - p_e)
    n_0 = n * m - n_1
    o_01 = sum(h * k * (m - k) / (m - 1) for k, h in enumerate(histogram))
    alpha = None if n_0 * n_1 == 0 else 1 - (n * m - 1) * o_01 / (n_0 * n_1)
    e = 2 * p * (1 - p)
    ac1 = (p_o - e) / (1 - e)
    return MultiFigures(n, m, p_o, kappa, alpha, ac1)


_NAMES = ("percent_agreement", "fleiss_kappa", "alpha", "ac1")
_STATISTICS = {name: (lambda histogram, name=name: getattr(figures(histogram), name)) for name in _NAMES}


def bootstrap_multi(
    histograms_per_item: Sequence[Sequence[Histogram]], replicates: int, seed: int, confidence: float = 0.95
) -> list[dict[str, tuple[float, float] | None]]:
    """Percentile intervals of the pooled figures of each item (code), documents resampled (`bootstrap.py`)."""
    n_documents = len(histograms_per_item[0]) if histograms_per_item else 0
    resamples = (
        document_resamples(n_documents, replicates, seed) if n_documents > 1 and replicates > 0 else []
    )
    return bootstrap_many(histograms_per_item, _STATISTICS, resamples, confidence, build=tuple)


@dataclass(frozen=True)
class MultiCodeAgreement:
    code_id: int | None  # None: all codes pooled
    histogram: Histogram
    figures: MultiFigures
    intervals: dict[str, tuple[float, float] | None]  # bootstrap, at `confidence`
    confidence: float = 0.95


def compute_multi_agreement(
    documents: dict[int, int],
    codes: Sequence[int],
    spans_per_coder: Sequence[dict[tuple[int, int], Sequence[Span]]],
    *,
    unit: str = "character",
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[list[MultiCodeAgreement], MultiCodeAgreement]:
    """Per code and pooled figures of m >= 2 coders; unit `character` or `presence` (one unit a document)."""
    if unit not in ("character", "presence"):
        raise ValueError("many coders are compared by the character or the presence unit")
    m = len(spans_per_coder)
    doc_ids = [d for d in documents if documents[d] > 0] if unit == "character" else list(documents)
    empty: Histogram = (0,) * (m + 1)
    totals = [empty] * len(doc_ids)
    per_code: list[list[Histogram]] = []
    for code in codes:
        if unit == "character":
            histograms = [
                coverage_histogram(documents[d], [spans.get((d, code), ()) for spans in spans_per_coder])
                for d in doc_ids
            ]
        else:
            histograms = [
                presence_histogram([bool(spans.get((d, code))) for spans in spans_per_coder]) for d in doc_ids
            ]
        totals = [add(total, h) for total, h in zip(totals, histograms)]
        per_code.append(histograms)
    intervals = bootstrap_multi([*per_code, totals], replicates, seed, confidence)
    rows = []
    for code, histograms, code_intervals in zip(codes, per_code, intervals):
        pooled = _pool(histograms, empty)
        rows.append(MultiCodeAgreement(code, pooled, figures(pooled), code_intervals, confidence))
    overall_histogram = _pool(totals, empty)
    overall = MultiCodeAgreement(None, overall_histogram, figures(overall_histogram), intervals[-1], confidence)
    return rows, overall


def _pool(histograms: Sequence[Histogram], empty: Histogram) -> Histogram:
    pooled = empty
    for histogram in histograms:
        pooled = add(pooled, histogram)
    return pooled

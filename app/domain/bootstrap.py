"""Percentile bootstrap confidence intervals over documents, seeded and reproducible.

Why documents and not characters or segments: the characters of one document are not independent units (a
coding decision covers hundreds of neighbouring characters, and coders' habits differ by transcript), so
resampling characters would pretend the sample were thousands of times larger than it is and give absurdly
narrow intervals. Documents are what a study samples; resampling whole documents (a cluster bootstrap,
Davison & Hinkley 1997, section 3.8) keeps every within-document dependence intact. The same resamples are
used for every code, so codes are compared on the same bootstrap worlds.

The interval is the percentile interval (Efron & Tibshirani 1993, ch. 13) of the pooled statistic over
`replicates` resamples; replicates where the statistic is undefined (e.g. no variation) are left out, and no
interval is given when fewer than half of them are defined or with fewer than two documents.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from operator import itemgetter

from app.domain.agreement_stats import Table2x2

DEFAULT_REPLICATES = 1000
DEFAULT_SEED = 20_251_129
Interval = tuple[float, float]
Statistic = Callable[[Table2x2], float | None]


def document_resamples(n_documents: int, replicates: int, seed: int) -> list[Callable[[list[int]], tuple]]:
    """`replicates` resamples of document indices (with replacement), as fast picking functions."""
    rng = random.Random(seed)
    pickers = []
    for _ in range(replicates):
        indices = [rng.randrange(n_documents) for _ in range(n_documents)]
        pickers.append(
            itemgetter(*indices) if n_documents > 1 else (lambda values, i=indices: (values[i[0]],))
        )
    return pickers


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default 'linear' method)."""
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def bootstrap_intervals(
    tables: Sequence[Table2x2],
    statistics: dict[str, Statistic],
    resamples: Sequence[Callable[[list[int]], tuple]],
    confidence: float = 0.95,
) -> dict[str, Interval | None]:
    """Percentile intervals of each statistic of the pooled (summed) table, documents resampled."""
    if len(tables) < 2 or not resamples:
        return dict.fromkeys(statistics)
    both = [t.both for t in tables]
    only_a = [t.only_a for t in tables]
    only_b = [t.only_b for t in tables]
    neither = [t.neither for t in tables]
    draws: dict[str, list[float]] = {name: [] for name in statistics}
    for pick in resamples:
        pooled = Table2x2(sum(pick(both)), sum(pick(only_a)), sum(pick(only_b)), sum(pick(neither)))
        for name, statistic in statistics.items():
            value = statistic(pooled)
            if value is not None:
                draws[name].append(value)
    tail = (1 - confidence) / 2
    result: dict[str, Interval | None] = {}
    for name, values in draws.items():
        if len(values) * 2 < len(resamples):
            result[name] = None
            continue
        values.sort()
        result[name] = (percentile(values, tail), percentile(values, 1 - tail))
    return result

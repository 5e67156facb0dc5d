"""Inter-coder agreement of two coders, per code and overall, in one of three units (pure Python).

Units (say which one you report; tools disagree on what "agreement" means):

- `character` (NVivo's unit): for a code and a document every code point of the text is a unit, coded with
  the code or not by each coder. Tables are pooled per code by *summing the 2x2 tables over documents*
  (pooling units), never by averaging per-document kappas. `overall` pools every (code, character) unit.
  Reported: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal), Gwet's AC1, prevalence and
  bias indices (Byrt, Bishop & Carlin 1993), PABAK, and Krippendorff's u-alpha of the code's units.
- `segment` (MAXQDA's unit): every coding is a unit; see `agreement_units.match_segments`. The table is
  a = agreed pairs, b / c = unmatched codings, d = 0, so p_o = a / (a + b + c). The chance-corrected figure
  is Brennan & Prediger's kappa_n = (p_o - 1/k) / (1 - 1/k) (as Kuckartz & Raediker 2019 document for
  MAXQDA, whose help says chance agreement is "determined by the number of different categories used by the
  two coders", i.e. the codes of the result table), with k = the number of codes compared, at least 2 (for
  one code the choice is binary: apply it or not). The overlap criterion is intersection over union by
  default (symmetric; both boundaries must nearly coincide) or, with `overlap="own"`, the share of each
  coding covered by the other (MAXQDA's help does not spell out its formula; say which one you used). Cohen's kappa, alpha and AC1 need the "neither" cell, which does not
  exist for segments: they are None.
- `presence`: each document is a unit: did each coder use the code in it at all. Cohen's kappa etc. across
  documents.

`kappa` is None where undefined (no variation: both coders never or always used the code), while percent
agreement is still reported. 95 % intervals are percentile bootstraps over documents (`bootstrap.py` says
why), seeded so the same data give the same interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.domain import agreement_stats as stats
from app.domain.agreement_stats import Table2x2
from app.domain.agreement_unitized import Continuum, unitized_alpha
from app.domain.agreement_units import (
    OVERLAP_MEASURES,
    AgreementUnit,
    OverlapMode,
    Span,
    character_table,
    match_segments,
    presence_table,
)
from app.domain.bootstrap import (
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    Interval,
    Statistic,
    bootstrap_many,
    document_resamples,
)

UNITS = tuple(AgreementUnit)
SpansByKey = Mapping[tuple[int, int], Sequence[Span]]  # (document id, code id) -> spans of one coder


@dataclass(frozen=True)
class DocumentFigures:
    """The figures of one code in one document (two coders, character and segment units)."""

    document_id: int
    table: Table2x2
    percent_agreement: float | None  # a proportion, 0-1
    kappa: float | None
    document: str = ""  # the document's name, filled in by the service that selected it

    @property
    def n_units(self) -> int:
        return self.table.n


@dataclass(frozen=True)
class CodeAgreement:
    """The figures of one code (or, with `code_id=None`, of all codes pooled): one row of the agreement table,
    for two coders (`table`) or three and more (`histogram`). Percent agreement and its interval are
    proportions (0-1) here; whoever shows them multiplies by 100."""

    code_id: int | None
    table: Table2x2 | None  # two coders: the pooled 2x2 table
    percent_agreement: float | None
    kappa: float | None  # Cohen's (two coders), Brennan & Prediger's (segments) or Fleiss' (three or more)
    alpha: float | None
    ac1: float | None
    prevalence: float | None
    bias: float | None
    pabak: float | None
    u_alpha: float | None = None
    # bootstrap intervals of the figures above, at the result's `confidence` level
    intervals: dict[str, Interval | None] = field(default_factory=dict)
    documents: tuple[DocumentFigures, ...] = ()
    code: str = ""  # the code's name (or what the pooled row is), filled in by the service
    histogram: tuple[int, ...] | None = None  # three or more coders: units coded by exactly k coders

    @property
    def n_units(self) -> int:
        return self.table.n if self.table is not None else sum(self.histogram or ())

    @property
    def kappa_interval(self) -> Interval | None:
        return self.intervals.get("kappa")


@dataclass(frozen=True)
class AgreementResult:
    unit: str
    threshold: float
    overlap: str
    categories: int  # k of Brennan & Prediger (segment unit)
    codes: tuple[CodeAgreement, ...]
    overall: CodeAgreement
    replicates: int
    seed: int
    confidence: float = 0.95  # the level of every row's `intervals`


@dataclass(frozen=True)
class AgreementOptions:
    unit: AgreementUnit = AgreementUnit.CHARACTER
    threshold: float = 0.9
    overlap: OverlapMode = OverlapMode.UNION
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    confidence: float = 0.95
    with_u_alpha: bool = True

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if self.overlap not in OVERLAP_MEASURES:
            raise ValueError(f"unknown overlap measure {self.overlap!r}")
        # a plain word from a caller becomes the enum
        object.__setattr__(self, "unit", AgreementUnit(self.unit))
        object.__setattr__(self, "overlap", OverlapMode(self.overlap))
        if not 0 < self.threshold <= 1:
            raise ValueError("the overlap threshold must be above 0 and at most 1")


def compute_agreement(
    documents: Mapping[int, int],
    codes: Sequence[int],
    spans_a: SpansByKey,
    spans_b: SpansByKey,
    options: AgreementOptions | None = None,
) -> AgreementResult:
    """Agreement of coder A (`spans_a`) and coder B (`spans_b`) on `codes` over `documents` ({id: length})."""
    options = options or AgreementOptions()
    doc_ids = [d for d in documents if documents[d] > 0] if options.unit != "presence" else list(documents)
    categories = max(2, len(codes))
    resamples = document_resamples(len(doc_ids), options.replicates, options.seed) if len(doc_ids) > 1 else []
    statistic_set = _statistics(options.unit, categories)
    per_code: list[tuple[int, list[Table2x2], float | None]] = []
    per_document_totals = [Table2x2()] * len(doc_ids)
    for code in codes:
        tables = _tables(options, doc_ids, documents, code, spans_a, spans_b)
        per_document_totals = [total + t for total, t in zip(per_document_totals, tables)]
        u_alpha = None
        if options.unit == "character" and options.with_u_alpha:
            continua = [
                Continuum(documents[d], (spans_a.get((d, code), ()), spans_b.get((d, code), ())))
                for d in doc_ids
            ]
            found = unitized_alpha(continua)
            u_alpha = found.alpha if found else None
        per_code.append((code, tables, u_alpha))
    # one pass of resamples for every code and the overall row (same bootstrap worlds for all)
    intervals = bootstrap_many(
        [tables for _code, tables, _u in per_code] + [per_document_totals],
        statistic_set,
        resamples,
        options.confidence,
    )
    rows: list[CodeAgreement] = []
    for (code, tables, u_alpha), code_intervals in zip(per_code, intervals):
        documents_figures: tuple[DocumentFigures, ...] = ()
        if options.unit != "presence":  # one unit a document: per-document figures would say nothing
            documents_figures = tuple(
                DocumentFigures(d, t, statistic_set["percent_agreement"](t), statistic_set["kappa"](t))
                for d, t in zip(doc_ids, tables)
            )
        pooled = sum(tables, Table2x2())
        rows.append(
            _figures(code, pooled, options.unit, categories, u_alpha, code_intervals, documents_figures)
        )
    overall_table = sum(per_document_totals, Table2x2())
    overall = _figures(None, overall_table, options.unit, categories, None, intervals[-1], ())
    return AgreementResult(
        options.unit,
        options.threshold,
        options.overlap,
        categories,
        tuple(rows),
        overall,
        options.replicates if resamples else 0,
        options.seed,
        options.confidence,
    )


def _tables(
    options: AgreementOptions,
    doc_ids: Sequence[int],
    lengths: Mapping[int, int],
    code: int,
    spans_a: SpansByKey,
    spans_b: SpansByKey,
) -> list[Table2x2]:
    if options.unit == "character":
        return [
            character_table(lengths[d], spans_a.get((d, code), ()), spans_b.get((d, code), ()))
            for d in doc_ids
        ]
    if options.unit == "segment":
        return [
            match_segments(
                spans_a.get((d, code), ()), spans_b.get((d, code), ()), options.threshold, options.overlap
            ).table
            for d in doc_ids
        ]
    # presence: one unit a document, as a one-unit table, so pooling and resampling work as for the others
    return [presence_table([(bool(spans_a.get((d, code))), bool(spans_b.get((d, code))))]) for d in doc_ids]


def _statistics(unit: str, categories: int) -> dict[str, Statistic]:
    if unit == "segment":
        return {
            "percent_agreement": stats.percent_agreement,
            "kappa": lambda t: stats.brennan_prediger(stats.percent_agreement(t), categories),
        }
    return {
        "percent_agreement": stats.percent_agreement,
        "kappa": stats.cohen_kappa,
        "alpha": stats.krippendorff_alpha_binary,
        "ac1": stats.gwet_ac1,
    }


def _figures(
    code: int | None,
    table: Table2x2,
    unit: str,
    categories: int,
    u_alpha: float | None,
    intervals: dict[str, Interval | None],
    documents: tuple[DocumentFigures, ...],
) -> CodeAgreement:
    p_o = stats.percent_agreement(table)
    if unit == "segment":
        return CodeAgreement(
            code, table, p_o, stats.brennan_prediger(p_o, categories), None, None, None, None, None,
            None, intervals, documents,
        )  # fmt: skip
    return CodeAgreement(
        code,
        table,
        p_o,
        stats.cohen_kappa(table),
        stats.krippendorff_alpha_binary(table),
        stats.gwet_ac1(table),
        stats.prevalence_index(table),
        stats.bias_index(table),
        stats.pabak(table),
        u_alpha,
        intervals,
        documents,
    )

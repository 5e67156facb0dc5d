"""The plain data of inter-coder agreement: what is asked (`AgreementRequest`) and what comes back (the
table rows, the report, the disagreements and the snapshot of a resolution). Services return these; the CLI
prints `as_dict()`; the window shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.agreement_stats import Table2x2
from app.domain.agreement_units import AgreementUnit, OverlapMode
from app.domain.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED

# The last row pools every (code, unit) as one yes/no decision: it is not a multi-category (Fleiss) kappa over
# mutually exclusive values; that is what a code set is for (`set_agreement`). Every place shows it so.
OVERALL_LABEL = "overall (pooled yes/no over codes)"
OVERALL_NOTE = (
    "every (code, unit) pooled as one yes/no decision; not a multi-category kappa (for mutually exclusive "
    "values compare a code set: --set PARENT)"
)


@dataclass(frozen=True)
class AgreementRequest:
    """What to compare. Document filters combine (all must hold); `codes=None` means every code either
    coder used in the selected documents."""

    coders: Sequence[str | int]  # two; three or more for the character and presence units
    documents: Sequence[str | int] | None = None
    dyads: Sequence[str | int] | None = None
    sessions: Sequence[int] | None = None
    perspectives: Sequence[str] | None = None
    codes: Sequence[str | int] | None = None
    unit: AgreementUnit = AgreementUnit.CHARACTER
    threshold: float = 0.9
    overlap: OverlapMode = OverlapMode.UNION
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class CoderRef:
    id: int
    name: str


@dataclass(frozen=True)
class CodeRow:
    """One line of the agreement table. `percent_agreement` is in percent (0-100); `ci95` is kappa's."""

    code_id: int | None
    code: str
    n_units: int
    percent_agreement: float | None
    kappa: float | None
    alpha: float | None
    ac1: float | None
    prevalence: float | None
    bias: float | None
    pabak: float | None
    u_alpha: float | None
    ci95: tuple[float, float] | None
    intervals: dict[str, tuple[float, float] | None]
    table: Table2x2 | None  # two coders: the pooled 2x2 table
    histogram: tuple[int, ...] | None = None  # three or more coders: units coded by exactly k coders

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "code_id": self.code_id,
            "n_units": self.n_units,
            "percent_agreement": _round(self.percent_agreement),
            "kappa": _round(self.kappa),
            "alpha": _round(self.alpha),
            "ac1": _round(self.ac1),
            "prevalence": _round(self.prevalence),
            "bias": _round(self.bias),
            "pabak": _round(self.pabak),
            "u_alpha": _round(self.u_alpha),
            "ci95": None if self.ci95 is None else [_round(self.ci95[0]), _round(self.ci95[1])],
            "table": None
            if self.table is None
            else {
                "both": self.table.both,
                "only_a": self.table.only_a,
                "only_b": self.table.only_b,
                "neither": self.table.neither,
            },
            "coded_by_k_coders": None if self.histogram is None else list(self.histogram),
        }


@dataclass(frozen=True)
class DocumentRef:
    id: int
    name: str
    length: int


@dataclass(frozen=True)
class DocumentRow:
    """One code in one document (character and segment units, two coders)."""

    document_id: int
    document: str
    n_units: int
    percent_agreement: float | None  # percent
    kappa: float | None
    table: Table2x2

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "document_id": self.document_id,
            "n_units": self.n_units,
            "percent_agreement": _round(self.percent_agreement),
            "kappa": _round(self.kappa),
        }


@dataclass(frozen=True)
class AgreementReport:
    unit: str
    coders: tuple[CoderRef, ...]
    documents: tuple[DocumentRef, ...]
    codes: tuple[CodeRow, ...]
    overall: CodeRow
    threshold: float
    overlap: str
    categories: int
    replicates: int
    seed: int
    per_document: dict[int, tuple[DocumentRow, ...]] = field(default_factory=dict)  # by code id (two coders)

    def document_rows(self, code_id: int) -> tuple[DocumentRow, ...]:
        return self.per_document.get(code_id, ())

    def as_dict(self, *, per_document: bool = False) -> dict[str, Any]:
        """The CLI's JSON shape (CLI.md), with the extra figures beside the required ones."""
        codes = [row.as_dict() for row in self.codes]
        if per_document:
            for row, data in zip(self.codes, codes):
                data["documents"] = [d.as_dict() for d in self.document_rows(row.code_id or 0)]
        return {
            "unit": self.unit,
            "coders": [coder.name for coder in self.coders],
            "kappa": "Fleiss"
            if len(self.coders) > 2
            else ("Brennan-Prediger" if self.unit == "segment" else "Cohen"),
            "documents": len(self.documents),
            "threshold": self.threshold if self.unit == "segment" else None,
            "overlap": self.overlap if self.unit == "segment" else None,
            "categories": self.categories if self.unit == "segment" else None,
            "bootstrap": {"replicates": self.replicates, "seed": self.seed, "resampled": "documents"},
            "codes": codes,
            "overall": self.overall.as_dict(),
            "overall_pools": OVERALL_NOTE,
        }


@dataclass(frozen=True)
class Disagreement:
    """A stretch of a document where the two coders' codes differ, with the text it covers."""

    document_id: int
    document: str
    start: int
    end: int
    codes_a: tuple[tuple[int, str], ...]
    codes_b: tuple[tuple[int, str], ...]
    text: str
    coders: tuple[str, str] = ("", "")  # the names of coder A and coder B
    codes_consensus: tuple[tuple[int, str], ...] | None = None  # see list_disagreements

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "codes_a": [name for _id, name in self.codes_a],
            "codes_b": [name for _id, name in self.codes_b],
            "codes_consensus": None
            if self.codes_consensus is None
            else [name for _id, name in self.codes_consensus],
            "text": self.text,
        }


@dataclass(frozen=True)
class Resolution:
    """What resolving a disagreement created (the consensus coder's new codings), for undo."""

    consensus_coder_id: int | None  # None when nothing was written
    records: tuple[Any, ...]  # app.services.coding.CodingRecord


@dataclass(frozen=True)
class AgreementChoices:
    """What the agreement window offers: coders, dyads, session numbers, perspectives and codes (id, path)."""

    coders: tuple[CoderRef, ...]
    dyads: tuple[str, ...]
    sessions: tuple[int, ...]
    perspectives: tuple[str, ...]
    codes: tuple[tuple[int, str], ...]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6) + 0.0  # never "-0.0"

"""The plain data of inter-coder agreement: what is asked (`AgreementRequest`) and what comes back (the
table rows, the report, the disagreements and the snapshot of a resolution). Services return these; the CLI
prints `as_dict()`; the window shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.agreement import CodeAgreement, DocumentFigures
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


def code_row_dict(row: CodeAgreement) -> dict[str, Any]:
    """One row of the agreement table in the CLI's JSON shape (CLI.md): percent agreement in percent."""
    interval = row.kappa_interval
    return {
        "code": row.code,
        "code_id": row.code_id,
        "n_units": row.n_units,
        "percent_agreement": _round(_percent(row.percent_agreement)),
        "kappa": _round(row.kappa),
        "alpha": _round(row.alpha),
        "ac1": _round(row.ac1),
        "prevalence": _round(row.prevalence),
        "bias": _round(row.bias),
        "pabak": _round(row.pabak),
        "u_alpha": _round(row.u_alpha),
        "ci95": None if interval is None else [_round(interval[0]), _round(interval[1])],
        "table": None
        if row.table is None
        else {
            "both": row.table.both,
            "only_a": row.table.only_a,
            "only_b": row.table.only_b,
            "neither": row.table.neither,
        },
        "coded_by_k_coders": None if row.histogram is None else list(row.histogram),
    }


@dataclass(frozen=True)
class DocumentRef:
    id: int
    name: str
    length: int


def document_row_dict(row: DocumentFigures) -> dict[str, Any]:
    return {
        "document": row.document,
        "document_id": row.document_id,
        "n_units": row.n_units,
        "percent_agreement": _round(_percent(row.percent_agreement)),
        "kappa": _round(row.kappa),
    }


@dataclass(frozen=True)
class AgreementReport:
    unit: str
    coders: tuple[CoderRef, ...]
    documents: tuple[DocumentRef, ...]
    codes: tuple[CodeAgreement, ...]  # with their names; `documents` of each for two coders
    overall: CodeAgreement
    threshold: float
    overlap: str
    categories: int
    replicates: int
    seed: int

    def document_rows(self, code_id: int) -> tuple[DocumentFigures, ...]:
        """The figures of one code per document (two coders, character and segment units)."""
        return next((row.documents for row in self.codes if row.code_id == code_id), ())

    @property
    def has_document_rows(self) -> bool:
        return any(row.documents for row in self.codes)

    def as_dict(self, *, per_document: bool = False) -> dict[str, Any]:
        """The CLI's JSON shape (CLI.md), with the extra figures beside the required ones."""
        codes = [code_row_dict(row) for row in self.codes]
        if per_document:
            for row, data in zip(self.codes, codes):
                data["documents"] = [document_row_dict(d) for d in row.documents]
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
            "overall": code_row_dict(self.overall),
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


def _percent(proportion: float | None) -> float | None:
    return None if proportion is None else 100 * proportion


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6) + 0.0  # never "-0.0"

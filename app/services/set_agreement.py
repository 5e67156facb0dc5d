"""Agreement of two or more coders on a code set (mutually exclusive values) over a selection of documents.

The figures are `app.domain.agreement_sets`'s (which says what each means); this service resolves the set
(a parent code, marked or not) and the coders, reads the codings of the set's values and builds the units:
one a document (`presence`) or one a segment (`segment`, codings of different coders overlapping by at least
the threshold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.agreement_sets import (
    LEVELS,
    SET_UNITS,
    SetFigures,
    presence_units,
    segment_units,
    set_figures,
)
from app.domain.agreement_units import AgreementUnit, OverlapMode
from app.domain.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED
from app.domain.errors import InvalidInput, OperationCancelled
from app.services.agreement import load_selection
from app.services.agreement_data import AgreementRequest, CoderRef
from app.services.code_sets import CodeSet, code_set
from app.services.project import Project

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SetAgreementRequest:
    coders: Sequence[str | int]
    set: str | int  # the parent code
    unit: AgreementUnit = AgreementUnit.PRESENCE
    level: str = "nominal"
    documents: Sequence[str | int] | None = None
    dyads: Sequence[str | int] | None = None
    sessions: Sequence[int] | None = None
    perspectives: Sequence[str] | None = None
    threshold: float = 0.9
    overlap: OverlapMode = OverlapMode.UNION
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class SetAgreementReport:
    code_set: CodeSet
    unit: str
    level: str
    coders: tuple[CoderRef, ...]
    documents: int
    figures: SetFigures
    ambiguous: int  # presence unit: (coder, document) pairs with two values of the set (counted as missing)
    threshold: float
    overlap: str
    replicates: int
    seed: int

    def value_rows(self) -> list[dict[str, Any]]:
        """Per value: its number, how often it was given in pairable units (n_c), Fleiss' kappa against the rest."""
        rows = []
        for index, value in enumerate(self.code_set.values):
            rows.append(
                {
                    "code": value.name,
                    "code_id": value.id,
                    "rank": index + 1,
                    "number": value.number,
                    "pairable_values": _round(sum(self.figures.coincidences[index])),
                    "fleiss_kappa": _round(self.figures.category_kappas[index]),
                }
            )
        return rows

    def as_dict(self) -> dict[str, Any]:
        f = self.figures
        return {
            "set": self.code_set.path,
            "marked": self.code_set.marked,
            "unit": self.unit,
            "level": self.level,
            "coders": [coder.name for coder in self.coders],
            "documents": self.documents,
            "units": f.units,
            "pairable": f.pairable,
            "complete": f.complete,
            "alpha": _round(f.alpha),
            "fleiss_kappa": _round(f.fleiss_kappa),
            "cohen_kappa": _round(f.cohen_kappa),
            "percent_agreement": None if f.percent_agreement is None else _round(100 * f.percent_agreement),
            "ci95": {
                name: None
                if interval is None
                else (
                    [_round(100 * interval[0]), _round(100 * interval[1])]
                    if name == "percent_agreement"
                    else [_round(interval[0]), _round(interval[1])]
                )
                for name, interval in f.intervals.items()
            },
            "values": self.value_rows(),
            "coincidences": {
                "values": [value.name for value in self.code_set.values],
                "matrix": [[_round(cell) for cell in row] for row in f.coincidences],
            },
            "ambiguous": self.ambiguous,
            "threshold": self.threshold if self.unit == "segment" else None,
            "overlap": self.overlap if self.unit == "segment" else None,
            "bootstrap": {"replicates": self.replicates, "seed": self.seed, "resampled": "documents"},
        }


def set_agreement(
    project: Project,
    request: SetAgreementRequest,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SetAgreementReport:
    """Krippendorff's alpha, Fleiss' and Cohen's kappa, percent agreement and coincidences of a code set."""
    if request.unit not in SET_UNITS:
        raise InvalidInput(
            f"A code set is compared by the {' or the '.join(SET_UNITS)} unit, not by the {request.unit} unit."
        )
    if request.level not in LEVELS:
        raise InvalidInput(f"Unknown level {request.level!r}; use one of {', '.join(LEVELS)}.")
    if not 0 < request.threshold <= 1:
        raise InvalidInput("The overlap threshold must be above 0 and at most 1.")
    if progress:
        progress(0, 2, "Reading codings")
    with project.read() as session:
        the_set = code_set(session, request.set)
    _check_numbers(the_set, request.level)
    selection = load_selection(
        project,
        AgreementRequest(
            coders=request.coders,
            documents=request.documents,
            dyads=request.dyads,
            sessions=request.sessions,
            perspectives=request.perspectives,
            codes=[value.id for value in the_set.values],
        ),
    )
    if cancelled and cancelled():
        raise OperationCancelled()
    if progress:
        progress(1, 2, "Computing agreement")
    index_of = {value.id: index for index, value in enumerate(the_set.values)}
    document_ids = [document.id for document in selection.documents]
    ambiguous = 0
    if request.unit == "presence":
        used: list[dict[int, set[int]]] = [{} for _ in selection.coders]
        for side, spans in enumerate(selection.spans):
            for document_id, code_id in spans:
                used[side].setdefault(document_id, set()).add(index_of[code_id])
        units, ambiguous = presence_units(document_ids, used)
    else:
        by_document: dict[int, list[list]] = {}
        for side, spans in enumerate(selection.spans):
            for (document_id, code_id), items in spans.items():
                coders = by_document.setdefault(document_id, [[] for _ in selection.coders])
                coders[side].extend((span, index_of[code_id]) for span in items)
        units = []
        for document_id in document_ids:
            if document_id in by_document:
                codings = by_document[document_id]
                units.extend(segment_units(document_id, codings, request.threshold, request.overlap))
    figures = set_figures(
        units,
        len(selection.coders),
        the_set.numbers,
        request.level,
        replicates=request.replicates,
        seed=request.seed,
    )
    if progress:
        progress(2, 2, "Done")
    return SetAgreementReport(
        code_set=the_set,
        unit=request.unit,
        level=request.level,
        coders=selection.coders,
        documents=len(document_ids),
        figures=figures,
        ambiguous=ambiguous,
        threshold=request.threshold,
        overlap=request.overlap,
        replicates=request.replicates if len({u.document_id for u in units}) > 1 else 0,
        seed=request.seed,
    )


def _check_numbers(the_set: CodeSet, level: str) -> None:
    if level not in ("interval", "ratio"):
        return
    missing = [value.name for value in the_set.values if value.number is None]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise InvalidInput(
            f"The {level} level needs a number for every value of {the_set.name!r}; {names} "
            f"{'has' if len(missing) == 1 else 'have'} none. Give each value a number (rapport code-set "
            "PROJECT SET --value NAME=NUMBER) or use the nominal or ordinal level."
        )
    if level == "ratio" and any(value.number is not None and value.number < 0 for value in the_set.values):
        raise InvalidInput(
            f"The ratio level needs numbers of zero or more; {the_set.name!r} has a negative one."
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6) + 0.0

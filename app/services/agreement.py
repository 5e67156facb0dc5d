"""Inter-coder agreement of two coders on a selection of documents and codes, and resolving disagreements.

The statistics live in `app.domain.agreement` (which says exactly what each unit and coefficient means);
this service selects documents (by id/name, or by dyad, session number and perspective), resolves coders and
codes by id or name, reads the codings in one read transaction and returns plain dataclasses.

Resolving a disagreement writes the chosen coder's codes over the stretch for a consensus coder (created on
first use), through the coding service, in one transaction; the returned snapshot undoes it exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from app.domain.agreement import AgreementOptions, AgreementResult, CodeAgreement, compute_agreement
from app.domain.agreement_multi import MultiCodeAgreement, compute_multi_agreement
from app.domain.agreement_units import disagreement_stretches, merge_spans
from app.domain.errors import InvalidInput, OperationCancelled
from app.services import coding
from app.services.agreement_data import (
    OVERALL_LABEL,
    AgreementChoices,
    AgreementReport,
    AgreementRequest,
    CoderRef,
    Disagreement,
    DocumentRef,
    Resolution,
)
from app.services.project import Project
from app.storage.queries import agreement as queries
from app.storage.queries import lookup

__all__ = [
    "CHOICES",
    "AgreementChoices",
    "AgreementReport",
    "AgreementRequest",
    "CodeAgreement",
    "CoderRef",
    "Disagreement",
    "DocumentRef",
    "Resolution",
    "agreement_choices",
    "agreement_table",
    "list_disagreements",
    "redo_resolution",
    "resolve_disagreement",
    "undo_resolution",
]

Progress = Callable[[int, int, str], None]
CHOICES = ("a", "b", "both")


def agreement_choices(project: Project) -> AgreementChoices:
    with project.read() as session:
        coders = tuple(CoderRef(coder_id, name) for coder_id, name in queries.coders(session))
        paths = _code_paths(queries.codes_in_tree_order(session))
        return AgreementChoices(
            coders=coders,
            dyads=tuple(queries.dyad_names(session)),
            sessions=tuple(queries.session_numbers(session)),
            perspectives=tuple(queries.perspectives_in_use(session)),
            codes=tuple(paths.items()),
        )


# -- loading -----------------------------------------------------------------------------------------


@dataclass
class Selection:
    """What an agreement request compares: the coders, documents and codes, and each coder's spans."""

    coders: tuple[CoderRef, ...]
    documents: list[DocumentRef]
    code_names: dict[int, str]  # every code, by id: its path "Parent/Child"
    code_ids: list[int]  # the codes compared, in tree order
    spans: list[dict[tuple[int, int], list[tuple[int, int]]]]  # one {(document, code): spans} per coder


def load_selection(project: Project, request: AgreementRequest) -> Selection:
    if len(request.coders) < 2:
        raise InvalidInput("Agreement compares coders; name at least two.")
    with project.read() as session:
        coders = tuple(
            CoderRef(row.id, row.name) for row in (lookup.coder(session, i) for i in request.coders)
        )
        if len({coder.id for coder in coders}) < len(coders):
            if len(coders) == 2:
                raise InvalidInput(f"Name two different coders (both are {coders[0].name!r}).")
            raise InvalidInput("Name each coder once.")
        document_ids = None
        if request.documents is not None:
            document_ids = [lookup.document(session, ident).id for ident in request.documents]
        dyad_ids = (
            None if request.dyads is None else [lookup.dyad(session, ident).id for ident in request.dyads]
        )
        rows = queries.selected_documents(
            session,
            document_ids=document_ids,
            dyad_ids=dyad_ids,
            session_numbers=request.sessions,
            perspectives=request.perspectives,
        )
        documents = [DocumentRef(row.id, row.name, row.length) for row in rows]
        if not documents:
            raise InvalidInput("No documents match the selection; there is nothing to compare.")
        code_names = _code_paths(queries.codes_in_tree_order(session))
        wanted = None
        if request.codes is not None:
            wanted = [lookup.code(session, ident).id for ident in request.codes]
        codings = queries.codings_of(session, [c.id for c in coders], [d.id for d in documents], wanted)
    spans: list[dict] = [{} for _ in coders]
    side_of = {coder.id: side for side, coder in enumerate(coders)}
    for row in codings:
        side = side_of[row.coder_id]
        spans[side].setdefault((row.document_id, row.code_id), []).append((row.start, row.end))
    if wanted is None:
        used = {code for side in spans for (_doc, code) in side}
        code_ids = [code for code in code_names if code in used]
    else:
        code_ids = list(dict.fromkeys(wanted))
    return Selection(coders, documents, code_names, code_ids, spans)


def _code_paths(rows: list[tuple[int, str, int | None]]) -> dict[int, str]:
    paths: dict[int, str] = {}
    for code_id, name, parent_id in rows:  # tree order: a parent's path is known before its children's
        paths[code_id] = f"{paths[parent_id]}/{name}" if parent_id in paths else name
    return paths


# -- the table ----------------------------------------------------------------------------------------


def agreement_table(
    project: Project,
    request: AgreementRequest,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AgreementReport:
    """The agreement table of two coders: one row per code and the `overall` row, every (code, unit) pooled
    as one yes/no decision (`OVERALL_LABEL`)."""
    try:
        options = AgreementOptions(
            unit=request.unit,
            threshold=request.threshold,
            overlap=request.overlap,
            replicates=request.replicates,
            seed=request.seed,
        )
    except ValueError as error:
        raise InvalidInput(f"Agreement settings: {error}.") from None
    if progress:
        progress(0, 2, "Reading codings")
    selection = load_selection(project, request)
    if cancelled and cancelled():
        raise OperationCancelled()
    if progress:
        progress(1, 2, "Computing agreement")
    lengths = {d.id: d.length for d in selection.documents}
    if len(selection.coders) > 2:
        if request.unit == "segment":
            raise InvalidInput("The segment unit compares two coders; use the character or presence unit.")
        rows, overall = compute_multi_agreement(
            lengths, selection.code_ids, selection.spans, unit=request.unit, replicates=request.replicates,
            seed=request.seed,
        )  # fmt: skip
        if progress:
            progress(2, 2, "Done")
        return _multi_report(selection, request, rows, overall)
    result = compute_agreement(lengths, selection.code_ids, selection.spans[0], selection.spans[1], options)
    if progress:
        progress(2, 2, "Done")
    return _report(selection, result)


def _multi_report(
    selection: Selection,
    request: AgreementRequest,
    rows: list[MultiCodeAgreement],
    overall: MultiCodeAgreement,
) -> AgreementReport:
    def row(item: MultiCodeAgreement, name: str) -> CodeAgreement:
        figures = item.figures
        return CodeAgreement(
            code_id=item.code_id, code=name, table=None, histogram=item.histogram,
            percent_agreement=figures.percent_agreement, kappa=figures.fleiss_kappa, alpha=figures.alpha,
            ac1=figures.ac1, prevalence=None, bias=None, pabak=None, u_alpha=None,
            intervals={"percent_agreement": item.intervals.get("percent_agreement"),
                       "kappa": item.intervals.get("fleiss_kappa"),
                       "alpha": item.intervals.get("alpha"), "ac1": item.intervals.get("ac1")},
        )  # fmt: skip

    return AgreementReport(
        unit=request.unit,
        coders=selection.coders,
        documents=tuple(selection.documents),
        codes=tuple(row(item, selection.code_names.get(item.code_id, "?")) for item in rows),
        overall=row(overall, OVERALL_LABEL),
        threshold=request.threshold,
        overlap=request.overlap,
        categories=2,
        replicates=request.replicates if len(selection.documents) > 1 else 0,
        seed=request.seed,
    )


def _report(selection: Selection, result: AgreementResult) -> AgreementReport:
    names = {d.id: d.name for d in selection.documents}

    def named(figures: CodeAgreement, name: str) -> CodeAgreement:
        documents = tuple(replace(d, document=names[d.document_id]) for d in figures.documents)
        return replace(figures, code=name, documents=documents)

    return AgreementReport(
        unit=result.unit,
        coders=selection.coders,
        documents=tuple(selection.documents),
        codes=tuple(named(row, selection.code_names.get(row.code_id, "?")) for row in result.codes),
        overall=named(result.overall, OVERALL_LABEL),
        threshold=result.threshold,
        overlap=result.overlap,
        categories=result.categories,
        replicates=result.replicates,
        seed=result.seed,
    )


# -- disagreements --------------------------------------------------------------------------------------


def list_disagreements(
    project: Project, request: AgreementRequest, consensus_coder: str | None = None
) -> list[Disagreement]:
    """Every stretch where one coder coded and the other did not, or with different codes (selected codes only).

    With `consensus_coder`, each disagreement also says which codes that coder applies over the whole
    stretch (`codes_consensus`; None when the coder does not exist yet), so resolved ones can be told apart.
    """
    selection = load_selection(project, request)
    if len(selection.coders) != 2:
        raise InvalidInput("Disagreements are listed between two coders; name two.")
    codes = set(selection.code_ids)
    by_document: dict[int, tuple[dict[int, list], dict[int, list]]] = {}
    for side in (0, 1):
        for (doc, code), spans in selection.spans[side].items():
            if code in codes:
                by_document.setdefault(doc, ({}, {}))[side][code] = spans
    consensus: dict[tuple[int, int], list[tuple[int, int]]] | None = None
    with project.read() as session:
        texts = queries.texts_of(session, list(by_document))
        found = queries.coder_by_name(session, consensus_coder) if consensus_coder else None
        if found is not None:
            consensus = {}
            for row in queries.codings_of(session, [found], list(by_document), selection.code_ids):
                consensus.setdefault((row.document_id, row.code_id), []).append((row.start, row.end))
    result: list[Disagreement] = []
    for document in selection.documents:
        if document.id not in by_document:
            continue
        text = texts[document.id]
        spans_a, spans_b = by_document[document.id]
        for stretch in disagreement_stretches(len(text), spans_a, spans_b):
            result.append(
                Disagreement(
                    document_id=document.id,
                    document=document.name,
                    start=stretch.start,
                    end=stretch.end,
                    codes_a=_named(stretch.codes_a, selection.code_names),
                    codes_b=_named(stretch.codes_b, selection.code_names),
                    text=text[stretch.start : stretch.end],
                    coders=(selection.coders[0].name, selection.coders[1].name),
                    codes_consensus=None
                    if consensus is None
                    else _covering(consensus, document.id, stretch.start, stretch.end, selection.code_names),
                )
            )
    return result


def _covering(
    spans: dict[tuple[int, int], list[tuple[int, int]]],
    document_id: int,
    start: int,
    end: int,
    names: dict[int, str],
) -> tuple[tuple[int, str], ...]:
    """The codes whose spans (merged) cover all of start..end in the document."""
    covering = set()
    for (doc, code), items in spans.items():
        if doc == document_id and any(s <= start and end <= e for s, e in merge_spans(items)):
            covering.add(code)
    return _named(frozenset(covering), names)


def _named(code_ids: frozenset[int], names: dict[int, str]) -> tuple[tuple[int, str], ...]:
    return tuple(sorted(((c, names.get(c, "?")) for c in code_ids), key=lambda item: item[1].lower()))


def resolve_disagreement(
    project: Project, disagreement: Disagreement, choice: str, consensus_coder: str = "Consensus"
) -> Resolution:
    """Code the stretch for the consensus coder with coder A's codes (`a`), B's (`b`) or both (`both`).

    Accepting a side that coded nothing there adds nothing: the consensus keeps the stretch uncoded.
    Undo with `undo_resolution(project, resolution)`.
    """

    if choice not in CHOICES:
        raise InvalidInput(f"Resolve a disagreement with one of {', '.join(CHOICES)}, not {choice!r}.")
    clean = " ".join(consensus_coder.split())
    if clean.casefold() in {name.casefold() for name in disagreement.coders}:
        raise InvalidInput(
            f"Resolve into a separate consensus coder, not into {clean!r}, whose codings are being compared."
        )
    chosen = {
        "a": disagreement.codes_a,
        "b": disagreement.codes_b,
        "both": tuple(dict.fromkeys(disagreement.codes_a + disagreement.codes_b)),
    }[choice]
    if not chosen:  # the chosen coder left the stretch uncoded: so does the consensus; nothing to write
        return Resolution(None, ())
    specs = [
        coding.CodingSpec(disagreement.document_id, code_id, disagreement.start, disagreement.end)
        for code_id, _name in chosen
    ]
    with project.action():  # the consensus coder and its codings: one transaction, one announcement
        coder_id = coding.ensure_coder(project, consensus_coder)
        return Resolution(coder_id, tuple(coding.add_codings(project, specs, coder_id)))


def undo_resolution(project: Project, resolution: Resolution) -> None:
    """Remove exactly the codings a resolution created."""
    from app.services import coding

    if resolution.records:
        coding.delete_codings(project, [record.id for record in resolution.records])


def redo_resolution(project: Project, resolution: Resolution) -> None:
    """Re-create a resolution's codings with their original ids (after an undo)."""
    from app.services import coding

    if resolution.records:
        coding.restore_codings(project, list(resolution.records))

"""The end of a REFI-QDA project import: what was taken over differently, or not at all, counted by kind, so
the import summary says everything a researcher would otherwise discover later (nothing is silently lost).

Counted here from what the import wrote; the steps that decide on the spot (a coding without a known coder, a
memo whose target was not imported) count themselves through `report.change` and `report.skip`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.formats.refi_positions import UTF16
from app.storage.queries import fidelity as queries

if TYPE_CHECKING:
    from app.services.refi_import import ImportState


def summarise_changes(state: ImportState) -> None:
    refi, report, session = state.refi, state.report, state.session
    stored = queries.document_guids_and_names(session, list(state.document_ids.values()))
    renamed = regiven = 0
    for source in refi.sources:
        guid, name = stored.get(state.document_ids.get(source.guid, -1), (source.guid, source.name))
        renamed += name != source.name
        regiven += guid != source.guid
    report.change("documents renamed (a document of that name was already in the project)", renamed)
    report.change("documents given a new GUID (one with theirs was already in the project)", regiven)
    coding_guids = queries.coding_guids(session, list(state.coding_ids.values()))
    report.change(
        "codings given a new GUID (one with theirs was already in the project)",
        sum(
            1 for file_guid, coding_id in state.coding_ids.items() if coding_guids.get(coding_id) != file_guid
        ),
    )
    if UTF16 in refi.position_unit.split(","):
        converted = sum(len(s.selections) for s in refi.sources)
        report.change(
            f"positions of selections converted from UTF-16 units (as {refi.origin} counts)", converted
        )
    bare = sum(1 for s in refi.sources for sel in s.selections if not sel.codings and not sel.note_guids)
    if bare:
        report.skip("selections without codings or memos", bare)
    in_sets = sum(len(s.note_guids) for s in refi.sets)
    if in_sets:
        report.skip("notes in sets (Rapport's sets hold codes and documents)", in_sets)

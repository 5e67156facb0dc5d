"""A study for code-set agreement: one document a unit, a 1-5 rating set, coders' values as in a published table."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert

from app.services import codebook, coding
from app.storage.models import Document

TEXT = "Therapist: How was that for you?\nClient: I felt you were not listening to me at all.\n"


def build_set_study(
    project, table: Sequence[Sequence[int | None]], values: Sequence[str] = ("1", "2", "3", "4", "5")
) -> dict[str, int]:
    """`table[coder][unit]`: the value (1-based rank of `values`) each coder gave document `unit`, or None.

    The set is the parent code "Intensity" with `values` as its sub-codes; coders are named C1, C2...
    Returns the ids of the codes by name ("Intensity" and each value).
    """
    n_units = max(len(row) for row in table)
    with project.write() as session:
        session.execute(
            insert(Document),
            [{"name": f"Doc {u + 1:02d}", "text": TEXT, "text_hash": ""} for u in range(n_units)],
        )
    parent = codebook.add_code(project, "Intensity")
    ids = {"Intensity": parent.id}
    for name in values:
        ids[name] = codebook.add_code(project, name, parent=parent.id).id
    with project.read() as session:
        documents = [row.id for row in session.query(Document.id).order_by(Document.name)]
    for index, row in enumerate(table):
        coder_id = coding.ensure_coder(project, f"C{index + 1}")
        specs = [
            coding.CodingSpec(documents[u], ids[values[value - 1]], 34, 60)
            for u, value in enumerate(row)
            if value is not None
        ]
        coding.add_codings(project, specs, coder_id)
    return ids

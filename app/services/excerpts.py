"""Coded excerpts of a code, with a little context and the study facts a reader filters by.

`load_excerpts` gathers a code's excerpts; `code_excerpts` gathers everything the Excerpts view shows for a code
(the code, its rows, the anchor excerpts) in one call a worker thread can make; `excerpts_by_ids` gathers a few
by coding id, so a view can patch its rows after a coding instead of reloading them all. Texts are read once a document
and sliced here: no turns, no per-row SQL slicing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.services.anchors import anchor_ids
from app.services.project import Project
from app.storage.models import Coding
from app.storage.queries import excerpts as queries

CONTEXT_CHARS = 90  # characters of context shown either side of an excerpt


@dataclass(frozen=True)
class Excerpt:
    coding_id: int
    document_id: int
    document: str
    dyad: str | None
    session: int | None
    perspective: str | None
    coder: str
    code: str
    code_color: str
    start: int
    end: int
    text: str
    before: str  # a little context, cut at a word boundary
    after: str

    def sort_key(self) -> tuple:
        """Study order: dyad, session, document, position, coder (then the id, so the order is total)."""
        return (self.dyad or "", self.session or 0, self.document, self.start, self.coder, self.coding_id)


def code_and_descendants(codes: Iterable, code_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code.id)
    found, stack = [], [code_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


@dataclass(frozen=True)
class ShownCode:
    id: int
    name: str
    color: str
    ids: frozenset[int]  # the code and, with its sub-codes, their ids: the codes whose excerpts are listed


def shown_code(project: Project, code_id: int, include_subcodes: bool) -> ShownCode | None:
    """The code an excerpts list shows (None when it no longer exists), read without counting codings."""
    with project.read() as session:
        outline = queries.code_outline(session)
    found = next((row for row in outline if row.id == code_id), None)
    if found is None:
        return None
    ids = code_and_descendants(outline, code_id) if include_subcodes else [code_id]
    return ShownCode(code_id, found.name, found.color, frozenset(ids))


def shown_codes(project: Project, code_id: int, include_subcodes: bool) -> list[int]:
    shown = shown_code(project, code_id, include_subcodes)
    return sorted(shown.ids) if shown is not None else []


def load_excerpts(
    project: Project, code_id: int, *, include_subcodes: bool = False, coder_id: int | None = None
) -> list[Excerpt]:
    """Every coding of a code (and of its sub-codes when asked), with its document's study facts and context,
    in study order; only one coder's when `coder_id` is given (blind coding)."""
    return excerpts_of_codes(project, shown_codes(project, code_id, include_subcodes), coder_id)


def excerpts_of_codes(
    project: Project, code_ids: Iterable[int], coder_id: int | None = None
) -> list[Excerpt]:
    """Every coding of these codes (one coder's when `coder_id` is given), in study order: for a caller that
    already knows the codes shown (a `ShownCode`), so the codebook outline is not read a second time."""
    where = [Coding.code_id.in_(sorted(code_ids))]
    if coder_id is not None:
        where.append(Coding.coder_id == coder_id)
    return _excerpts(project, where)


@dataclass(frozen=True)
class CodeExcerpts:
    """What an excerpts list shows for a code: the code (None when it no longer exists), its excerpts in study
    order, and the ids of the codings chosen as anchor excerpts."""

    code: ShownCode | None
    rows: list[Excerpt]
    anchors: frozenset[int]
    complete: bool = True  # False: `rows` are only the first ones in study order (asked with `first`)


def code_excerpts(
    project: Project,
    code_id: int,
    *,
    include_subcodes: bool,
    coder_id: int | None = None,
    nobody: bool = False,
    first: int | None = None,
) -> CodeExcerpts:
    """Everything an excerpts list needs for one code, read in one go (it may run on a worker thread: each
    read opens its own session). Only `coder_id`'s excerpts when given; none at all with `nobody` (blind coding
    before a coder is chosen). With `first`, only the first rows in study order: only their documents' texts
    are read (a screenful of a code coded across forty transcripts needs a few of them)."""
    code = shown_code(project, code_id, include_subcodes)
    if code is None:
        return CodeExcerpts(None, [], frozenset())
    if nobody:
        return CodeExcerpts(code, [], frozenset(anchor_ids(project)))
    where = [Coding.code_id.in_(sorted(code.ids))]
    if coder_id is not None:
        where.append(Coding.coder_id == coder_id)
    rows, total = _excerpt_rows(project, where, first)
    return CodeExcerpts(code, rows, frozenset(anchor_ids(project)), complete=len(rows) == total)


def excerpts_by_ids(
    project: Project, coding_ids: Iterable[int], code_ids: Iterable[int], coder_id: int | None = None
) -> list[Excerpt]:
    """Those of these codings that exist and have one of these codes (and this coder, when given)."""
    ids = list(coding_ids)
    if not ids:
        return []
    where = [Coding.id.in_(ids), Coding.code_id.in_(list(code_ids))]
    if coder_id is not None:
        where.append(Coding.coder_id == coder_id)
    return _excerpts(project, where)


def _excerpts(project: Project, where: list) -> list[Excerpt]:
    return _excerpt_rows(project, where)[0]


def _fact_order(fact) -> tuple:
    """`Excerpt.sort_key` of the row a fact becomes (study order)."""
    return (fact.dyad or "", fact.session or 0, fact.document, fact.start, fact.coder, fact.coding_id)


def _excerpt_rows(project: Project, where: list, first: int | None = None) -> tuple[list[Excerpt], int]:
    """The excerpts matching `where` in study order (only the first `first` when given), and how many match."""
    with project.read() as session:
        facts = sorted(queries.excerpt_facts(session, *where), key=_fact_order)
        total = len(facts)
        if first is not None:
            facts = facts[:first]
        texts = queries.texts_of(session, {f.document_id for f in facts})
    rows = []
    for fact in facts:
        text = texts[fact.document_id]
        rows.append(
            Excerpt(
                *fact,  # the columns of `excerpt_facts` are the first fields of Excerpt, in order
                text=text[fact.start : fact.end],
                before=context_before(text, fact.start),
                after=context_after(text, fact.end),
            )
        )
    return rows, total


def context_before(text: str, start: int) -> str:
    piece = text[max(0, start - CONTEXT_CHARS) : start]
    if start > CONTEXT_CHARS and " " in piece:
        piece = "…" + piece.split(" ", 1)[1]
    return piece


def context_after(text: str, end: int) -> str:
    piece = text[end : end + CONTEXT_CHARS]
    if end + CONTEXT_CHARS < len(text) and " " in piece:
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece

"""Comparing perspectives: one dyad's theme x perspective matrix, shared moments, one-sided themes,
side-by-side excerpts and session timeline; and theme prevalence across groups of dyads.

All read-only service calls returning plain data; the rules (what is counted, how moments are clustered)
are documented in `app.domain.comparison`, `app.domain.side_by_side` and `app.domain.theme_prevalence`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy.orm import Session

from app.domain import comparison as domain
from app.domain.comparison import (
    CodeNode,
    CodingRow,
    DocumentRow,
    DyadComparison,
    Excerpt,
    SharedMoment,
    TurnRow,
)
from app.domain.errors import InvalidInput, NotFound
from app.domain.side_by_side import AlignedRow, align_side_by_side
from app.domain.theme_prevalence import NO_VALUE, DyadThemes, GroupComparison
from app.domain.theme_prevalence import compare_groups as prevalence_by_group
from app.services.project import Project
from app.storage.queries import compare as queries
from app.storage.queries import lookup

SessionSelection = int | range | tuple[int, int] | Sequence[int] | str | None
DEFAULT_WINDOW_S = domain.DEFAULT_WINDOW_MS / 1000
_RANGE = re.compile(r"^\s*(\d+)\s*(?:\.\.|-|–|:)\s*(\d+)\s*$")


def parse_sessions(text: str | None) -> SessionSelection:
    """`None`/`all` -> all sessions, `3` -> session 3, `1..3` (or `1-3`) -> sessions 1 to 3."""
    if text is None or not str(text).strip() or str(text).strip().lower() == "all":
        return None
    cleaned = str(text).strip()
    if cleaned.isdigit():
        return int(cleaned)
    match = _RANGE.match(cleaned)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            raise InvalidInput(f"The session range {cleaned!r} runs backwards; write it as {last}..{first}.")
        return range(first, last + 1)
    raise InvalidInput(
        f"{cleaned!r} is not a session selection (write a number like 2 or a range like 1..3)."
    )


def _session_numbers(selection: SessionSelection) -> set[int] | None:
    if isinstance(selection, str):
        selection = parse_sessions(selection)
    if selection is None:
        return None
    if isinstance(selection, bool):
        raise InvalidInput(f"{selection!r} is not a session number.")
    if isinstance(selection, int):
        return {selection}
    if isinstance(selection, tuple) and len(selection) == 2 and not isinstance(selection, range):
        return set(range(int(selection[0]), int(selection[1]) + 1))
    return {int(n) for n in selection}


def _window_ms(window_s: float) -> int:
    if window_s is None or window_s < 0:
        raise InvalidInput(f"The moment window must be zero or more seconds, not {window_s!r}.")
    return round(window_s * 1000)


def _coder_ids(session: Session, coders: Collection[str | int] | None) -> list[int] | None:
    if coders is None:
        return None
    return [lookup.coder(session, c).id for c in coders]


def _code_nodes(session: Session) -> list[CodeNode]:
    return [CodeNode(*row) for row in queries.codes(session)]


def _documents(session: Session, dyad_id: int, numbers: set[int] | None) -> list[DocumentRow]:
    rows = queries.dyad_documents(session, dyad_id, numbers)
    turns = {
        doc_id: [TurnRow(s, e, speaker, t, v) for _, s, e, speaker, t, v in items]
        for doc_id, items in groupby(
            queries.turns_of_documents(session, [r[0] for r in rows]), key=lambda r: r[0]
        )
    }
    return [
        DocumentRow(id=i, name=n, perspective=p, kind=k, session=s, text=text, turns=turns.get(i, []))
        for i, n, p, k, s, text in rows
    ]


def _load_dyad(
    session: Session, dyad: str | int, sessions: SessionSelection, coders: Collection[str | int] | None
) -> tuple[str, tuple[int, ...] | None, list[CodeNode], list[DocumentRow], list[CodingRow]]:
    found = lookup.dyad(session, dyad)
    numbers = _session_numbers(sessions)
    if numbers is not None:
        available = queries.session_numbers(session, found.id)
        chosen = numbers & set(available)
        if not chosen:
            have = ", ".join(map(str, available)) or "none"
            asked = ", ".join(map(str, sorted(numbers)))
            raise NotFound(f"Dyad {found.name} has no session {asked} (its sessions: {have}).")
        numbers = chosen
    coder_ids = _coder_ids(session, coders)
    documents = _documents(session, found.id, numbers)
    codings = [
        CodingRow(id=i, code_id=c, document_id=d, start=s, end=e, coder=coder)
        for i, c, d, s, e, coder in queries.codings_of_documents(
            session, [d.id for d in documents], coder_ids
        )
    ]
    chosen_numbers = tuple(sorted(numbers)) if numbers is not None else None
    return found.name, chosen_numbers, _code_nodes(session), documents, codings


def compare_dyad(
    project: Project,
    dyad: str | int,
    sessions: SessionSelection = None,
    window_s: float = DEFAULT_WINDOW_S,
    coders: Collection[str | int] | None = None,
    *,
    include_empty: bool = False,
    moments_include_subcodes: bool = False,
) -> DyadComparison:
    """The perspectives of one dyad compared over all sessions, one session or a range of sessions.

    `coders` None counts every coder's codings (their overlaps counted once in coverage); otherwise only
    those coders'. `include_empty` keeps codes nobody in this selection applied.
    `moments_include_subcodes` lets a code's shared moments pool the codings of its sub-codes.
    """
    window_ms = _window_ms(window_s)
    with project.read() as session:
        name, numbers, codes, documents, codings = _load_dyad(session, dyad, sessions, coders)
    return domain.compare(
        name,
        codes,
        documents,
        codings,
        sessions=numbers,
        window_ms=window_ms,
        include_empty=include_empty,
        moments_include_subcodes=moments_include_subcodes,
    )


@dataclass(frozen=True)
class SideBySide:
    dyad: str
    code_id: int
    code: str
    perspectives: tuple[str, ...]
    rows: list[AlignedRow]


def side_by_side(
    project: Project,
    dyad: str | int,
    code: str | int,
    sessions: SessionSelection = None,
    *,
    window_s: float = DEFAULT_WINDOW_S,
    perspectives: Sequence[str] | None = None,
    coders: Collection[str | int] | None = None,
    comparison: DyadComparison | None = None,
) -> SideBySide:
    """One code's excerpts (with its subtree) in a column per perspective, aligned by video moment.

    Pass an already computed `comparison` of the same dyad and sessions to skip reading it again.
    """
    with project.read() as session:
        found = lookup.code(session, code)
        code_id, code_name = found.id, found.name
    if comparison is None:
        comparison = compare_dyad(project, dyad, sessions, window_s, coders)
    columns = tuple(perspectives) if perspectives else comparison.perspectives
    excerpts = comparison.excerpts_for(code_id)
    path = comparison.row(code_id).path if comparison.row(code_id) else code_name
    rows = align_side_by_side(excerpts, columns, comparison.window_ms)
    return SideBySide(comparison.dyad, code_id, path, columns, rows)


@dataclass(frozen=True)
class TimedTurn:
    start: int
    end: int
    time_ms: int


@dataclass(frozen=True)
class SessionTimeline:
    """One session's recall-interview codings on the session-video time axis."""

    dyad: str
    session: int
    media_path: str | None
    perspectives: tuple[str, ...]
    marks: list[Excerpt]  # recall codings with a video moment, in time order
    colors: dict[int, str]  # code id -> colour
    transcript_id: int | None  # the session transcript, when there is one
    transcript_turns: list[TimedTurn]
    duration_ms: int
    moments: list[SharedMoment] = field(default_factory=list)  # shared moments of this session

    def transcript_position(self, time_ms: int) -> tuple[int, int, int] | None:
        """(document id, start, end) of the transcript turn spoken at `time_ms` (the last one starting at or
        before it; the first timed turn for earlier moments), or of the transcript's start when untimed."""
        if self.transcript_id is None:
            return None
        if not self.transcript_turns:
            return (self.transcript_id, 0, 0)
        chosen = self.transcript_turns[0]
        for turn in self.transcript_turns:
            if turn.time_ms <= time_ms:
                chosen = turn
            else:
                break
        return (self.transcript_id, chosen.start, chosen.end)


def session_timeline(
    project: Project,
    dyad: str | int,
    session_number: int,
    coders: Collection[str | int] | None = None,
    *,
    window_s: float = DEFAULT_WINDOW_S,
) -> SessionTimeline:
    comparison = compare_dyad(project, dyad, session_number, window_s, coders=coders)
    with project.read() as session:
        found = lookup.dyad(session, dyad)
        media = queries.session_media(session, found.id, session_number)
        assert media is not None  # compare_dyad refused a missing session
        transcripts = queries.session_transcripts(session, media[0])
        colors = {row[0]: row[3] for row in queries.codes(session)}
        turns: list[TimedTurn] = []
        transcript_id = transcripts[0][0] if transcripts else None
        if transcript_id is not None:
            turns = [
                TimedTurn(s, e, t)
                for _, s, e, _, t, _ in queries.turns_of_documents(session, [transcript_id])
                if t is not None
            ]
    marks = sorted(
        (
            e
            for e in comparison.excerpts
            if e.kind == "recall" and e.video_ref_ms is not None and e.perspective
        ),
        key=lambda e: (e.video_ref_ms, e.coding_id),
    )
    ends = [m.video_ref_ms or 0 for m in marks] + [t.time_ms for t in turns]
    perspectives = domain.order_perspectives(m.perspective for m in marks if m.perspective) or tuple(
        p for p in comparison.perspectives
    )
    return SessionTimeline(
        dyad=comparison.dyad,
        session=session_number,
        media_path=media[1],
        perspectives=perspectives,
        marks=marks,
        colors=colors,
        transcript_id=transcript_id,
        transcript_turns=turns,
        duration_ms=max(ends, default=0),
        moments=list(comparison.shared_moments),
    )


def compare_groups(
    project: Project,
    attribute: str,
    sessions: SessionSelection = None,
    coders: Collection[str | int] | None = None,
    *,
    include_empty: bool = False,
) -> GroupComparison:
    """Theme prevalence per perspective in groups of dyads formed by a dyad attribute's values."""
    numbers = _session_numbers(sessions)
    with project.read() as session:
        if not queries.dyad_attribute_exists(session, attribute):
            known = ", ".join(queries.dyad_attribute_names(session)) or "none yet"
            raise NotFound(f"There is no dyad attribute {attribute!r} (dyad attributes: {known}).")
        coder_ids = _coder_ids(session, coders)
        values = queries.dyad_attribute_values(session, attribute)
        names = queries.dyad_names(session)
        perspectives: dict[int, set[str]] = {}
        for dyad_id, perspective in queries.perspectives_by_dyad(session, numbers):
            perspectives.setdefault(dyad_id, set()).add(perspective)
        codings: dict[int, dict[tuple[int, str], int]] = {}
        for dyad_id, perspective, code_id, count in queries.codings_by_dyad(session, numbers, coder_ids):
            codings.setdefault(dyad_id, {})[(code_id, perspective)] = count
        codes = _code_nodes(session)
    dyads = [
        DyadThemes(
            dyad=name,
            group=values.get(dyad_id, NO_VALUE),
            perspectives=frozenset(perspectives.get(dyad_id, ())),
            codings=codings.get(dyad_id, {}),
        )
        for dyad_id, name in names
    ]
    return prevalence_by_group(attribute, codes, dyads, include_empty=include_empty)


def dyad_names(project: Project) -> list[str]:
    with project.read() as session:
        return [name for _, name in queries.dyad_names(session)]


def dyad_document_ids(project: Project, dyad: str | int) -> frozenset[int]:
    """The documents of a dyad: a view comparing it need not recompute after codings elsewhere."""
    with project.read() as session:
        return frozenset(queries.dyad_document_ids(session, lookup.dyad(session, dyad).id))


def dyad_sessions(project: Project, dyad: str | int) -> list[int]:
    with project.read() as session:
        return queries.session_numbers(session, lookup.dyad(session, dyad).id)


def dyad_attributes(project: Project) -> list[str]:
    with project.read() as session:
        return queries.dyad_attribute_names(session)


def coder_names(project: Project) -> list[str]:
    with project.read() as session:
        return queries.coder_names(session)

"""The CQR workbench's use cases: the cross-analysis (frequency labels per group), the project's rule
settings, and the core ideas of each case and domain with the excerpts they rest on.

Domains are the codebook's top-level codes, categories their sub-codes (`app.domain.cqr`). A case is a dyad,
or one perspective of a dyad (`case_unit` "perspective"): a dyad without documents of a perspective is no
case of it. Edits notify the project with an empty `Change` (nothing the other views show has changed); the
workbench refreshes on every notification.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from app.domain.cqr import (
    DEFAULT_RULES,
    Category,
    CrossAnalysis,
    DyadFacts,
    LabelRules,
    categories_of,
    cross_analyse,
)
from app.domain.errors import InvalidInput, NotFound
from app.services.changes import Change
from app.services.project import Project
from app.storage.models import CqrCoreIdea, utcnow
from app.storage.queries import cqr as queries
from app.storage.queries import lookup

CASE_UNITS = ("dyad", "perspective")
CASE_PERSPECTIVES = ("client", "therapist")
SNIPPET = 160


# -- rules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    rules: LabelRules = DEFAULT_RULES
    case_unit: str = "dyad"


def get_settings(project: Project) -> Settings:
    with project.read() as session:
        values = queries.settings(session)
    try:
        rules = LabelRules.from_mapping(values)
    except ValueError:
        rules = DEFAULT_RULES  # a hand-edited file with nonsense: fall back to Hill et al. (2005)
    unit = values.get("case_unit", "dyad")
    return Settings(rules, unit if unit in CASE_UNITS else "dyad")


def set_settings(project: Project, settings: Settings) -> Settings:
    """Store the project's rules and case unit; returns the previous settings (for undo)."""
    if settings.case_unit not in CASE_UNITS:
        raise InvalidInput(f"A case is a dyad or a perspective, not {settings.case_unit!r}.")
    previous = get_settings(project)
    values = {k: str(v) for k, v in settings.rules.as_dict().items()}
    values["case_unit"] = settings.case_unit
    with project.write() as session:
        queries.replace_settings(session, values)
    project.notify(Change(cqr=True))
    return previous


# -- cross-analysis ---------------------------------------------------------------------------


def _coder_ids(session, coders: Collection[str | int] | None) -> list[int] | None:
    if coders is None:
        return None
    return [lookup.coder(session, c).id for c in coders]


def _dyad_facts(session, coder_ids: list[int] | None) -> list[DyadFacts]:
    perspectives: dict[int, set[str]] = {}
    for dyad_id, perspective in queries.document_perspectives(session):
        perspectives.setdefault(dyad_id, set()).add(perspective)
    coded: dict[int, dict[str | None, set[int]]] = {}
    for dyad_id, perspective, code_id in queries.coded_codes(session, coder_ids):
        coded.setdefault(dyad_id, {}).setdefault(perspective, set()).add(code_id)
    attributes: dict[int, dict[str, str]] = {}
    for dyad_id, name, value in queries.dyad_attributes(session):
        attributes.setdefault(dyad_id, {})[name.casefold()] = value
    return [
        DyadFacts(
            name=name,
            perspectives=frozenset(perspectives.get(dyad_id, ())),
            coded={p: frozenset(c) for p, c in coded.get(dyad_id, {}).items()},
            attributes=attributes.get(dyad_id, {}),
        )
        for dyad_id, name in queries.dyads(session)
    ]


def groupings(project: Project) -> list[str]:
    """What the cross-analysis can be grouped by: "perspective" and every dyad attribute."""
    with project.read() as session:
        names = sorted({name for _, name, _ in queries.dyad_attributes(session)}, key=str.casefold)
    return ["perspective", *names]


def cross_analysis(
    project: Project,
    by: str | None = None,
    coders: Collection[str | int] | None = None,
    rules: LabelRules | None = None,
) -> CrossAnalysis:
    """Per category: in how many cases of each group it is coded, and its frequency label there."""
    rules = rules or get_settings(project).rules
    with project.read() as session:
        coder_ids = _coder_ids(session, coders)
        facts = _dyad_facts(session, coder_ids)
        categories = categories_of(queries.codes(session))
        attribute_names = {name.casefold(): name for _, name, _ in queries.dyad_attributes(session)}
    key = None
    if by is not None and by.strip():
        key = by.strip().casefold()
        if key != "perspective" and key not in attribute_names:
            known = ", ".join(["perspective", *sorted(attribute_names.values(), key=str.casefold)])
            raise NotFound(f"Cannot group cases by {by!r}: group by one of {known}.")
    result = cross_analyse(categories, facts, key, rules, CASE_PERSPECTIVES)
    if key is not None and key != "perspective":
        result.by = attribute_names[key]
    return result


# -- core ideas -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    dyad_id: int
    dyad: str
    perspective: str  # "" for the whole dyad

    @property
    def label(self) -> str:
        return f"{self.dyad} {self.perspective}" if self.perspective else self.dyad


@dataclass(frozen=True)
class Excerpt:
    coding_id: int
    document: str
    code: str
    coder: str
    text: str


@dataclass(frozen=True)
class CoreIdea:
    id: int
    case: Case
    domain_id: int
    text: str
    author: str | None
    excerpts: tuple[int, ...]


@dataclass
class CoreIdeaGrid:
    """Cases (rows) x domains (columns); a cell without a core idea is None, so empty cells stay visible."""

    case_unit: str
    cases: list[Case]
    domains: list[Category]
    ideas: dict[tuple[int, str, int], CoreIdea] = field(default_factory=dict)  # (dyad, perspective, domain)

    def idea(self, case: Case, domain_id: int) -> CoreIdea | None:
        return self.ideas.get((case.dyad_id, case.perspective, domain_id))

    def as_json(self) -> list[dict[str, object]]:
        domains = {d.id: d.name for d in self.domains}
        return [
            {
                "dyad": idea.case.dyad,
                "perspective": idea.case.perspective or None,
                "domain": domains.get(idea.domain_id, str(idea.domain_id)),
                "text": idea.text,
                "author": idea.author,
                "excerpts": list(idea.excerpts),
            }
            for case in self.cases
            for domain in self.domains
            if (idea := self.idea(case, domain.id)) is not None
        ]


def _cases(session, unit: str) -> list[Case]:
    names = queries.dyads(session)
    if unit == "dyad":
        return [Case(i, n, "") for i, n in names]
    present = set(queries.document_perspectives(session))
    return [Case(i, n, p) for i, n in names for p in CASE_PERSPECTIVES if (i, p) in present]


def core_idea_grid(project: Project, case_unit: str | None = None) -> CoreIdeaGrid:
    unit = case_unit or get_settings(project).case_unit
    if unit not in CASE_UNITS:
        raise InvalidInput(f"A case is a dyad or a perspective, not {unit!r}.")
    with project.read() as session:
        cases = _cases(session, unit)
        domains = [c for c in categories_of(queries.codes(session)) if c.depth == 0]
        dyad_names = dict(queries.dyads(session))
        links: dict[int, list[int]] = {}
        for idea_id, coding_id in queries.core_idea_excerpts(session):
            links.setdefault(idea_id, []).append(coding_id)
        grid = CoreIdeaGrid(unit, cases, domains)
        for idea_id, dyad_id, perspective, domain_id, text, author in queries.core_ideas(session):
            case = Case(dyad_id, dyad_names[dyad_id], perspective)
            grid.ideas[(dyad_id, perspective, domain_id)] = CoreIdea(
                idea_id, case, domain_id, text, author, tuple(links.get(idea_id, ()))
            )
    return grid


@dataclass(frozen=True)
class CoreIdeaState:
    """What a cell held, for undo: None text means there was no core idea."""

    dyad_id: int
    perspective: str
    domain_id: int
    text: str | None
    excerpts: tuple[int, ...] = ()
    author_id: int | None = None


def save_core_idea(
    project: Project,
    dyad: str | int,
    perspective: str | None,
    domain: str | int,
    text: str | None,
    excerpts: Sequence[int] = (),
    author: str | int | None = None,
) -> CoreIdeaState:
    """Write (or with `text` None, remove) the core idea of a case in a domain; returns what was there."""
    perspective = perspective or ""
    if perspective and perspective not in CASE_PERSPECTIVES:
        raise InvalidInput(f"A case's perspective is client or therapist, not {perspective!r}.")
    with project.write() as session:
        found = lookup.dyad(session, dyad)
        code = lookup.code(session, domain)
        if code.parent_id is not None:
            raise InvalidInput(
                f"{code.name} is a category, not a domain: core ideas belong to top-level codes."
            )
        author_id = lookup.coder(session, author).id if author is not None else None
        missing = set(excerpts) - queries.existing_codings(session, excerpts)
        if missing:
            raise NotFound(f"There is no coding {min(missing)} to link the core idea to.")
        row = queries.core_idea(session, found.id, perspective, code.id)
        previous = CoreIdeaState(found.id, perspective, code.id, None)
        if row is not None:
            linked = tuple(c for i, c in queries.core_idea_excerpts(session) if i == row.id)
            previous = CoreIdeaState(found.id, perspective, code.id, row.text, linked, row.author_id)
        if text is None:
            if row is not None:
                session.delete(row)
        else:
            if row is None:
                row = CqrCoreIdea(dyad_id=found.id, perspective=perspective, domain_id=code.id)
                session.add(row)
            row.text = text.strip()
            row.author_id = author_id if author_id is not None else row.author_id
            row.updated_at = utcnow()
            session.flush()
            queries.set_excerpts(session, row.id, excerpts)
    project.notify(Change(cqr=True))
    return previous


def restore_core_idea(project: Project, state: CoreIdeaState) -> None:
    """Put a cell back as `save_core_idea` found it (undo)."""
    with project.write() as session:
        row = queries.core_idea(session, state.dyad_id, state.perspective, state.domain_id)
        if state.text is None:
            if row is not None:
                session.delete(row)
        else:
            if row is None:
                row = CqrCoreIdea(
                    dyad_id=state.dyad_id, perspective=state.perspective, domain_id=state.domain_id
                )
                session.add(row)
            row.text, row.author_id, row.updated_at = state.text, state.author_id, utcnow()
            session.flush()
            kept = queries.existing_codings(session, state.excerpts)
            queries.set_excerpts(session, row.id, [c for c in state.excerpts if c in kept])
    project.notify(Change(cqr=True))


def _excerpt(row) -> Excerpt:
    coding_id, document, code, coder, start, end, text = row
    quote = text[start:end].replace("\n", " ")
    if len(quote) > SNIPPET:
        quote = quote[: SNIPPET - 1] + "…"
    return Excerpt(coding_id, document, code, coder, quote)


def case_excerpts(
    project: Project, case: Case, domain_id: int, coders: Collection[str | int] | None = None
) -> list[Excerpt]:
    """The coded excerpts of a case within a domain (its code and sub-codes): what a core idea may rest on."""
    with project.read() as session:
        coder_ids = _coder_ids(session, coders)
        domain = next((c for c in categories_of(queries.codes(session)) if c.id == domain_id), None)
        if domain is None:
            raise NotFound(f"There is no domain {domain_id}.")
        rows = queries.case_codings(session, case.dyad_id, case.perspective, domain.subtree, coder_ids)
    return [_excerpt(r) for r in rows]


def excerpts(project: Project, coding_ids: Collection[int]) -> list[Excerpt]:
    with project.read() as session:
        rows = queries.codings_by_id(session, coding_ids)
    order = {c: i for i, c in enumerate(coding_ids)}
    return sorted((_excerpt(r) for r in rows), key=lambda e: order.get(e.coding_id, 0))

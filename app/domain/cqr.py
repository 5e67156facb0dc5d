"""Consensual Qualitative Research (CQR) cross-analysis: cases, frequency labels, group differences.

Pure Python (no Qt, no SQL). The default rules are those of Hill et al. (2005, Journal of Counseling
Psychology 52, 196-205), for a category found in `k` of `n` cases:

- fewer than `min_cases` (2) cases: no label (a category of a single case is not reported);
- general: all cases, or all but `general_all_but` (1);
- typical: more than half of the cases, up to the cutoff for general;
- variant: from `min_cases` up to half of the cases;
- with more than `rare_above` (15) cases: rare = `min_cases` up to `rare_max` (3) cases, and variant starts
  at `rare_max + 1`.

Labels are ordered general > typical > variant > rare > (none); two groups whose labels for a category are
`difference_levels` (2) or more steps apart are marked (Hill et al. call general vs variant a difference).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

GENERAL, TYPICAL, VARIANT, RARE = "general", "typical", "variant", "rare"
LABELS = (GENERAL, TYPICAL, VARIANT, RARE)
_LEVEL = {GENERAL: 4, TYPICAL: 3, VARIANT: 2, RARE: 1, None: 0}
NO_VALUE = "(no value)"
ALL = "all"


@dataclass(frozen=True)
class LabelRules:
    """The frequency-label rules of a project (Hill et al., 2005 by default)."""

    general_all_but: int = 1
    min_cases: int = 2
    rare_above: int = 15
    rare_max: int = 3
    difference_levels: int = 2

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{item.name} must be a whole number of zero or more, not {value!r}")
        if self.min_cases < 1:
            raise ValueError("min_cases must be at least 1")
        if self.difference_levels < 1:
            raise ValueError("difference_levels must be at least 1")

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> LabelRules:
        known = {item.name for item in fields(cls)}
        return cls(**{k: int(v) for k, v in values.items() if k in known})  # type: ignore[arg-type]


DEFAULT_RULES = LabelRules()


def frequency_label(cases_with: int, cases: int, rules: LabelRules = DEFAULT_RULES) -> str | None:
    """The CQR label of a category found in `cases_with` of `cases` cases (None: no label)."""
    if cases_with < 0 or cases < 0 or cases_with > cases:
        raise ValueError(f"{cases_with} of {cases} cases is impossible")
    if cases_with < rules.min_cases:
        return None
    if cases_with >= cases - rules.general_all_but:
        return GENERAL
    if 2 * cases_with > cases:
        return TYPICAL
    if cases > rules.rare_above and cases_with <= rules.rare_max:
        return RARE
    return VARIANT


def label_level(label: str | None) -> int:
    """general 4, typical 3, variant 2, rare 1, no label 0."""
    return _LEVEL[label]


def labels_differ(first: str | None, second: str | None, rules: LabelRules = DEFAULT_RULES) -> bool:
    """Whether two groups' labels are far enough apart to be marked as a difference."""
    return abs(label_level(first) - label_level(second)) >= rules.difference_levels


def describe_rules(rules: LabelRules = DEFAULT_RULES) -> list[str]:
    """The rules in words, shown beside the table and printed in reports."""
    but = rules.general_all_but
    general = "all cases" if but == 0 else f"all cases or all but {but}"
    lines = [
        f"General: {general}.",
        "Typical: more than half of the cases, up to the cutoff for general.",
        f"Variant: {rules.min_cases} cases up to half of the cases.",
        f"With more than {rules.rare_above} cases: rare = {rules.min_cases} to {rules.rare_max} cases, "
        f"variant = {rules.rare_max + 1} cases up to half.",
        f"A category found in fewer than {rules.min_cases} cases gets no label.",
        f"Groups whose labels are {rules.difference_levels} or more levels apart are marked "
        "(general > typical > variant > rare > none).",
    ]
    return lines


# -- cases and the cross-analysis -----------------------------------------------------------------


@dataclass(frozen=True)
class CaseKey:
    """A dyad (perspective None) or one perspective of a dyad."""

    dyad: str
    perspective: str | None = None

    @property
    def label(self) -> str:
        return f"{self.dyad} {self.perspective}" if self.perspective else self.dyad


@dataclass(frozen=True)
class DyadFacts:
    """What the cross-analysis needs of one dyad: its attributes and which codes each perspective coded.

    `coded` maps a perspective (None for documents without one, e.g. session transcripts) to the ids of the
    codes with at least one coding in that perspective's documents; `perspectives` are the perspectives that
    have documents at all (a dyad without a therapist recall is no therapist case).
    """

    name: str
    perspectives: frozenset[str]
    coded: Mapping[str | None, frozenset[int]]
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Category:
    """A code of the codebook as CQR sees it: top-level codes are domains, their sub-codes categories."""

    id: int
    parent_id: int | None
    name: str
    path: str
    depth: int
    subtree: frozenset[int]  # the code and all its descendants


@dataclass(frozen=True)
class Cell:
    cases_with: int
    cases: int
    label: str | None


@dataclass(frozen=True)
class Group:
    name: str
    cases: tuple[CaseKey, ...]


@dataclass
class CrossAnalysis:
    by: str | None  # None (all cases), "perspective" or a dyad attribute
    groups: list[Group]
    categories: list[Category]
    cells: dict[tuple[int, str], Cell]  # (code id, group name) -> cell
    rules: LabelRules

    def cell(self, code_id: int, group: str) -> Cell:
        return self.cells[(code_id, group)]

    def marked(self, code_id: int) -> bool:
        """Whether two groups' labels for this category differ by the rules' threshold or more."""
        if len(self.groups) < 2:
            return False
        levels = [label_level(self.cells[(code_id, g.name)].label) for g in self.groups if g.cases]
        return bool(levels) and max(levels) - min(levels) >= self.rules.difference_levels

    def as_json(self) -> dict[str, object]:
        return {
            "by": self.by,
            "rules": self.rules.as_dict(),
            "groups": [
                {
                    "name": group.name,
                    "cases": len(group.cases),
                    "categories": [
                        {
                            "code": category.path,
                            "cases": self.cells[(category.id, group.name)].cases_with,
                            "label": self.cells[(category.id, group.name)].label,
                        }
                        for category in self.categories
                    ],
                }
                for group in self.groups
            ],
            "marked": [c.path for c in self.categories if self.marked(c.id)],
        }


def categories_of(codes: Iterable[tuple[int, int | None, str, int]]) -> list[Category]:
    """Codes (id, parent id, name, position) in codebook order, each with its path, depth and subtree."""
    rows = list(codes)
    children: dict[int | None, list[tuple[int, int | None, str, int]]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r[3], r[2].casefold(), r[0]))
    ordered: list[Category] = []

    def subtree(code_id: int) -> frozenset[int]:
        found = {code_id}
        for child in children.get(code_id, []):
            found |= subtree(child[0])
        return frozenset(found)

    def walk(parent: int | None, depth: int, prefix: str) -> None:
        for code_id, parent_id, name, _position in children.get(parent, []):
            path = f"{prefix}/{name}" if prefix else name
            ordered.append(Category(code_id, parent_id, name, path, depth, subtree(code_id)))
            walk(code_id, depth + 1, path)

    walk(None, 0, "")
    return ordered


def case_codes(dyad: DyadFacts, perspective: str | None) -> frozenset[int]:
    """Codes coded in the case: the whole dyad (perspective None) or one perspective's documents."""
    if perspective is None:
        found: set[int] = set()
        for codes in dyad.coded.values():
            found |= codes
        return frozenset(found)
    return frozenset(dyad.coded.get(perspective, frozenset()))


def group_cases(
    dyads: Sequence[DyadFacts], by: str | None, perspectives: Sequence[str] = ("client", "therapist")
) -> list[Group]:
    """The groups of cases: all dyads; per perspective (a dyad without that perspective is no case); or the
    dyads per value of a dyad attribute (dyads without a value form the group `(no value)`, last)."""
    if by is None:
        return [Group(ALL, tuple(CaseKey(d.name) for d in dyads))]
    if by == "perspective":
        return [
            Group(p, tuple(CaseKey(d.name, p) for d in dyads if p in d.perspectives)) for p in perspectives
        ]
    values: dict[str, list[CaseKey]] = {}
    for dyad in dyads:
        values.setdefault(dyad.attributes.get(by, NO_VALUE), []).append(CaseKey(dyad.name))
    names = sorted((v for v in values if v != NO_VALUE), key=str.casefold)
    if NO_VALUE in values:
        names.append(NO_VALUE)
    return [Group(name, tuple(values[name])) for name in names]


def cross_analyse(
    categories: Sequence[Category],
    dyads: Sequence[DyadFacts],
    by: str | None = None,
    rules: LabelRules = DEFAULT_RULES,
    perspectives: Sequence[str] = ("client", "therapist"),
) -> CrossAnalysis:
    """Per category and group: the cases in which the category (or one of its sub-codes) is coded, and its
    frequency label among the group's cases."""
    groups = group_cases(dyads, by, perspectives)
    by_name = {d.name: d for d in dyads}
    cells: dict[tuple[int, str], Cell] = {}
    for group in groups:
        coded = [case_codes(by_name[key.dyad], key.perspective) for key in group.cases]
        for category in categories:
            k = sum(1 for codes in coded if codes & category.subtree)
            cells[(category.id, group.name)] = Cell(k, len(coded), frequency_label(k, len(coded), rules))
    return CrossAnalysis(by, groups, list(categories), cells, rules)

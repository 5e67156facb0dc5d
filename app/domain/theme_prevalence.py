"""Across dyads: how often each perspective raises each theme, by groups of dyads (pure Python).

Dyads are grouped by the value of one dyad attribute (e.g. outcome: positive / troubled); dyads without a
value form the group `(no value)`, listed last. For a theme (a code with its subtree), a group and a
perspective, the prevalence is the share of the group's dyads in which that perspective coded the theme at
least once: `dyads_raised / dyads`. The denominator is every dyad in the group, so a dyad without that
perspective's documents counts as not raising it; `with_perspective` tells how many dyads could have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.comparison import CodeNode, CodeTree, order_perspectives

NO_VALUE = "(no value)"


@dataclass(frozen=True)
class DyadThemes:
    """What one dyad's perspectives coded: own codings per (code id, perspective)."""

    dyad: str
    group: str
    perspectives: frozenset[str]  # perspectives with documents in the selection
    codings: dict[tuple[int, str], int]


@dataclass(frozen=True)
class Prevalence:
    dyads_raised: int
    dyads: int
    with_perspective: int
    codings: int

    @property
    def prevalence(self) -> float:
        return self.dyads_raised / self.dyads if self.dyads else 0.0


@dataclass(frozen=True)
class PrevalenceRow:
    code_id: int
    parent_id: int | None
    name: str
    path: str
    color: str
    depth: int
    cells: dict[tuple[str, str], Prevalence]  # (group, perspective) -> prevalence


@dataclass
class GroupComparison:
    attribute: str
    groups: list[str]
    dyads: dict[str, list[str]]  # group -> dyad names
    perspectives: tuple[str, ...]
    rows: list[PrevalenceRow]

    def as_json(self) -> dict[str, object]:
        return {
            "attribute": self.attribute,
            "groups": [{"group": g, "dyads": self.dyads[g]} for g in self.groups],
            "perspectives": list(self.perspectives),
            "codes": [
                {
                    "code": row.path,
                    "groups": {
                        g: {
                            p: {
                                "dyads": c.dyads_raised,
                                "of": c.dyads,
                                "prevalence": round(c.prevalence, 6),
                                "codings": c.codings,
                            }
                            for p in self.perspectives
                            for c in [row.cells[(g, p)]]
                        }
                        for g in self.groups
                    },
                }
                for row in self.rows
            ],
        }


def _group_key(value: str) -> tuple[int, float | str, str]:
    if value == NO_VALUE:
        return (2, 0.0, value)
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, value.casefold(), value)


def compare_groups(
    attribute: str, codes: Iterable[CodeNode], dyads: Sequence[DyadThemes], *, include_empty: bool = False
) -> GroupComparison:
    """Theme prevalence per group of dyads and perspective, codes rolled up over their subtrees."""
    tree = CodeTree(codes)
    members: dict[str, list[str]] = defaultdict(list)
    for dyad in dyads:
        members[dyad.group or NO_VALUE].append(dyad.dyad)
    groups = sorted(members, key=_group_key)
    perspectives = order_perspectives(p for d in dyads for p in d.perspectives)
    # Per dyad, the rolled-up codings of each (code, perspective).
    raised: dict[tuple[int, str, str], int] = defaultdict(int)  # (code, group, perspective) -> dyads
    codings: dict[tuple[int, str, str], int] = defaultdict(int)
    for dyad in dyads:
        group = dyad.group or NO_VALUE
        for code_id in tree.order:
            for perspective in perspectives:
                total = sum(dyad.codings.get((c, perspective), 0) for c in tree.subtree[code_id])
                if total:
                    raised[(code_id, group, perspective)] += 1
                    codings[(code_id, group, perspective)] += total
    having = {
        (g, p): sum(1 for d in dyads if (d.group or NO_VALUE) == g and p in d.perspectives)
        for g in groups
        for p in perspectives
    }
    rows = []
    for code_id in tree.order:
        cells = {
            (g, p): Prevalence(
                dyads_raised=raised[(code_id, g, p)],
                dyads=len(members[g]),
                with_perspective=having[(g, p)],
                codings=codings[(code_id, g, p)],
            )
            for g in groups
            for p in perspectives
        }
        if include_empty or any(c.codings for c in cells.values()):
            node = tree.nodes[code_id]
            rows.append(
                PrevalenceRow(
                    code_id=code_id,
                    parent_id=tree.parent(code_id),
                    name=node.name,
                    path=tree.path[code_id],
                    color=node.color,
                    depth=tree.depth[code_id],
                    cells=cells,
                )
            )
    return GroupComparison(
        attribute=attribute,
        groups=groups,
        dyads={g: sorted(members[g]) for g in groups},
        perspectives=perspectives,
        rows=rows,
    )

"""CQR frequency labels (Hill et al., 2005) with known answers at every boundary, and the cases they count."""

from __future__ import annotations

import pytest

from app.domain.cqr import (
    DEFAULT_RULES,
    GENERAL,
    RARE,
    TYPICAL,
    VARIANT,
    CaseKey,
    DyadFacts,
    LabelRules,
    categories_of,
    cross_analyse,
    describe_rules,
    frequency_label,
    labels_differ,
)

# (cases in the group, {cases with the category: expected label}) for every k from 0 to n.
KNOWN = {
    2: {0: None, 1: None, 2: GENERAL},
    3: {0: None, 1: None, 2: GENERAL, 3: GENERAL},
    6: {0: None, 1: None, 2: VARIANT, 3: VARIANT, 4: TYPICAL, 5: GENERAL, 6: GENERAL},
    15: {0: None, 1: None, **{k: VARIANT for k in range(2, 8)}, **{k: TYPICAL for k in range(8, 14)},
         14: GENERAL, 15: GENERAL},
    16: {0: None, 1: None, 2: RARE, 3: RARE, **{k: VARIANT for k in range(4, 9)},
         **{k: TYPICAL for k in range(9, 15)}, 15: GENERAL, 16: GENERAL},
    30: {0: None, 1: None, 2: RARE, 3: RARE, **{k: VARIANT for k in range(4, 16)},
         **{k: TYPICAL for k in range(16, 29)}, 29: GENERAL, 30: GENERAL},
}  # fmt: skip


@pytest.mark.parametrize("cases", sorted(KNOWN))
def test_every_count_of_cases_gets_its_known_label(cases: int) -> None:
    expected = KNOWN[cases]
    assert sorted(expected) == list(range(cases + 1))
    assert {k: frequency_label(k, cases) for k in range(cases + 1)} == expected


@pytest.mark.parametrize(
    ("k", "n", "label"),
    [(15, 30, VARIANT), (16, 30, TYPICAL), (8, 16, VARIANT), (9, 16, TYPICAL), (3, 16, RARE), (4, 16, VARIANT),
     (3, 15, VARIANT), (3, 6, VARIANT), (4, 6, TYPICAL), (5, 6, GENERAL), (13, 15, TYPICAL), (14, 15, GENERAL),
     (1, 1, None), (0, 0, None), (2, 4, VARIANT), (3, 4, GENERAL)],
)  # fmt: skip
def test_boundaries_half_and_all_but_one(k: int, n: int, label: str | None) -> None:
    assert frequency_label(k, n) == label


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        frequency_label(4, 3)
    with pytest.raises(ValueError):
        frequency_label(-1, 3)


def test_rules_can_be_changed_per_project() -> None:
    strict = LabelRules(general_all_but=0, rare_above=10, rare_max=2)
    assert frequency_label(5, 6, strict) == TYPICAL  # general now needs all six
    assert frequency_label(6, 6, strict) == GENERAL
    assert frequency_label(2, 12, strict) == RARE
    assert frequency_label(3, 12, strict) == VARIANT
    assert any("all cases." in line for line in describe_rules(strict))
    assert LabelRules.from_mapping({"rare_max": "4", "unknown": 1}).rare_max == 4
    with pytest.raises(ValueError):
        LabelRules(min_cases=0)


def test_labels_two_levels_apart_are_marked() -> None:
    assert labels_differ(GENERAL, VARIANT)
    assert not labels_differ(GENERAL, TYPICAL)
    assert labels_differ(TYPICAL, None)
    assert not labels_differ(VARIANT, RARE)
    assert labels_differ(GENERAL, TYPICAL, LabelRules(difference_levels=1))


CODES = [(1, None, "Bond", 0), (2, 1, "Trust", 0), (3, 1, "Empathy", 1), (4, None, "Rupture", 1)]


def dyad(name: str, outcome: str | None, **coded: set[int]) -> DyadFacts:
    by_perspective = {(None if p == "session" else p): frozenset(c) for p, c in coded.items()}
    return DyadFacts(
        name=name,
        perspectives=frozenset(p for p in by_perspective if p is not None),
        coded=by_perspective,
        attributes={"outcome": outcome} if outcome else {},
    )


DYADS = [
    dyad("D1", "good", client={2}, therapist={2, 3}),
    dyad("D2", "good", client={2}, therapist={3}),
    dyad("D3", "good", client={3}),  # no therapist recall: no therapist case
    dyad("D4", "poor", client={4}, therapist={4}, session={2}),
    dyad("D5", "poor", client={4}, therapist={4}),
    dyad("D6", None, therapist={4}),
]


def test_categories_follow_the_codebook_with_paths_and_subtrees() -> None:
    categories = categories_of(CODES)
    assert [(c.path, c.depth, sorted(c.subtree)) for c in categories] == [
        ("Bond", 0, [1, 2, 3]), ("Bond/Trust", 1, [2]), ("Bond/Empathy", 1, [3]), ("Rupture", 0, [4]),
    ]  # fmt: skip


def test_all_cases_count_a_domain_with_its_categories() -> None:
    result = cross_analyse(categories_of(CODES), DYADS)
    assert [(g.name, len(g.cases)) for g in result.groups] == [("all", 6)]
    assert result.cell(1, "all").cases_with == 4  # Bond: D1-D4 (D4 only in its session transcript)
    assert result.cell(1, "all").label == TYPICAL
    assert result.cell(2, "all").cases_with == 3 and result.cell(2, "all").label == VARIANT
    assert result.cell(4, "all").cases_with == 3


def test_missing_perspective_is_no_case() -> None:
    result = cross_analyse(categories_of(CODES), DYADS, by="perspective")
    groups = {g.name: g.cases for g in result.groups}
    assert groups["client"] == tuple(CaseKey(d, "client") for d in ("D1", "D2", "D3", "D4", "D5"))
    assert CaseKey("D3", "therapist") not in groups["therapist"]
    assert len(groups["therapist"]) == 5  # D1, D2, D4, D5, D6
    # Trust: client D1 D2 (2 of 5, variant); therapist D1 only (1 of 5, no label); D4's session coding
    # belongs to no perspective.
    assert (result.cell(2, "client").cases_with, result.cell(2, "client").label) == (2, VARIANT)
    assert (result.cell(2, "therapist").cases_with, result.cell(2, "therapist").label) == (1, None)
    assert (result.cell(4, "therapist").cases_with, result.cell(4, "therapist").label) == (3, TYPICAL)


def test_attribute_groups_and_marked_differences() -> None:
    result = cross_analyse(categories_of(CODES), DYADS, by="outcome")
    assert [(g.name, len(g.cases)) for g in result.groups] == [("good", 3), ("poor", 2), ("(no value)", 1)]
    assert result.cell(1, "good").label == GENERAL
    assert result.cell(1, "poor").label is None  # Bond only in D4's session: 1 of 2
    assert result.marked(1)
    assert result.cell(4, "poor").label == GENERAL and result.cell(4, "good").label is None
    data = result.as_json()
    assert data["groups"][0]["categories"][0] == {"code": "Bond", "cases": 3, "label": "general"}
    assert "Bond" in data["marked"] and data["rules"] == DEFAULT_RULES.as_dict()

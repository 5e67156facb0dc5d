"""Attribute names and values as a researcher reads them: "Sessions planned", "Interpreted: yes", not
"sessions_planned" or "false"; and which dyad attribute to group by first (the outcome, when there is one)."""

from __future__ import annotations

from collections.abc import Sequence

YES = {"true", "yes", "y", "1"}
NO = {"false", "no", "n", "0"}
PREFERRED_GROUPINGS = ("outcome", "group", "condition", "arm")  # the usual names of a study's grouping


def attribute_label(name: str) -> str:
    """`sessions_planned` -> `Sessions planned`."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def group_label(attribute: str, value: str) -> str:
    """A group's name in headers and charts: yes/no values say what they are about."""
    text = value.strip().lower()
    if text in YES:
        return f"{attribute_label(attribute)}: yes"
    if text in NO:
        return f"{attribute_label(attribute)}: no"
    return value


def preferred_grouping(names: Sequence[str]) -> str | None:
    """The attribute to open on: one called like a study's outcome or group, else the first."""
    for wanted in PREFERRED_GROUPINGS:
        for name in names:
            if wanted in name.lower():
                return name
    return names[0] if names else None

"""Counts in words: "1 dyad", "2 dyads", "1 memo", never "1 dyads"."""

from __future__ import annotations

IRREGULAR = {"analysis": "analyses", "category": "categories", "replacement": "replacements"}


def plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str, *, thousands: bool = False) -> str:
    """`count(1, "dyad")` -> "1 dyad"; `count(12000, "word", thousands=True)` -> "12,000 words"."""
    number = f"{n:,}" if thousands else str(n)
    return f"{number} {plural(noun, n)}"

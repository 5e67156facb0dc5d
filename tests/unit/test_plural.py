"""Counts read as English: one dyad, two dyads."""

from app.domain.plural import count, plural


def test_counts_agree_with_their_number() -> None:
    assert count(1, "dyad") == "1 dyad"
    assert count(0, "dyad") == "0 dyads"
    assert count(2, "category") == "2 categories"
    assert count(3, "day") == "3 days"
    assert count(12000, "word", thousands=True) == "12,000 words"
    assert plural("analysis", 2) == "analyses"

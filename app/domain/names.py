"""One rule for names a researcher types or a file brings (codes, coders, dyads...), applied when a name is
stored and again when it is looked up, so a name finds its thing however it was typed or pasted."""

from __future__ import annotations

import unicodedata


def normalise_name(text: str) -> str:
    """Control characters become spaces (tabs, line breaks, NUL...), runs of whitespace one space, no edges."""
    spaced = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text or "")
    return " ".join(spaced.split())

"""Names for imported documents: the study's own style ("D07 S2 client recall"), and distinct names for two
files of one session (the DOCX and the SRT become "D07 S2 session (DOCX)" and "D07 S2 session (SRT)", not
"D07_s2_session" and "D07_s2_session (2)")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath

KIND_WORDS = {"session": "session", "recall": "recall", "note": "note", "other": ""}
_STUDY_STYLE = re.compile(r"^\S+ S\d+\b", re.IGNORECASE)


def study_style_name(
    file_name: str, dyad: str | None, session: int | None, perspective: str | None, kind: str | None
) -> str:
    """`D07 S2 client recall`; the file's name with spaces when the dyad or session is unknown."""
    if not dyad or not session:
        return readable_stem(file_name)
    words = [dyad.strip(), f"S{session}"]
    if perspective and kind != "session":  # a session transcript is everyone's; a recall is one person's
        words.append(perspective)
    if KIND_WORDS.get(kind or "other"):
        words.append(KIND_WORDS[kind or "other"])
    return " ".join(words)


def readable_stem(file_name: str) -> str:
    """`D07_s2_client-recall.docx` -> `D07 s2 client-recall`."""
    return " ".join(PurePath(file_name).stem.replace("_", " ").split()) or PurePath(file_name).stem


def follows_study_style(existing: Sequence[str]) -> bool:
    """Whether the project's documents are named like "D01 S1 session" (or there are none yet)."""
    if not existing:
        return True
    styled = sum(1 for name in existing if _STUDY_STYLE.match(name) and "_" not in name)
    return styled * 2 >= len(existing)


def distinct_names(names: Sequence[str], file_names: Sequence[str]) -> list[str]:
    """Names that occur more than once in one import get their file's format: "… (DOCX)", "… (SRT)"; files of
    the same format that still collide keep their file's name."""
    counts = Counter(n.casefold() for n in names)
    result = []
    for name, file_name in zip(names, file_names, strict=True):
        if counts[name.casefold()] > 1:
            suffix = PurePath(file_name).suffix.lstrip(".").upper() or "file"
            name = f"{name} ({suffix})"
        result.append(name)
    again = Counter(n.casefold() for n in result)
    return [
        f"{n} – {PurePath(f).stem}" if again[n.casefold()] > 1 else n
        for n, f in zip(result, file_names, strict=True)
    ]

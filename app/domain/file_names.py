"""Guess where a transcript belongs from its file name (`D07_s2_client_recall.docx`), for confirmation.

Research teams name files systematically but each team differently, so the guess reads tokens separated by
`_`, `-`, `.` or spaces and recognises: a dyad (`D07`, `dyad7`, `Dyad 7`, `pair3`), a session (`s2`, `S02`,
`session2`, `session 2`, `sess2`), a perspective (client, therapist, interpreter, researcher and common
synonyms; single letters C/T/I/R only when the name also names a dyad or session) and a kind (recall, session,
note). A name with a session number but no kind word is guessed to be a session transcript. Nothing here is
authoritative: the import dialog shows the guess and the CLI flags override it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

_TOKEN_SPLIT = re.compile(r"[\s_\-.,;()\[\]]+")
_DYAD = re.compile(r"^(?:d|dy|dyad|dyade|dyads|pair|triad)(\d+[a-z]?)$", re.IGNORECASE)
_SESSION = re.compile(r"^(?:s|sess|session|sitzung|ses)(\d+)$", re.IGNORECASE)
_DYAD_WORDS = frozenset({"d", "dyad", "dyade", "pair", "triad"})
_SESSION_WORDS = frozenset({"session", "sess", "sitzung", "s"})

PERSPECTIVE_WORDS = {
    "client": "client",
    "clients": "client",
    "cl": "client",
    "patient": "client",
    "pt": "client",
    "klient": "client",
    "klientin": "client",
    "therapist": "therapist",
    "therapists": "therapist",
    "th": "therapist",
    "ther": "therapist",
    "therapeut": "therapist",
    "therapeutin": "therapist",
    "counsellor": "therapist",
    "counselor": "therapist",
    "interpreter": "interpreter",
    "interp": "interpreter",
    "dolmetscher": "interpreter",
    "dolmetscherin": "interpreter",
    "researcher": "researcher",
    "interviewer": "researcher",
    "res": "researcher",
}
_PERSPECTIVE_LETTERS = {"c": "client", "t": "therapist", "i": "interpreter", "r": "researcher"}
_KIND_WORDS = {
    "recall": "recall",
    "ipr": "recall",
    "var": "recall",
    "stimulated": "recall",
    "session": "session",
    "transcript": "session",
    "therapy": "session",
    "note": "note",
    "notes": "note",
    "fieldnote": "note",
    "fieldnotes": "note",
    "memo": "note",
}


@dataclass(frozen=True)
class NameGuess:
    dyad: str | None = None
    session: int | None = None
    perspective: str | None = None
    kind: str = "other"


def role_from_word(word: str) -> str | None:
    """client/therapist/interpreter/researcher for a word or letter people use for it, else None."""
    key = word.strip().casefold()
    return (
        PERSPECTIVE_WORDS.get(key)
        or _PERSPECTIVE_LETTERS.get(key)
        or (key if key in ("client", "therapist", "interpreter", "researcher") else None)
    )


def guess_from_file_name(name: str) -> NameGuess:
    """The dyad, session, perspective and kind a file name suggests (see the module docstring)."""
    stem = PurePath(name).name
    for suffix in (".docx", ".txt", ".text", ".srt", ".vtt"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    tokens = [t for t in _TOKEN_SPLIT.split(stem) if t]
    dyad: str | None = None
    session: int | None = None
    perspective: str | None = None
    kind: str | None = None
    letters: list[str] = []
    skip_next = False
    for index, token in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        lower = token.casefold()
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if dyad is None and (match := _DYAD.match(token)):
            dyad = _dyad_name(token, match.group(1))
        elif dyad is None and lower in _DYAD_WORDS and following.isdigit():
            dyad = _dyad_name(token, following)
            skip_next = True
        elif session is None and (match := _SESSION.match(token)):
            session = int(match.group(1))
        elif session is None and lower in _SESSION_WORDS and following.isdigit():
            session = int(following)
            skip_next = True
        elif perspective is None and lower in PERSPECTIVE_WORDS:
            perspective = PERSPECTIVE_WORDS[lower]
        elif kind is None and lower in _KIND_WORDS:
            kind = _KIND_WORDS[lower]
        elif lower in _PERSPECTIVE_LETTERS:
            letters.append(lower)
    if perspective is None and len(letters) == 1 and (dyad is not None or session is not None):
        perspective = _PERSPECTIVE_LETTERS[letters[0]]
    if kind is None:
        kind = "session" if session is not None else "other"
    if session is not None and not 1 <= session <= 9999:
        session = None  # "s0" or a long number is not a session
    return NameGuess(dyad, session, perspective, kind)


def _dyad_name(token: str, number: str) -> str:
    """`D07` stays `D07`; `dyad7` and `Dyad 7` become `D7`, so one team's files agree on one dyad name."""
    if token[:1].upper() == "D" and token[1:].upper() == number.upper():
        return "D" + number.upper()
    if token.casefold() in ("triad",) or token.casefold().startswith("triad"):
        return "T" + number.upper()
    if token.casefold().startswith("pair"):
        return "P" + number.upper()
    return "D" + number.upper()

"""Plain-text helpers of full-text search: snippets around matches and the ranges "code all hits" codes.

All positions are code points (Python `str` indices) into the document text; a turn is given as the document
text plus its (start, end). Pure Python, so it can be tested without an index or a database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.spans import Span

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n")  # punctuation, or a blank line
_LABEL = re.compile(r"[ \t]*(?:[\[(][^\])\n]{1,20}[\])][ \t]*)?(?P<label>[^:\n]{1,40}):[ \t]*")


@dataclass(frozen=True)
class Snippet:
    """A one-line excerpt (line breaks shown as spaces) and the matches inside it, as offsets into `text`."""

    text: str
    matches: tuple[Span, ...]


def snippet(
    text: str, start: int, end: int, matches: Sequence[Span], *, before: int = 60, width: int = 200
) -> Snippet:
    """An excerpt of text[start:end] around the first match, cut at spaces, with `…` where it was cut."""
    anchor = matches[0][0] if matches else start
    lo = max(start, anchor - before)
    hi = min(end, lo + width)
    if hi - lo < width:
        lo = max(start, hi - width)
    if lo > start:
        space = text.find(" ", lo, anchor)
        lo = space + 1 if space != -1 else lo
    if hi < end:
        space = text.rfind(" ", max(lo, matches[0][1] if matches else lo), hi)
        hi = space if space > lo else hi
    body = text[lo:hi].replace("\r", " ").replace("\n", " ").replace("\t", " ")
    lead = body[: len(body) - len(body.lstrip())]
    body_stripped = body.strip()
    offset = lo + len(lead)
    prefix = ELLIPSIS if offset > start and text[start:offset].strip() else ""
    suffix = (
        ELLIPSIS
        if offset + len(body_stripped) < end and text[offset + len(body_stripped) : end].strip()
        else ""
    )
    shift = len(prefix) - offset
    inside = []
    for s, e in matches:
        s, e = max(s, offset), min(e, offset + len(body_stripped))
        if s < e:
            inside.append((s + shift, e + shift))
    return Snippet(prefix + body_stripped + suffix, tuple(inside))


def turn_body(text: str, start: int, end: int, speaker: str | None) -> Span:
    """The turn without its leading timestamp and speaker label and without surrounding blank space."""
    body_start = start
    if speaker:
        found = _LABEL.match(text, start, end)
        if found is not None and found.group("label").strip().endswith(speaker.strip()):
            body_start = found.end()
    return _trimmed(text, body_start, end) or _trimmed(text, start, end) or (start, end)


def sentence_around(text: str, start: int, end: int, match: Span, speaker: str | None = None) -> Span:
    """The sentence of the turn text[start:end] that holds `match`.

    A sentence ends at . ! ? … (before white space) or at a blank line; a single line break does not end it
    (transcribers wrap long utterances).
    """
    body_start, body_end = turn_body(text, start, end, speaker)
    sentence_start = body_start
    for found in _SENTENCE_END.finditer(text, body_start, match[0]):
        sentence_start = found.end()
    stop = _SENTENCE_END.search(text, match[1], body_end)
    if stop is None:
        sentence_end = body_end
    else:
        sentence_end = stop.start() if stop.group().startswith("\n") else stop.end()
    sentence_end = max(min(sentence_end, body_end), match[1])
    sentence_start = min(max(sentence_start, body_start), match[0])
    return _trimmed(text, sentence_start, sentence_end) or match


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None

"""Positions through text edits: how codings, turns and memos follow a corrected transcript.

An edit replaces `text[start:end]` with `replacement` (an insertion has start == end, a deletion an empty
replacement). Every change to a document's text (a correction in the editor, pseudonymisation, a merge of turns)
goes through these functions, so everything anchored to the text moves the same way.

The rules for a coded span [a, b) and an edit [s, e) -> r, with d = len(r) - (e - s):
- untouched text keeps its codings: a span wholly before the edit stays, one wholly after shifts by d;
- an insertion (s == e) at a span's start or end goes outside the span, strictly inside it the span grows;
- a span boundary inside the replaced text snaps outward to the replacement's edge, so a coding that covered part
  of a replaced word covers the whole new word (the coder meant the word, not its letters);
- a span whose whole text is deleted (r empty) disappears; one whose whole text is replaced covers the
  replacement (correcting "Jon" to "John" keeps the coding).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    replacement: str

    @property
    def delta(self) -> int:
        return len(self.replacement) - (self.end - self.start)

    @property
    def new_end(self) -> int:
        return self.start + len(self.replacement)

    def validate(self, length: int) -> None:
        if not 0 <= self.start <= self.end <= length:
            raise ValueError(f"edit [{self.start}, {self.end}) lies outside a text of {length} characters")


def apply_edit(text: str, edit: TextEdit) -> str:
    edit.validate(len(text))
    return text[: edit.start] + edit.replacement + text[edit.end :]


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply edits one after another; each edit's positions refer to the text as the previous ones left it."""
    for edit in edits:
        text = apply_edit(text, edit)
    return text


def map_span(start: int, end: int, edit: TextEdit) -> tuple[int, int] | None:
    """Where the span [start, end) lies after the edit, or None when its whole text was deleted."""
    s, e, n = edit.start, edit.end, edit.new_end
    if end < s or (end == s and start < end):
        return start, end  # wholly before (an insertion at its end stays outside)
    if start > e or (start == e and s < e) or (start == e == s and start < end):
        return start + edit.delta, end + edit.delta  # wholly after (an insertion at its start stays outside)
    if start == end:  # an empty span (a point) inside the edit
        return (n, n) if start >= e else (s, s)
    new_start = start if start < s else s
    new_end = end + edit.delta if end > e else n
    if new_start >= new_end:
        return None  # everything it covered was deleted
    return new_start, new_end


def map_boundary(position: int, edit: TextEdit) -> int:
    """A boundary between two neighbours (e.g. two turns): before the edit stays, after shifts, inside snaps
    to the end of the replacement, so the replacement belongs to the earlier neighbour. Monotone, so tiling
    spans stay tiling."""
    if position <= edit.start:
        return position
    if position >= edit.end:
        return position + edit.delta
    return edit.new_end


def map_spans(spans: Sequence[tuple[int, int]], edits: Iterable[TextEdit]) -> list[tuple[int, int] | None]:
    """Map many spans through a sequence of edits; None marks a span deleted along the way."""
    result: list[tuple[int, int] | None] = list(spans)
    for edit in edits:
        result = [None if span is None else map_span(span[0], span[1], edit) for span in result]
    return result


def map_tiling(boundaries: Sequence[int], edits: Iterable[TextEdit]) -> list[int]:
    """Map the boundaries [0, b1, ..., len(text)] of spans that tile a text (turns); empty spans can result and
    are for the caller to merge away."""
    result = list(boundaries)
    for edit in edits:
        # The last boundary is the end of the text: text inserted at the very end still belongs to a turn.
        result = [map_boundary(b, edit) for b in result[:-1]] + [result[-1] + edit.delta] if result else []
    return result


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """A small list of edits turning `old` into `new`, each against the text as the previous ones left it.

    Works line by line first (so a correction in a long transcript costs little), then word by word inside
    each changed block, so two corrections on one line stay two edits and the coded words between them are
    not mistaken for changed text.
    """
    if old == new:
        return []
    edits: list[TextEdit] = []
    shift = 0
    for old_start, old_end, new_start, new_end in _changed_blocks(old.splitlines(True), new.splitlines(True)):
        old_chunk, new_chunk = old[old_start:old_end], new[new_start:new_end]
        for start, end, replacement in _word_edits(old_chunk, new_chunk):
            edit = TextEdit(old_start + start + shift, old_start + end + shift, replacement)
            edits.append(edit)
            shift += edit.delta
    return edits


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD_DIFF_LIMIT = 20_000  # characters; beyond this a changed block is one edit (trimmed to what differs)


def _changed_blocks(old_lines: list[str], new_lines: list[str]) -> list[tuple[int, int, int, int]]:
    old_offsets, new_offsets = _offsets(old_lines), _offsets(new_lines)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return [
        (old_offsets[i1], old_offsets[i2], new_offsets[j1], new_offsets[j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _word_edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) in `old`'s coordinates, in order, for the words that differ."""
    if len(old) + len(new) > _WORD_DIFF_LIMIT:
        prefix = _common_prefix(old, new)
        suffix = _common_suffix(old[prefix:], new[prefix:])
        return [(prefix, len(old) - suffix, new[prefix : len(new) - suffix])]
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_offsets, new_offsets = _offsets(old_tokens), _offsets(new_tokens)
    result = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old_part = old[old_offsets[i1] : old_offsets[i2]]
        new_part = new[new_offsets[j1] : new_offsets[j2]]
        prefix = _common_prefix(old_part, new_part)
        suffix = _common_suffix(old_part[prefix:], new_part[prefix:])
        start = old_offsets[i1] + prefix
        result.append((start, old_offsets[i2] - suffix, new_part[prefix : len(new_part) - suffix]))
    return result


def _offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[-1 - i] == b[-1 - i]:
        i += 1
    return i

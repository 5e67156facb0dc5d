"""Counting words in a document and in the union of coded spans of it (pure Python).

The tokenizer is deliberately simple and documented, so a researcher can reproduce every coverage figure:
a word is a run of word characters (Python's Unicode `\\w`: letters, digits, underscore) optionally joined by
single apostrophes (`'` or `’`) to further runs, so `don't`, `I’m` and `rock'n'roll` are one word each and a
quoting apostrophe (`'hello'`) is not part of the word. Timecodes count as words too (`00:12:31` is three):
coverage is a share of everything in the perspective's documents, the interviewer's words included.

A span covers a word when it covers at least one of its characters: coding `rust` inside `trust` counts
`trust`. Spans are first widened to whole words, then merged, so a word touched by two overlapping codings
(or by two codings that each take half of it) counts once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.domain.spans import merge_spans

WORD = re.compile(r"\w+(?:['’]\w+)*")
_APOSTROPHES = frozenset("'’")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _inside_word(text: str, i: int) -> bool:
    """True when the boundary before `text[i]` falls inside one word (so a span may not start or end there)."""
    if i <= 0 or i >= len(text):
        return False
    before, after = text[i - 1], text[i]
    if _is_word_char(before) and _is_word_char(after):
        return True
    if before in _APOSTROPHES and _is_word_char(after):
        return i >= 2 and _is_word_char(text[i - 2])
    if after in _APOSTROPHES and _is_word_char(before):
        return i + 1 < len(text) and _is_word_char(text[i + 1])
    return False


def count_words(text: str, start: int = 0, end: int | None = None) -> int:
    """Words of `text[start:end]`, where start and end must already lie on word boundaries."""
    stop = len(text) if end is None else end
    return len(WORD.findall(text, start, stop))


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span grown outward so that it starts and ends on word boundaries."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while _inside_word(text, start):
        start -= 1
    while _inside_word(text, end):
        end += 1
    return start, end


def words_in_union(text: str, spans: Iterable[tuple[int, int]]) -> int:
    """Words covered by the union of `spans` (each word once, however many spans touch it)."""
    widened = merge_spans(widen_to_words(text, s, e) for s, e in spans)
    return sum(count_words(text, s, e) for s, e in widened)

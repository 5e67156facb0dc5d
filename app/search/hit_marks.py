"""Which words of a hit a server project marks: exactly those FTS5's highlight() marks in a project file.

A word or phrase is found in the hit's text by FTS5's rules (fts5_words.py): a phrase is one span from its first
word to its last, overlapping or touching spans merged. Which leaves of the query count follows the file
project's search (index.py): when the whole query is one FTS5 expression, highlight() reports a phrase only if
every AND and NOT above it holds for the row (`trust OR (felt NOT understood)` marks no `felt` in a turn that
also says `understood`); when the query needed SQL around FTS5 (study fields, a lone NOT), every positive word
and phrase is marked wherever it occurs.
"""

from __future__ import annotations

import bisect
import functools
import re

from app.search.query_language import BODY, And, Everything, Node, Not, Or, Phrase, Term, positive_leaves
from app.search.tsquery import COLUMNS, Compiler, Matcher
from app.storage import fts5_words

Span = tuple[int, int]


class Marker:
    """Marks the hits of one query (`compiler` is the query's, holding its wildcard expansions)."""

    def __init__(self, tree: Node, compiler: Compiler) -> None:
        self.tree = tree
        self.compiler = compiler
        self.whole_fts5 = self._is_fts5(tree)
        self._speakers: dict[str, _Text] = {}
        self.positives = [
            found
            for leaf in positive_leaves(tree)
            if leaf.field == BODY and (found := compiler.matcher(leaf)) is not None
        ]

    def marks_all(self, texts: list[str], speakers: list[str | None]) -> list[list[Span]]:
        """`marks()` of each text and its speaker. The texts are folded together in one go, one space apart (a
        character for a character, so each one's slice is its own), unless they hold a character FTS5 drops."""
        joined = fts5_words.spaced(" ".join(texts))
        if joined is None:
            return [self.marks(text, speaker) for text, speaker in zip(texts, speakers, strict=True)]
        if not self.whole_fts5 or (isinstance(self.tree, Term | Phrase) and self.tree.field == BODY):
            return self._every_positive(texts, joined)
        found, at = [], 0
        for text, speaker in zip(texts, speakers, strict=True):
            found.append(self.marks(text, speaker, joined[at : at + len(text)]))
            at += len(text) + 1
        return found

    def _every_positive(self, texts: list[str], joined: str) -> list[list[Span]]:
        """Every positive leaf's occurrences in every text, each matcher's pattern run once over all of them
        (an occurrence running from one text into the next is none)."""
        starts, at = [], 0
        for text in texts:
            starts.append(at)
            at += len(text) + 1
        found: list[list[Span]] = [[] for _ in texts]
        for matcher in self.positives:
            for start, end in occurrences(matcher, joined):
                which = bisect.bisect_right(starts, start) - 1
                offset = starts[which]
                if end <= offset + len(texts[which]):
                    found[which].append((start - offset, end - offset))
        return [merged(spans) for spans in found]

    def marks(self, text: str, speaker: str | None, spaced: str | None = None) -> list[Span]:
        """Code-point spans of the marked words of `text` (a hit whose speaker, or author, is `speaker`);
        `spaced` is `fts5_words.spaced(text)` when the caller has it."""
        prepared = _Text(text, spaced)
        if not self.whole_fts5:
            return merged([span for matcher in self.positives for span in prepared.spans(matcher)])
        _, spans = self._evaluate(self.tree, prepared, self._speaker(speaker or ""))
        return merged(spans)

    def _speaker(self, speaker: str) -> _Text:
        """A speaker's prepared name, once a query (a few speakers say every turn)."""
        prepared = self._speakers.get(speaker)
        if prepared is None:
            prepared = self._speakers[speaker] = _Text(speaker)
        return prepared

    def _evaluate(self, node: Node, text: _Text, speaker: _Text) -> tuple[bool, list[Span]]:
        """(does the node hold for the row, the spans FTS5 still reports under it)."""
        if isinstance(node, Term | Phrase):
            matcher = self.compiler.matcher(node)
            if matcher is None:
                return False, []
            if node.field == BODY:
                spans = text.spans(matcher)
                return bool(spans), spans
            return bool(speaker.spans(matcher)), []
        if isinstance(node, Or):
            results = [self._evaluate(child, text, speaker) for child in node.children]
            return any(held for held, _ in results), [span for _, spans in results for span in spans]
        assert isinstance(node, And)
        spans: list[Span] = []
        for child in node.children:
            negated = isinstance(child, Not)
            held, found = self._evaluate(child.child if negated else child, text, speaker)
            if held == negated:
                return False, []
            spans.extend([] if negated else found)
        return True, spans

    def _is_fts5(self, node: Node) -> bool:
        """Whether the file project's fts_query would make one FTS5 expression of this subtree."""
        if isinstance(node, Term | Phrase):
            if node.field not in COLUMNS:
                return False
            if isinstance(node, Term) and node.pattern:
                stem = node.text.rstrip("*")
                simple_prefix = stem and "*" not in stem and "?" not in stem
                return bool(simple_prefix) or self.compiler.matcher(node) is not None
            return True
        if isinstance(node, Everything | Not):
            return False
        if isinstance(node, Or):
            return all(self._is_fts5(child) for child in node.children)
        positives = [child for child in node.children if not isinstance(child, Not)]
        negatives = [child.child for child in node.children if isinstance(child, Not)]
        return bool(positives) and all(self._is_fts5(child) for child in (*positives, *negatives))


class _Text:
    """A text prepared once for finding several matchers' words in it."""

    def __init__(self, text: str, spaced: str | None = None) -> None:
        self.mapped = fts5_words.spaced(text) if spaced is None else spaced
        self.text = text

    @functools.cached_property
    def words(self) -> list[fts5_words.Word]:
        return fts5_words.words(self.text)

    def spans(self, matcher: Matcher) -> list[Span]:
        if self.mapped is not None:  # words are the runs between spaces: a regular expression finds them
            return occurrences(matcher, self.mapped)
        words = self.words
        if matcher.alternatives:
            return [(w.start, w.end) for w in words if w.folded in matcher.alternatives]
        size = len(matcher.words)
        folded = [word.folded for word in words]
        return [
            (words[first].start, words[first + size - 1].end)
            for first in range(len(words) - size + 1)
            if _fits(folded, first, matcher)
        ]


def merged(found: list[Span]) -> list[Span]:
    result: list[Span] = []
    for start, end in sorted(found):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _fits(folded: list[str], first: int, matcher: Matcher) -> bool:
    last = len(matcher.words) - 1
    if folded[first + last] != matcher.words[last] and not (
        matcher.prefix and folded[first + last].startswith(matcher.words[last])
    ):
        return False
    return all(folded[first + offset] == wanted for offset, wanted in enumerate(matcher.words[:last]))


def occurrences(matcher: Matcher, spaced: str) -> list[Span]:
    """Every occurrence of the matcher's words in a `spaced()` text, overlapping ones too (`"very very"` is
    twice in `very very very`).

    The pattern starts with the space before the words, so the regular expression engine looks for its literal
    start rather than trying every position; after a match the search goes on from the match's first word."""
    pattern = _after_space(matcher)
    padded = " " + spaced
    found, at = [], 0
    while (match := pattern.search(padded, at)) is not None:
        start, end = match.span(1)
        found.append((start - 1, end - 1))
        at = start
    return found


@functools.lru_cache(maxsize=256)
def _after_space(matcher: Matcher) -> re.Pattern[str]:
    """The matcher's words after a space and before a space or the end, as group 1."""
    if matcher.alternatives:
        body = "(?:" + "|".join(re.escape(word) for word in sorted(matcher.alternatives)) + ")"
    else:
        parts = [re.escape(word) for word in matcher.words]
        if matcher.prefix:
            parts[-1] += "[^ ]*"
        body = " +".join(parts)
    return re.compile(f" ({body})(?![^ ])")

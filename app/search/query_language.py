"""The query language researchers type, parsed into a small tree (translated to FTS5 by fts_query.py).

    trust                 a word (case and accents ignored: `cafe` finds `café`)
    "felt understood"     a phrase: these words next to each other, punctuation and line breaks between them ignored
    trust*   fath?r       wildcards: `*` any letters, `?` one letter
    a AND b, a b          both (AND binds tighter than OR); a OR b: either; NOT a, a ANDNOT b: without
    ( ... )               grouping
    speaker:client        a field: speaker (words of the speaker's name), dyad, session, perspective, kind;
                          text: / exact: are the turn's words (the default)

This is the language of whoosh's default query parser, which Rapport used before the index moved into the
project; writing its grammar here (a hundred lines) lets every node map directly onto FTS5 and SQL, and drops an
unmaintained dependency. `check_syntax` (query_text.py) refuses malformed queries first, with a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import SearchError
from app.search.query_text import FIELD_PREFIX, KNOWN_FIELDS, TEXT_FIELDS, check_syntax

BODY = "body"  # the field of a turn's (memo's) words
_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')


@dataclass(frozen=True)
class Term:
    """A word of `field`; `pattern` when it holds wildcards (`*`, `?`)."""

    field: str
    text: str
    pattern: bool = False


@dataclass(frozen=True)
class Phrase:
    field: str
    text: str


@dataclass(frozen=True)
class Everything:
    """`*` alone: every record."""


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Everything | Not | And | Or


def parse(text: str) -> Node:
    """The tree of a query; raises SearchError (one line, for the researcher) when it is malformed."""
    check_syntax(text)
    parser = _Parser(_TOKEN.findall(text), text)
    node = parser.parse_or(None)
    if parser.position < len(parser.tokens):  # pragma: no cover - check_syntax refuses this first
        raise SearchError(
            f"The query {text!r} could not be understood near {parser.tokens[parser.position]!r}."
        )
    return node


def field_name(name: str) -> str:
    lowered = name.lower()
    return BODY if lowered in TEXT_FIELDS else lowered


class _Parser:
    def __init__(self, tokens: list[str], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse_or(self, field: str | None) -> Node:
        children = [self.parse_and(field)]
        while self._peek() == "OR":
            self._take()
            children.append(self.parse_and(field))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self, field: str | None) -> Node:
        children = [self.parse_unary(field)]
        while (token := self._peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self._take()
                children.append(self.parse_unary(field))
            elif token == "ANDNOT":
                self._take()
                children.append(Not(self.parse_unary(field)))
            elif token == "ANDMAYBE":  # "a ANDMAYBE b" finds what a finds (b only ranked in whoosh)
                self._take()
                self.parse_unary(field)
            else:  # words side by side: all of them
                children.append(self.parse_unary(field))
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self, field: str | None) -> Node:
        if self._peek() == "NOT":
            self._take()
            return Not(self.parse_unary(field))
        return self.parse_primary(field)

    def parse_primary(self, field: str | None) -> Node:
        token = self._peek()
        if token is None:  # pragma: no cover - check_syntax refuses this first
            raise SearchError(f"The query {self.text!r} ends where a word was expected.")
        self._take()
        if token == "(":
            node = self.parse_or(field)
            if self._peek() == ")":
                self._take()
            return node
        if token.startswith('"'):
            return Phrase(field or BODY, token[1:-1])
        match = FIELD_PREFIX.match(token)
        if match and match.group(1).lower() in KNOWN_FIELDS and field is None:
            inner = field_name(match.group(1))
            rest = token[match.end() :]
            if rest:
                return self._word(inner, rest)
            return self.parse_primary(inner)  # `speaker:"dr smith"` or `speaker:(a OR b)`
        return self._word(field or BODY, token)

    @staticmethod
    def _word(field: str, text: str) -> Node:
        if text.strip("*") == "":
            return Everything()
        return Term(field, text, pattern="*" in text or "?" in text)


def positive_leaves(node: Node) -> list[Term | Phrase]:
    """The leaves whose matches are highlighted: everything not under a NOT."""
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in positive_leaves(child)]
    return []

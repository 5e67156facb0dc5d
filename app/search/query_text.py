"""Refusing a malformed query with a one-line message a researcher understands.

An unclosed quote, a dangling `AND` or a misspelt field name (`speeker:client`) must never quietly become a
search for other words (the researcher would trust a wrong count). `check_syntax` runs before the parser
(query_language.py) and says what is wrong, in the words of the query.
"""

from __future__ import annotations

import re

from app.domain.errors import SearchError

OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
TEXT_FIELDS = (
    "text",
    "exact",
)  # the words of the turn ("exact" is what older Rapports called unstemmed words)
FILTER_FIELDS = ("speaker", "perspective", "kind", "dyad", "session")
KNOWN_FIELDS = (*TEXT_FIELDS, *FILTER_FIELDS)
FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]\w*):(?=(\S?))")
_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')


def check_syntax(text: str) -> None:
    """Raise SearchError for a malformed query (in words the researcher understands); accept the rest."""
    if not text.strip():
        raise SearchError("Type a word or phrase to search for.")
    if text.count('"') % 2:
        raise SearchError(f'The query {text!r} has an unclosed quote (").')
    depth = 0
    for token in _TOKEN.findall(text):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                raise SearchError(f"The query {text!r} closes a bracket that was never opened.")
    if depth:
        raise SearchError(f"The query {text!r} opens a bracket that is never closed.")
    # A phrase counts as one operand; after a field name (`speaker:"dr smith"`) it is that field's value.
    outside_quotes = re.sub(r'(:?)"[^"]*"', lambda m: ":_phrase_ " if m.group(1) else " _phrase_ ", text)
    for match in FIELD_PREFIX.finditer(outside_quotes):
        name, following = match.group(1), match.group(2)
        if name.lower() not in KNOWN_FIELDS:
            raise SearchError(
                f"The query uses an unknown field {name!r}: use one of {', '.join(KNOWN_FIELDS)}."
            )
        if not following or following == ")":
            raise SearchError(f"The field {name!r} in the query needs a value after the colon.")
    _check_operators(text, outside_quotes)


def _check_operators(text: str, outside_quotes: str) -> None:
    tokens = _TOKEN.findall(outside_quotes)
    previous: str | None = None
    for index, token in enumerate(tokens):
        if token in OPERATORS:
            binary = token != "NOT"
            if binary and (previous is None or previous in OPERATORS or previous == "("):
                raise SearchError(f"{token} in the query {text!r} needs something to search for on its left.")
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or following == ")" or (following in OPERATORS and following != "NOT"):
                raise SearchError(
                    f"{token} in the query {text!r} needs something to search for on its right."
                )
        previous = token

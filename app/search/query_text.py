"""Turning what a researcher typed into a whoosh query, refusing what whoosh would silently misread.

Whoosh's parser never fails: an unclosed quote, a dangling `AND` or a misspelt field name (`speeker:client`)
quietly become searches for other words, and the researcher trusts a wrong count. `check_syntax` catches those
first and says what is wrong in one line.
"""

from __future__ import annotations

import re

from whoosh import qparser, query
from whoosh.fields import Schema

from app.domain.errors import SearchError
from app.search.schema import EXACT_FIELD, FILTER_FIELDS, TEXT_FIELD

OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
KNOWN_FIELDS = (TEXT_FIELD, EXACT_FIELD, *FILTER_FIELDS)
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]\w*):(?=(\S?))")
_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')


def check_syntax(text: str) -> None:
    """Raise SearchError for a query whoosh would misread; accept everything else."""
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
    for match in _FIELD_PREFIX.finditer(outside_quotes):
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


def make_parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.QueryParser(TEXT_FIELD, schema)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def parse(parser: qparser.QueryParser, text: str) -> query.Query:
    """The whoosh query for `text`, with wildcards moved to the unstemmed field (stems make poor prefixes)."""
    check_syntax(text)
    lowered = _lower_field_names(text)
    try:
        parsed = parser.parse(lowered)
    except Exception as exc:  # whoosh's parser errors have no common base worth naming
        raise SearchError(f"The query {text!r} could not be understood: {exc}") from None
    if parsed is query.NullQuery:
        raise SearchError(f"The query {text!r} has nothing to search for.")
    return _wildcards_on_exact(parsed)


def _lower_field_names(text: str) -> str:
    pieces = re.split(r'("[^"]*")', text)
    for index in range(0, len(pieces), 2):
        pieces[index] = _FIELD_PREFIX.sub(lambda m: m.group(1).lower() + ":", pieces[index])
    return "".join(pieces)


def _wildcards_on_exact(node: query.Query) -> query.Query:
    if isinstance(node, query.Prefix | query.Wildcard | query.Regex) and node.fieldname == TEXT_FIELD:
        copy = node.copy()
        copy.fieldname = EXACT_FIELD
        copy.text = copy.text.lower()
        return copy
    if node.is_leaf():
        return node
    return node.apply(_wildcards_on_exact)

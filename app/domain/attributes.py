"""Typed attribute values (age, orientation, outcome group...): type inference and canonical text.

Values are stored as canonical text for their type, so they compare and sort the same way everywhere:
integer `42`, float `3.5`, boolean `true`/`false`, date ISO `2024-03-01`, text as given (trimmed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from app.domain.errors import InvalidInput

ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date")
_TRUE = frozenset({"true", "yes", "y", "1", "ja", "oui", "wahr"})
_FALSE = frozenset({"false", "no", "n", "0", "nein", "non", "falsch"})
_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "y", "n"})
_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+[.,]\d*|[.,]\d+|\d+)(?:[eE][+-]?\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")


def _as_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _fits(kind: str, text: str) -> bool:
    if kind == "integer":
        return _INTEGER.match(text) is not None
    if kind == "float":
        return _FLOAT.match(text) is not None
    if kind == "boolean":
        return text.lower() in _TRUE | _FALSE
    if kind == "date":
        return _as_date(text) is not None
    return True


def infer_type(values: Iterable[str]) -> str:
    """The narrowest type every non-empty value fits: boolean, integer, float, date, else text.

    A column of only `0`/`1` is an integer, not a boolean: booleans need words (yes/no, true/false), since
    codes like "sessions attended: 1" are numbers to a researcher.
    """
    present = [v.strip() for v in values if v is not None and v.strip()]
    if not present:
        return "text"
    if all(v.lower() in _BOOLEAN_WORDS for v in present):
        return "boolean"
    for kind in ("integer", "float", "date"):
        if all(_fits(kind, v) for v in present):
            return kind
    return "text"


def canonical(kind: str, value: object, *, what: str = "value") -> str:
    """The stored text of `value` as an attribute of type `kind`; `InvalidInput` when it does not fit."""
    if kind not in ATTRIBUTE_TYPES:
        raise InvalidInput(f"{kind!r} is not an attribute type (use one of {', '.join(ATTRIBUTE_TYPES)}).")
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()[:10]
    else:
        text = str(value).strip()
    if kind == "text":
        return text
    if not _fits(kind, text):
        raise InvalidInput(f"{what}: {text!r} is not a valid {kind}.")
    if kind == "integer":
        return str(int(text))
    if kind == "float":
        return repr(float(text.replace(",", ".")))
    if kind == "boolean":
        return "true" if text.lower() in _TRUE else "false"
    parsed = _as_date(text)
    assert parsed is not None  # _fits checked it
    return parsed.isoformat()


def type_of_value(value: object) -> str:
    """The attribute type a Python value naturally has (for services given values, not text)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, (date, datetime)):
        return "date"
    return "text"

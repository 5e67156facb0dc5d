"""The one CSV writer Rapport uses: cells a spreadsheet would run as a formula are defused.

Code names, attribute values, speaker names and excerpts come from files other people made. A cell starting
with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice (`=HYPERLINK(...)`,
`=cmd|' /C calc'!A0`); as OWASP advises, such a cell is written with a leading `'`, which spreadsheets show
as text and `plain_cell` removes again when Rapport reads its own CSV back. Numbers (a negative kappa, say)
stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet will not execute it; non-text values pass unchanged."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def plain_cell(text: str) -> str:
    """The value `safe_cell` defused, as it was."""
    if text[:1] == "'" and text[1:2] in _FORMULA_START and not _NUMBER.fullmatch(text[1:]):
        return text[1:]
    return text


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, handle, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(handle, **options: Any) -> SafeWriter:
    return SafeWriter(handle, **options)

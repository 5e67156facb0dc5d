"""Participant sheets (.csv): one row a participant, with id, role, dyad and any further typed attributes.

Columns are found by header name, case-insensitively: the participant (`id`, `participant`, `pseudonym`,
`name`, `code`), `role` (client, therapist, interpreter, researcher, or C/T/I/R, patient...), `dyad`.
Every other column is a participant attribute; a column named `dyad:NAME` or `dyad.NAME` is an attribute of
the row's dyad instead (outcome group, alliance score...). Each attribute's type is inferred from its column
(integer, float, boolean, date, else text). The delimiter (comma, semicolon, tab) is detected; the encoding
as for text transcripts (UTF-8, UTF-16 with BOM, Windows-1252).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.domain.attributes import infer_type
from app.domain.errors import ImportFailed
from app.domain.file_names import role_from_word
from app.formats.text_file import decode_text

_ID_COLUMNS = ("id", "participant", "participant id", "participant_id", "pseudonym", "name", "code", "case")
_DYAD_PREFIXES = ("dyad:", "dyad.")


@dataclass(frozen=True)
class AttributeColumn:
    name: str
    scope: str  # participant or dyad
    type: str
    index: int


@dataclass(frozen=True)
class ParticipantRow:
    line: int  # the row's line in the file, for messages
    participant: str
    role: str
    dyad: str | None
    values: dict[str, str] = field(default_factory=dict)  # attribute name -> raw text (non-empty only)


@dataclass(frozen=True)
class AttributeSheet:
    columns: list[AttributeColumn]
    rows: list[ParticipantRow]


class _Semicolon(csv.excel):
    delimiter = ";"


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().casefold() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def read_attribute_sheet(data: bytes, file_name: str) -> AttributeSheet:
    """Parse a participant sheet; `ImportFailed` names the file, line and column of any problem."""
    text = decode_text(data, file_name).text
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:  # too little to go on: take the separator the header row uses most
        header_line = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=header_line.count)
        dialect = csv.excel_tab if delimiter == "\t" else csv.excel
        if delimiter == ";":
            dialect = _Semicolon
    try:
        rows = csv.reader(io.StringIO(text), dialect)
        table = [row for row in rows if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise ImportFailed(f"{file_name} is not a readable CSV sheet ({exc}).") from exc
    if len(table) < 2:
        raise ImportFailed(f"{file_name} needs a header row and at least one participant row.")
    header = [h.strip() for h in table[0]]
    id_at = _find(header, _ID_COLUMNS)
    role_at = _find(header, ("role", "rolle", "perspective"))
    dyad_at = _find(header, ("dyad", "dyade", "pair", "triad"))
    if id_at is None or role_at is None:
        raise ImportFailed(f"{file_name} needs columns 'id' and 'role' (found: {', '.join(header)}).")
    reserved = {id_at, role_at} | ({dyad_at} if dyad_at is not None else set())
    attribute_at = [i for i, h in enumerate(header) if i not in reserved and h]
    names = [h.casefold() for h in header]
    if len(set(names)) != len(names):
        raise ImportFailed(f"{file_name} has two columns with the same name.")
    body = table[1:]
    columns: list[AttributeColumn] = []
    for index in attribute_at:
        name, scope = header[index], "participant"
        if name.casefold().startswith(_DYAD_PREFIXES):
            name, scope = name[len("dyad:") :].strip(), "dyad"
            if dyad_at is None:
                raise ImportFailed(f"{file_name}: column {header[index]!r} needs a 'dyad' column too.")
        kind = infer_type(row[index] if index < len(row) else "" for row in body)
        columns.append(AttributeColumn(name, scope, kind, index))
    rows: list[ParticipantRow] = []
    for line, row in enumerate(body, start=2):
        participant = _cell(row, id_at)
        if not participant:
            raise ImportFailed(f"{file_name}, line {line}: the participant id is empty.")
        role = role_from_word(_cell(row, role_at))
        if role is None:
            raise ImportFailed(
                f"{file_name}, line {line}: {_cell(row, role_at)!r} is not a role "
                "(client, therapist, interpreter or researcher)."
            )
        values = {c.name: _cell(row, c.index) for c in columns if _cell(row, c.index)}
        rows.append(ParticipantRow(line, participant, role, _cell(row, dyad_at) or None, values))
    return AttributeSheet(columns, rows)

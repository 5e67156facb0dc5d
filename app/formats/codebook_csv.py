"""The codebook as CSV, one row a code: path, name, color, definition, inclusion, exclusion, example, guid.

Written as UTF-8 with a BOM so spreadsheet programs open accented names correctly; read back in any encoding
the shared decoder recognises (app/formats/text_decoding.py), with `,` or `;` as separator. A row's place in
the tree comes from `path` (`Parent/Child`); parents missing from the file are created from the path.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields

from app.domain.errors import ImportFailed
from app.formats.refi_common import clean_color, clean_guid
from app.formats.safe_csv import plain_cell, safe_writer
from app.formats.text_decoding import decode_bytes, refuse_binary_text

COLUMNS = ("path", "name", "color", "definition", "inclusion", "exclusion", "example", "guid")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class CodeRow:
    path: str
    name: str
    color: str = ""
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    guid: str = ""


def write_codebook_csv(rows: list[CodeRow]) -> bytes:
    out = io.StringIO()
    writer = safe_writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, f.name) or "" for f in fields(CodeRow)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def read_codebook_csv(data: bytes, name: str) -> list[CodeRow]:
    """Rows of a codebook CSV; the header names the columns (any order, case-insensitive)."""
    text = decode_bytes(data, name).text
    refuse_binary_text(text, name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise ImportFailed(f"{name} is not a readable CSV file ({exc}).") from exc
    if "path" not in header and "name" not in header:
        raise ImportFailed(f"{name} has no 'path' or 'name' column; expected columns: {', '.join(COLUMNS)}.")
    rows: list[CodeRow] = []
    try:
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFailed(f"{name} has more than {MAX_ROWS:,} codes.")
            values = {key: plain_cell(record[i]) if i < len(record) else "" for i, key in enumerate(header)}
            path = values.get("path", "").strip() or values.get("name", "").strip()
            if not path:
                raise ImportFailed(f"{name}, line {number}: the code has neither path nor name.")
            color = values.get("color", "").strip()
            if color and clean_color(color) is None:
                raise ImportFailed(f"{name}, line {number}: {color!r} is not a colour like #4477aa.")
            guid = values.get("guid", "").strip()
            if guid and clean_guid(guid) is None:
                raise ImportFailed(f"{name}, line {number}: {guid!r} is not a GUID.")
            rows.append(
                CodeRow(
                    path=path,
                    name=values.get("name", "").strip() or path.rsplit("/", 1)[-1].strip(),
                    color=clean_color(color) or "",
                    definition=values.get("definition", "").strip(),
                    inclusion=values.get("inclusion", "").strip(),
                    exclusion=values.get("exclusion", "").strip(),
                    example=values.get("example", "").strip(),
                    guid=clean_guid(guid) or "",
                )
            )
    except csv.Error as exc:
        raise ImportFailed(f"{name} is not a readable CSV file ({exc}).") from exc
    return rows

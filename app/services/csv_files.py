"""Write a CSV file for a spreadsheet: UTF-8 with a BOM, formula-like cells defused (see formats.safe_csv)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.domain.errors import ExportFailed
from app.formats.safe_csv import safe_writer


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    path = Path(path)
    try:
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel opens UTF-8 correctly
            writer = safe_writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as error:
        raise ExportFailed(f"Could not write {path.name}: {error.strerror or error}.") from error
    return path

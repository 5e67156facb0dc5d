"""Reading files to import and writing exported files, the same careful way for every exchange format."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.domain.errors import ExportFailed, ImportFailed
from app.formats.detect import read_regular_file


def read_input(path: Path | str, limit: int) -> bytes:
    """The bytes of a file to import, refused when missing or larger than `limit`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportFailed(f"{path.name} is {size:,} bytes, more than the {limit:,} Rapport accepts.")
        data = read_regular_file(path, limit)
    except FileNotFoundError as exc:
        raise ImportFailed(f"{path} does not exist.") from exc
    except IsADirectoryError as exc:
        raise ImportFailed(f"{path} is a folder, not a file.") from exc
    except OSError as exc:
        raise ImportFailed(f"{path.name} could not be read ({exc.strerror or exc}).") from exc
    if len(data) > limit:
        raise ImportFailed(f"{path.name} is larger than the {limit:,} bytes Rapport accepts.")
    return data


def write_output(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically (temporary file, then rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportFailed(f"{path} could not be written ({exc.strerror or exc}).") from exc
    return path

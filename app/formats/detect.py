"""Choose the reader for a transcript file by its suffix, after the guards every file passes.

Guards, in order: the path can be read (not missing, not a folder, permitted), the suffix is one Rapport
reads, the file is not larger than `max_bytes` (checked before reading it, and again while reading, so a
growing file or a device cannot exhaust memory), and it is not empty. Each refusal is an `ImportFailed`
naming the file and the reason.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import ImportFailed
from app.domain.transcript import ParsedTranscript
from app.formats.docx_file import read_docx
from app.formats.subtitles import read_subtitles
from app.formats.text_file import decode_text, read_text_file

# 100 MB: far beyond any transcript (a 3-hour session is well under 1 MB of text), small enough to hold in
# memory with its parse. Larger files are almost certainly not transcripts (a video, an export of a database).
DEFAULT_MAX_BYTES = 100_000_000
TRANSCRIPT_SUFFIXES = {".txt": "text", ".text": "text", ".docx": "docx", ".srt": "srt", ".vtt": "vtt"}
_ADVICE = {
    ".doc": "old Word files (.doc) must be saved as .docx first",
    ".rtf": "save RTF files as .docx or .txt first",
    ".pdf": "PDF files must be exported to .docx or .txt first",
    ".odt": "save OpenDocument files as .docx first",
}


@dataclass(frozen=True)
class LoadedTranscript:
    """A transcript read from a file: its parse, the format and (for text formats) the detected encoding."""

    file_name: str
    format: str  # text, docx, srt, vtt
    parsed: ParsedTranscript
    encoding: str | None = None


def format_of(path: Path | str) -> str:
    """The format name for `path`'s suffix; `ImportFailed` for a suffix Rapport does not read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TRANSCRIPT_SUFFIXES:
        return TRANSCRIPT_SUFFIXES[suffix]
    advice = _ADVICE.get(suffix, "Rapport imports .txt, .docx, .srt and .vtt transcripts")
    shown = suffix or "(no suffix)"
    raise ImportFailed(f"{path.name}: files of type {shown} cannot be imported; {advice}.")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes of `path`, refusing anything that is not an ordinary file.

    A FIFO, a socket or a device named like a transcript would block the import forever or never end, so
    the file is opened without blocking and checked on the open handle (no gap for a swap after a check).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ImportFailed(f"{path.name} is a folder, not a file.")
        if not stat.S_ISREG(mode):
            raise ImportFailed(
                f"{path.name} is not an ordinary file (a pipe, socket or device); Rapport imports only files."
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def read_guarded(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of `path`, refusing unreadable, oversized and empty files with a clear message."""
    path = Path(path)
    name = path.name or str(path)
    try:
        if path.is_dir():
            raise ImportFailed(f"{name} is a folder, not a file.")
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportFailed(
                f"{name} is too large to import ({_megabytes(size)}; the limit is {_megabytes(max_bytes)})."
            )
        data = read_regular_file(path, max_bytes)
    except FileNotFoundError as exc:
        raise ImportFailed(f"{name} cannot be read: there is no such file.") from exc
    except PermissionError as exc:
        raise ImportFailed(f"{name} cannot be read: permission denied.") from exc
    except OSError as exc:
        raise ImportFailed(f"{name} cannot be read: {exc.strerror or exc}.") from exc
    if len(data) > max_bytes:
        raise ImportFailed(f"{name} is too large to import (more than {_megabytes(max_bytes)}).")
    if not data:
        raise ImportFailed(f"{name} is empty.")
    return data


def parse_bytes(
    data: bytes, file_name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, format: str | None = None
) -> LoadedTranscript:
    """Parse a transcript's bytes; the format is taken from `file_name`'s suffix unless given."""
    kind = format or format_of(file_name)
    if len(data) > max_bytes:
        raise ImportFailed(f"{file_name} is too large to import (the limit is {_megabytes(max_bytes)}).")
    if kind == "docx":
        return LoadedTranscript(file_name, kind, read_docx(data, file_name, max_bytes=max_bytes))
    if kind in ("srt", "vtt"):
        decoded = decode_text(data, file_name)
        parsed = read_subtitles(decoded.text, file_name, webvtt=kind == "vtt")
        return LoadedTranscript(file_name, kind, parsed, decoded.encoding)
    parsed, encoding = read_text_file(data, file_name)
    return LoadedTranscript(file_name, "text", parsed, encoding)


def read_transcript(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedTranscript:
    """Read and parse one transcript file; every failure is an `ImportFailed` naming the file."""
    path = Path(path)
    kind = format_of(path)
    data = read_guarded(path, max_bytes=max_bytes)
    return parse_bytes(data, path.name, max_bytes=max_bytes, format=kind)


def is_transcript_file(path: Path | str) -> bool:
    """Whether `path` has a suffix Rapport imports (for file dialogs and drag and drop)."""
    return Path(path).suffix.lower() in TRANSCRIPT_SUFFIXES and not os.path.isdir(path)

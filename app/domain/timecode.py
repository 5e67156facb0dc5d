"""Media times as researchers write them (`1:02:03`, `12:31`, `00:00:05,250`) to milliseconds and back.

Pure functions; the one error a user can cause (a malformed time in a subtitle file) is `InvalidInput`.
"""

from __future__ import annotations

import re

from app.domain.errors import InvalidInput

# h:mm:ss, mm:ss or m:ss, each optionally with a fraction after '.' or ',' (SRT uses a comma).
TIMECODE_PATTERN = r"(?:\d{1,3}:)?\d{1,3}:\d{2}(?:[.,]\d{1,3})?"
_TIMECODE = re.compile(r"^(?:(?P<h>\d{1,3}):)?(?P<m>\d{1,3}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?$")


def try_parse_timecode(text: str) -> int | None:
    """Milliseconds of `text`, or None when it is not a well-formed time.

    With hours present, minutes must be below 60; without hours a minute count may exceed 59 (`75:12`, a long
    session written in minutes). Seconds are always below 60. A fraction is read as decimal seconds, so `.5`
    is 500 ms and `,250` is 250 ms.
    """
    match = _TIMECODE.match(text.strip())
    if match is None:
        return None
    hours = int(match["h"]) if match["h"] is not None else 0
    minutes = int(match["m"])
    seconds = int(match["s"])
    if seconds >= 60 or (match["h"] is not None and minutes >= 60):
        return None
    fraction = match["f"] or ""
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def parse_timecode(text: str, *, where: str = "") -> int:
    """Milliseconds of `text`; a malformed time raises `InvalidInput` naming `where` (file and line)."""
    value = try_parse_timecode(text)
    if value is None:
        prefix = f"{where}: " if where else ""
        raise InvalidInput(f"{prefix}{text.strip()!r} is not a valid time (expected hh:mm:ss or mm:ss).")
    return value


def format_timecode(ms: int | None, *, millis: bool = False) -> str:
    """`hh:mm:ss` (or `hh:mm:ss.mmm`) for display; empty for an unknown time."""
    if ms is None:
        return ""
    ms = max(0, int(ms))
    seconds, rest = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    base = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{base}.{rest:03d}" if millis else base

"""Subtitle transcripts (.srt and .vtt): one turn a cue, with the cue's start and end time.

Cue text lines are joined with a space. The speaker comes from a WebVTT voice tag (`<v Dr Smith>`, written
into the stored text as `Dr Smith: ` so the transcript reads like any other) or from a leading `NAME:` label
already in the text. Other WebVTT tags (`<i>`, `<c.loud>`, `<00:01.000>`, ...) are removed and the character
references `&amp; &lt; &gt; &nbsp; &lrm; &rlm;` decoded. Consecutive cues of one speaker stay separate turns.
A malformed time or timing line raises `ImportFailed` naming the file and line. Text after a blank line
inside a cue (against the format, but common in hand-edited files) is kept with that cue.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from app.domain.errors import ImportFailed
from app.domain.timecode import try_parse_timecode
from app.domain.transcript import ParsedTranscript, Segment, split_label, transcript_from_segments

_TIMING = re.compile(r"^\s*(?P<start>\S+)\s*-->\s*(?P<end>\S+)(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+(?P<name>[^>]*)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>\n]*>")
_LOOKS_TIMED = re.compile(r"\d+:\d+\S*\s*(?:-+|=+|—|–)\s*>|\d+:\d+[,.]\d+\s+\S{0,3}\s*\d+:\d+")
_SRT_FONT = re.compile(r"\{\\[^}]*\}")  # {\an8} positioning codes some SRT writers add


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based number of the first line, lines) of each block separated by blank lines."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line.rstrip())
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _time(raw: str, file_name: str, line: int) -> int:
    value = try_parse_timecode(raw)
    if value is None:
        raise ImportFailed(
            f"{file_name}, line {line}: {raw!r} is not a valid cue time (expected hh:mm:ss,mmm or hh:mm:ss.mmm)."
        )
    return value


def _clean(text: str) -> tuple[str, str | None]:
    """Cue text without markup, and the voice tag's speaker if there is one."""
    voice = _VOICE.search(text)
    speaker = voice["name"].strip() if voice else None
    text = _SRT_FONT.sub("", _TAG.sub("", text))
    text = html.unescape(text).replace("\u200e", "").replace("\u200f", "").replace("\u00a0", " ")
    return " ".join(text.split()), speaker or None


def read_subtitles(text: str, file_name: str, *, webvtt: bool) -> ParsedTranscript:
    """Turns of SRT or WebVTT `text` (already decoded, LF line ends)."""
    blocks = list(_blocks(text))
    if webvtt:
        if not blocks or not blocks[0][1][0].lstrip("\ufeff").startswith("WEBVTT"):
            raise ImportFailed(f"{file_name} is not a WebVTT file: it must begin with the line 'WEBVTT'.")
        blocks = blocks[1:]
    segments: list[Segment] = []
    for first_line, lines in blocks:
        head = lines[0].strip()
        if webvtt and (head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head):
            continue
        timing_at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing_at is None:
            attempt = next((i for i, line in enumerate(lines[:2]) if _LOOKS_TIMED.search(line)), None)
            if attempt is not None:
                raise ImportFailed(
                    f"{file_name}, line {first_line + attempt}: the cue time line is malformed "
                    f"(expected 'start --> end', found {lines[attempt].strip()[:60]!r})."
                )
            if len(lines) == 1 and head.isdigit():
                continue  # a stray cue number with nothing after it
            if not segments:
                raise ImportFailed(
                    f"{file_name}, line {first_line}: expected a cue time line 'start --> end', "
                    f"found {head[:40]!r}."
                )
            # Text after a blank line inside a cue (not allowed, but common): it belongs to that cue.
            body, _ = _clean(" ".join(line.strip() for line in lines))
            last = segments[-1]
            segments[-1] = Segment(
                f"{last.text} {body}".strip(), last.speaker, last.time_start_ms, last.time_end_ms
            )
            continue
        line_number = first_line + timing_at
        match = _TIMING.match(lines[timing_at])
        if match is None:
            raise ImportFailed(f"{file_name}, line {line_number}: the cue time line is malformed.")
        start = _time(match["start"], file_name, line_number)
        end = _time(match["end"], file_name, line_number)
        if end < start:
            raise ImportFailed(f"{file_name}, line {line_number}: the cue ends before it starts.")
        body, speaker = _clean(" ".join(line.strip() for line in lines[timing_at + 1 :]))
        if not body:
            continue
        if speaker is not None:
            body = f"{speaker}: {body}"
        else:
            label = split_label(body)
            speaker = label[0] if label is not None else None
        segments.append(Segment(body, speaker, start, end))
    if not segments:
        raise ImportFailed(f"{file_name} has no subtitle cues with text.")
    return transcript_from_segments(segments)

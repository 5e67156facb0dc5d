"""Speaker turns, timestamps and recall references in plain transcript text (pure Python).

How turns tile the text
-----------------------
Every parsed transcript's turns tile its text exactly: the first turn starts at 0, each turn runs from the
first character of the line that opens it (timestamp and label included: the stored text is verbatim) up to
the start of the next turn, and the last turn ends at `len(text)`. Blank lines and the final newline of a turn
therefore belong to that turn. No gaps, no overlaps; empty text has no turns. Text before the first labelled
line (a title, a header) becomes a turn without a speaker; when it is only whitespace it joins the first turn.

What opens a turn
-----------------
A line that starts with an optional timestamp (`[hh:mm:ss]`, `hh:mm:ss`, `(mm:ss)`, `[mm:ss]`...) and a
speaker label of at most 30 characters followed by a colon and a space or the line's end (`Therapist:`,
`CLIENT:`, `T:`, `Dr Smith:`, `P07:`, `Speaker 1:`). A label starts with a letter, has at most four words of
letters, digits and `.-'’_()/&#+`, and is never a time (`at 10:30`) or a URL (`http://`). A label in which a
word starts in lower case (`then I said:`, `client:`) is a weak candidate: it counts only when the same label
opens at least two lines of the document, which keeps a stray colon in prose from splitting a turn while
accepting consistently lower-cased transcripts. Lines without a label continue the previous turn.
Line numbers before labels (`012  T: so`, conversation analysis) are skipped when several lines have them.
Transcription services' layouts are read too: `Speaker 1 (00:03): text` (the time after the label) and
`Speaker 1  0:03` alone on a line with the words below (counted when at least two lines have that form).

A line that starts with a bracketed timestamp but no label (`[00:01:05] ...`), or an unbracketed full
`hh:mm:ss` one, opens a turn without a speaker. A file with no labels at all has one turn per paragraph
(a run of non-blank lines; each non-blank line when the format says a line is a paragraph, as in DOCX).

Times: a turn's `time_start_ms` is its opening timestamp; `time_end_ms` is the next turn's start time when
that is known and not earlier. Recall references (`[video 00:12:31]`, `(video 12:31)`, `[VIDEO 1:02:03]`)
stay in the text; a turn's `video_ref_ms` is its first marker, else the latest marker earlier in the document,
else None.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from app.domain.timecode import TIMECODE_PATTERN, try_parse_timecode

MAX_LABEL_CHARS = 30
MAX_LABEL_WORDS = 4
_SPACE = r"[ \t\u00a0]"
_STAMP = re.compile(
    rf"^{_SPACE}*(?:\[{_SPACE}*(?P<sq>{TIMECODE_PATTERN}){_SPACE}*\]"
    rf"|\({_SPACE}*(?P<par>{TIMECODE_PATTERN}){_SPACE}*\)"
    rf"|(?P<bare>{TIMECODE_PATTERN})(?=$|{_SPACE}))"
    rf"(?:{_SPACE}*[-–—|]{_SPACE}+|{_SPACE}*)"
)
_VIDEO_MARKER = re.compile(
    rf"[\[(]{_SPACE}*video{_SPACE}*:?{_SPACE}*(?:at{_SPACE}+)?(?P<time>{TIMECODE_PATTERN}){_SPACE}*[\])]",
    re.IGNORECASE,
)
_LABEL_CHARS = re.compile(r"^[^\W_][\w .\-'’()/&#+]*$")
_COLONS = (":", "：")
_TIMED_LABEL = re.compile(
    rf"^(?P<label>[^\W\d_][^:：\[(\n]{{0,{MAX_LABEL_CHARS - 1}}}?){_SPACE}+"
    rf"(?:(?P<open>[\[(]){_SPACE}*(?P<time>{TIMECODE_PATTERN}){_SPACE}*[\])]|(?P<bare>{TIMECODE_PATTERN}))"
    rf"{_SPACE}*(?P<colon>[:：])?(?=\s|$)"
)
_LINE_NUMBER = re.compile(rf"^\d{{1,5}}[.)]?{_SPACE}+")
_NUMBERED_FORM = "\x00a line number, then a label"
_TIMED_LINE_FORM = "\x00a label and a time alone on a line"
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "du",
        "la",
        "le",
        "del",
        "della",
        "y",
        "of",
        "the",
        "and",
        "bin",
        "al",
        "ibn",
    ]
)


@dataclass(frozen=True)
class ParsedTurn:
    """A span [start, end) of the text, in code points, with what the transcript says about it."""

    start: int
    end: int
    speaker: str | None = None
    time_start_ms: int | None = None
    time_end_ms: int | None = None
    video_ref_ms: int | None = None


@dataclass(frozen=True)
class ParsedTranscript:
    """Text as it will be stored (LF, no BOM) and turns that tile it."""

    text: str
    turns: tuple[ParsedTurn, ...]

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.speaker:
                seen.setdefault(turn.speaker, None)
        return list(seen)


@dataclass(frozen=True)
class LineHint:
    """What a richer format (DOCX bold runs, table cells, headings) already knows about a line."""

    speaker: str | None = None
    time_start_ms: int | None = None
    opens: bool = True  # False: the line never opens a turn (a heading continues what came before)


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the line's first character in the text
    text: str


@dataclass(frozen=True)
class _Opening:
    speaker: str | None
    time_ms: int | None
    weak_key: str | None = None  # set for a weak label: it needs a second occurrence to count


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, and a leading BOM is dropped: the stored form of every document."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def label_strength(candidate: str) -> int:
    """0 if `candidate` cannot be a speaker label, 1 if it is a weak one (lower-case words), 2 if strong."""
    label = candidate.strip()
    if not label or len(label) > MAX_LABEL_CHARS or not label[0].isalpha():
        return 0
    if _LABEL_CHARS.match(label) is None:
        return 0
    words = label.split()
    if len(words) > MAX_LABEL_WORDS:
        return 0
    if len(words) == 1:
        return 2 if not label[0].islower() else 1
    for word in words:
        head = word[0]
        if head.islower() and word.lower() not in _PARTICLES:
            return 1
    return 2


def split_label(line: str) -> tuple[str, int] | None:
    """The label at the start of `line` (after any timestamp was removed) and the offset after its colon."""
    window = line[: MAX_LABEL_CHARS + 8]
    positions = [p for p in (window.find(c) for c in _COLONS) if p > 0]
    if not positions:
        return None
    colon = min(positions)
    after = line[colon + 1 : colon + 2]
    if after and after not in " \t\u00a0":
        return None  # `10:30`, `http://`, `ratio:2`: not a label
    candidate = line[:colon].strip()
    if not candidate or label_strength(candidate) == 0:
        return None
    return candidate, colon + 1


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for part in text.split("\n"):
        lines.append(_Line(offset, part))
        offset += len(part) + 1
    return lines


def leading_timestamp(line: str) -> tuple[int | None, int, bool]:
    """(milliseconds, offset after it, whether it may open a turn alone) of a timestamp opening `line`.

    A bracketed time (`[12:31]`, `(00:12:31)`) or a bare full `hh:mm:ss` may open a turn without a label;
    a bare `mm:ss` only counts before a label, since prose starts with times too ("10:30 is when...").
    """
    stamp = _STAMP.match(line)
    if stamp is None:
        return None, 0, False
    raw = stamp["sq"] or stamp["par"] or stamp["bare"]
    parsed = try_parse_timecode(raw)
    if parsed is None:
        return None, 0, False
    alone = stamp["bare"] is None or raw.count(":") == 2
    return parsed, stamp.end(), alone


def _classify(line: str, *, allow_label: bool = True) -> _Opening | None:
    """The turn `line` opens (speaker and time), or None when it continues the previous turn."""
    time_ms, after, alone = leading_timestamp(line)
    if allow_label:
        rest = line[after:].lstrip(" \t\u00a0")
        label = split_label(rest)
        if label is not None:
            name = label[0]
            weak = label_strength(name) == 1
            return _Opening(name, time_ms, weak_key=name.casefold() if weak else None)
        timed = _timed_label(rest)
        if timed is not None:
            return timed if time_ms is None else _Opening(timed.speaker, time_ms, timed.weak_key)
        numbered = _LINE_NUMBER.match(rest)
        if numbered is not None and (label := split_label(rest[numbered.end() :])) is not None:
            # Conversation-analysis transcripts number their lines (`012  T: so`); a numbered list in a
            # header (`1. Consent: given`) looks the same, so the form must recur to count.
            return _Opening(label[0], time_ms, weak_key=_NUMBERED_FORM)
    if time_ms is not None and alone:
        return _Opening(None, time_ms)
    return None


def _timed_label(rest: str) -> _Opening | None:
    """A label followed by its time, as transcription services write them.

    `Speaker 1 (00:03): text` (Rev and similar: a bracketed time, then the colon) counts like any label;
    `Speaker 1  0:03` or `Speaker 1 (00:03)` alone on a line (Otter and similar: the words follow on the next
    line) has no colon, so it counts only when at least two lines of the document have that form.
    """
    match = _TIMED_LABEL.match(rest)
    if match is None:
        return None
    name = match["label"].strip()
    strength = label_strength(name)
    time_ms = try_parse_timecode(match["time"] or match["bare"])
    if strength == 0 or time_ms is None:
        return None
    if match["colon"] and match["open"]:
        return _Opening(name, time_ms, weak_key=name.casefold() if strength == 1 else None)
    if not rest[match.end() :].strip():
        # The form recurring (any speakers) is the evidence: two lines like it make it a transcript layout.
        return _Opening(name, time_ms, weak_key=_TIMED_LINE_FORM)
    return None


def parse_transcript(
    text: str,
    *,
    paragraph_starts: Collection[int] | None = None,
    hints: Mapping[int, LineHint] | None = None,
) -> ParsedTranscript:
    """Turns of `text` (already LF-normalised).

    `hints` maps line numbers (0-based) to what a richer format knows about them (an opening with a speaker,
    or a line that must never open a turn, such as a DOCX heading). `paragraph_starts` lists the lines that
    begin a paragraph when the format knows (DOCX: every paragraph); otherwise a paragraph is a run of
    non-blank lines. Never raises: any string parses, at worst into one turn without a speaker.
    """
    if not text:
        return ParsedTranscript(text, ())
    lines = _split_lines(text)
    hints = hints or {}
    openings: dict[int, _Opening] = {}
    for index, line in enumerate(lines):
        hint = hints.get(index)
        if hint is not None:
            if hint.opens:
                openings[index] = _Opening(hint.speaker, hint.time_start_ms)
            continue
        opening = _classify(line.text)
        if opening is not None:
            openings[index] = opening
    weak_counts = Counter(o.weak_key for o in openings.values() if o.weak_key is not None)
    unnumbered = sum(1 for o in openings.values() if o.speaker is not None and o.weak_key != _NUMBERED_FORM)
    if weak_counts[_NUMBERED_FORM] < unnumbered:
        # Numbered lines are the layout only when they carry most labels; else they are a list in a turn.
        weak_counts[_NUMBERED_FORM] = 0
    for index, opening in list(openings.items()):
        if opening.weak_key is not None and weak_counts[opening.weak_key] < 2:
            # A lone weak label is prose, but a timestamp before it may still open a turn.
            del openings[index]
            reclassified = _classify(lines[index].text, allow_label=False)
            if reclassified is not None:
                openings[index] = reclassified
    if not any(o.speaker is not None for o in openings.values()):
        _add_paragraph_openings(lines, openings, paragraph_starts, hints)
    starts = sorted(openings)
    turns = _build_turns(text, lines, starts, openings)
    return ParsedTranscript(text, tuple(_with_times_and_refs(text, turns)))


def _add_paragraph_openings(
    lines: Sequence[_Line],
    openings: dict[int, _Opening],
    paragraph_starts: Collection[int] | None,
    hints: Mapping[int, LineHint],
) -> None:
    """Without any speaker label, every paragraph is a turn (without a speaker)."""
    previous_blank = True
    for index, line in enumerate(lines):
        blank = not line.text.strip()
        begins = index in paragraph_starts if paragraph_starts is not None else previous_blank
        hint = hints.get(index)
        if not blank and begins and index not in openings and (hint is None or hint.opens):
            openings[index] = _Opening(None, None)
        previous_blank = blank


def _build_turns(
    text: str, lines: Sequence[_Line], starts: Sequence[int], openings: Mapping[int, _Opening]
) -> list[ParsedTurn]:
    if not starts:
        return [ParsedTurn(0, len(text))]
    turns: list[ParsedTurn] = []
    first_offset = lines[starts[0]].start
    if first_offset > 0 and text[:first_offset].strip():
        turns.append(ParsedTurn(0, first_offset))  # a header before the first speaker
    for position, index in enumerate(starts):
        begin = lines[index].start if turns else 0
        end = lines[starts[position + 1]].start if position + 1 < len(starts) else len(text)
        opening = openings[index]
        turns.append(ParsedTurn(begin, end, opening.speaker, opening.time_ms))
    return turns


def find_video_markers(text: str) -> list[tuple[int, int]]:
    """(offset, milliseconds) of every well-formed recall reference in `text`, in order."""
    markers: list[tuple[int, int]] = []
    for match in _VIDEO_MARKER.finditer(text):
        ms = try_parse_timecode(match["time"])
        if ms is not None:
            markers.append((match.start(), ms))
    return markers


def _with_times_and_refs(text: str, turns: list[ParsedTurn]) -> list[ParsedTurn]:
    timed: list[ParsedTurn] = []
    for index, turn in enumerate(turns):
        following = turns[index + 1].time_start_ms if index + 1 < len(turns) else None
        time_end = None
        if turn.time_start_ms is not None and following is not None and following >= turn.time_start_ms:
            time_end = following
        timed.append(replace(turn, time_end_ms=time_end))
    return _attach_video_refs(timed, find_video_markers(text))


def _attach_video_refs(turns: list[ParsedTurn], markers: list[tuple[int, int]]) -> list[ParsedTurn]:
    """First marker inside a turn, else the latest one before it, else None."""
    positions = [offset for offset, _ in markers]
    result: list[ParsedTurn] = []
    for turn in turns:
        video_ref = None
        first = bisect.bisect_left(positions, turn.start)
        if first < len(positions) and positions[first] < turn.end:
            video_ref = markers[first][1]
        elif first > 0:
            video_ref = markers[first - 1][1]
        result.append(replace(turn, video_ref_ms=video_ref))
    return result


def turns_tile(text: str, turns: Sequence[ParsedTurn]) -> bool:
    """True when `turns` cover `text` from 0 to its end with no gap or overlap (the invariant above)."""
    if not text:
        return not turns
    position = 0
    for turn in turns:
        if turn.start != position or turn.end <= turn.start:
            return False
        position = turn.end
    return position == len(text)


@dataclass(frozen=True)
class Segment:
    """One turn's text as a format knows it (a subtitle cue), before the segments are joined."""

    text: str
    speaker: str | None = None
    time_start_ms: int | None = None
    time_end_ms: int | None = None


def transcript_from_segments(segments: Sequence[Segment]) -> ParsedTranscript:
    """Join segments one a line (LF between them) into a transcript with one turn a segment.

    Each turn owns its segment and the newline after it, so turns tile the text. Recall references are found
    as in `parse_transcript`. Newlines inside a segment become spaces: a segment is one line.
    """
    pieces: list[str] = []
    turns: list[ParsedTurn] = []
    position = 0
    kept = [s for s in segments if s.text.strip()]
    for index, segment in enumerate(kept):
        line = " ".join(segment.text.split("\n"))
        piece = line if index == len(kept) - 1 else line + "\n"
        pieces.append(piece)
        turns.append(
            ParsedTurn(
                position, position + len(piece), segment.speaker, segment.time_start_ms, segment.time_end_ms
            )
        )
        position += len(piece)
    text = "".join(pieces)
    markers = find_video_markers(text)
    return ParsedTranscript(text, tuple(_attach_video_refs(turns, markers)))

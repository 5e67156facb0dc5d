"""Speaker turns, timestamps and recall references parsed from plain transcript text (domain, no I/O)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import InvalidInput, RapportError
from app.domain.timecode import format_timecode, parse_timecode, try_parse_timecode
from app.domain.transcript import (
    LineHint,
    Segment,
    normalize_newlines,
    parse_transcript,
    transcript_from_segments,
    turns_tile,
)


def speakers(text: str, **kwargs) -> list[str | None]:
    return [t.speaker for t in parse_transcript(text, **kwargs).turns]


def pieces(text: str) -> list[str]:
    parsed = parse_transcript(text)
    return [text[t.start : t.end] for t in parsed.turns]


@pytest.mark.parametrize(
    "label",
    [
        "Therapist",
        "CLIENT",
        "T",
        "R",
        "Dr Smith",
        "P07",
        "Speaker 1",
        "Dr. O'Brien",
        "Client (C)",
        "Frau von Stein",
    ],
)
def test_every_label_style_opens_a_turn(label: str) -> None:
    text = f"{label}: first words\nOther: reply\n"
    parsed = parse_transcript(text)
    assert [t.speaker for t in parsed.turns] == [label, "Other"]
    assert text[parsed.turns[0].start : parsed.turns[0].end] == f"{label}: first words\n"


@pytest.mark.parametrize(
    ("prefix", "ms"),
    [
        ("[00:12:31] ", 751_000),
        ("[12:31] ", 751_000),
        ("00:12:31 ", 751_000),
        ("1:02:03 ", 3_723_000),
        ("(12:31) ", 751_000),
        ("(00:12:31) ", 751_000),
        ("[00:00:05.250] ", 5_250),
        ("00:12:31 - ", 751_000),
    ],
)
def test_every_timestamp_style_sets_time_start(prefix: str, ms: int) -> None:
    parsed = parse_transcript(f"{prefix}Therapist: hello\n[02:00:00] Client: hi\n")
    first = parsed.turns[0]
    assert (first.speaker, first.time_start_ms) == ("Therapist", ms)
    assert first.time_end_ms == 7_200_000  # the next turn's start


def test_numbered_lines_of_conversation_analysis() -> None:
    text = "01  T:   so how (.) are you\n02  C:   we::ll (0.5) fine\n03       [yeah]\n04  T:   okay\n"
    assert speakers(text) == ["T", "C", "T"]
    assert speakers("Header\n1. Consent: given\nT: hi\nC: ok\n") == [None, "T", "C"]
    listing = "C: Three things:\n1. Work: hard\n2. Home: fine\nT: I see.\nC: Yes.\nT: Go on.\n"
    assert speakers(listing) == ["C", "T", "C", "T"]


def test_transcription_service_layouts() -> None:
    rev = "Speaker 1 (00:03): Hello there.\nSpeaker 2 (01:10): Hi.\nstill speaker 2\n"
    assert [(t.speaker, t.time_start_ms) for t in parse_transcript(rev).turns] == [
        ("Speaker 1", 3_000),
        ("Speaker 2", 70_000),
    ]
    otter = "Speaker 1  0:00\nHello there.\n\nAnna Berg  0:05\nHi.\n\nSpeaker 1  1:02:09\nOk.\n"
    assert [(t.speaker, t.time_start_ms) for t in parse_transcript(otter).turns] == [
        ("Speaker 1", 0),
        ("Anna Berg", 5_000),
        ("Speaker 1", 3_729_000),
    ]
    # one such line in prose is not a layout
    assert speakers("Client: so we met\nAnna 10:30\nTherapist: ok\n") == ["Client", "Therapist"]


def test_lines_without_label_continue_the_turn_and_spans_include_labels() -> None:
    text = "Therapist: How are you?\nI mean this week.\n\nClient: Better.\n"
    assert pieces(text) == ["Therapist: How are you?\nI mean this week.\n\n", "Client: Better.\n"]


def test_label_alone_on_its_line() -> None:
    text = "THERAPIST:\nHow are you?\nCLIENT:\nFine.\n"
    assert speakers(text) == ["THERAPIST", "CLIENT"]


def test_header_before_first_label_is_a_turn_without_speaker() -> None:
    text = "Transcript D07, session 2\n\nT: Hello\nC: Hi\n"
    assert speakers(text) == [None, "T", "C"]
    assert pieces(text)[0] == "Transcript D07, session 2\n\n"


def test_leading_blank_lines_join_the_first_turn() -> None:
    text = "\n\n  \nT: Hello\nC: Hi"
    parsed = parse_transcript(text)
    assert parsed.turns[0].start == 0 and parsed.turns[0].speaker == "T"


def test_no_labels_gives_one_turn_per_paragraph() -> None:
    text = "First paragraph line one\nline two.\n\nSecond paragraph.\n\n\nThird."
    parsed = parse_transcript(text)
    assert speakers(text) == [None, None, None]
    assert pieces(text) == ["First paragraph line one\nline two.\n\n", "Second paragraph.\n\n\n", "Third."]
    assert turns_tile(text, parsed.turns)


def test_paragraph_starts_given_by_the_format() -> None:
    text = "One.\nTwo.\nThree."
    parsed = parse_transcript(text, paragraph_starts={0, 1, 2})
    assert len(parsed.turns) == 3


@pytest.mark.parametrize(
    "line",
    [
        "And then at 10:30 we met in the hallway.",
        "See http://example.org: it explains",
        "The thing I keep coming back to when I think about it is this: trust.",
        "I said: no.",  # a lowercase word in a label needs a second occurrence
        "Well, you know: maybe.",
        "1: a numbered point",
        "ratio:2 and more",
        "Honestly what I felt then, really: it was fear",
    ],
)
def test_false_labels_do_not_split_a_turn(line: str) -> None:
    text = f"Client: It was hard.\n{line}\nTherapist: I see.\n"
    assert speakers(text) == ["Client", "Therapist"]


def test_note_in_prose_is_accepted_as_a_label() -> None:
    assert speakers("Client: yes\nNote: client laughs\nTherapist: ok\n") == ["Client", "Note", "Therapist"]


def test_consistent_lowercase_labels_are_accepted() -> None:
    text = "therapist: hello\nclient: hi\ntherapist: how are you\nclient: fine\n"
    assert speakers(text) == ["therapist", "client", "therapist", "client"]


def test_bracketed_timestamp_without_label_opens_a_turn_but_bare_minutes_do_not() -> None:
    text = "T: hello\n[00:01:05] (inaudible)\n10:30 is when we met\n"
    parsed = parse_transcript(text)
    assert [(t.speaker, t.time_start_ms) for t in parsed.turns] == [("T", None), (None, 65_000)]


def test_recall_references_first_marker_and_inheritance() -> None:
    text = (
        "R: Before any marker.\n"
        "R: Look here [video 00:12:31] and later [video 00:13:00].\n"
        "C: I felt judged.\n"
        "R: Now (video 12:40).\n"
        "C: [VIDEO 1:02:03] the end.\n"
        "R: and after.\n"
    )
    refs = [t.video_ref_ms for t in parse_transcript(text).turns]
    assert refs == [None, 751_000, 780_000, 760_000, 3_723_000, 3_723_000]
    assert "[video 00:12:31]" in text  # markers stay in the text


def test_speaker_hints_and_non_opening_lines() -> None:
    text = "Heading: Session 2\nAnna said hello\nBen replied"
    hints = {0: LineHint(opens=False), 1: LineHint("Anna", 1000), 2: LineHint("Ben")}
    parsed = parse_transcript(text, hints=hints)
    assert [(t.speaker, t.time_start_ms) for t in parsed.turns] == [
        (None, None),
        ("Anna", 1000),
        ("Ben", None),
    ]


def test_segments_join_one_a_line_and_tile() -> None:
    parsed = transcript_from_segments(
        [Segment("T: hi", "T", 0, 1000), Segment("   "), Segment("C: ok [video 00:00:02]", "C", 1000, 2000)]
    )
    assert parsed.text == "T: hi\nC: ok [video 00:00:02]"
    assert [(t.start, t.end, t.video_ref_ms) for t in parsed.turns] == [(0, 6, None), (6, 28, 2000)]


def test_normalize_newlines() -> None:
    assert normalize_newlines("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"


def test_timecodes() -> None:
    assert parse_timecode("00:00:05,250") == 5_250
    assert parse_timecode("75:12") == 4_512_000
    assert try_parse_timecode("00:61:00") is None
    assert try_parse_timecode("12:60") is None
    with pytest.raises(InvalidInput, match=r"f\.srt, line 3"):
        parse_timecode("12:xx", where="f.srt, line 3")
    assert format_timecode(3_723_000) == "01:02:03"
    assert format_timecode(None) == ""


def test_empty_text_has_no_turns() -> None:
    assert parse_transcript("").turns == ()


_transcript_alphabet = st.sampled_from(
    [
        *"abcXYZ :[]()\n\n\t.,-0123456789",
        "Therapist: ",
        "Client: ",
        "[00:01:02] ",
        "(12:31) ",
        "[video 00:12:31]",
        "\r",
        "😀",
        "\u00a0",
        "T:",
        "note: ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_transcript_alphabet, max_size=60).map("".join))
def test_turns_tile_any_text_and_parsing_never_fails(text: str) -> None:
    try:
        parsed = parse_transcript(text)
    except RapportError:
        return
    assert parsed.text == text
    assert turns_tile(text, parsed.turns)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.booleans())
def test_turns_tile_arbitrary_unicode(text: str, per_line: bool) -> None:
    starts = set(range(text.count("\n") + 1)) if per_line else None
    parsed = parse_transcript(text, paragraph_starts=starts)
    assert turns_tile(text, parsed.turns)
    for turn in parsed.turns:
        assert turn.time_end_ms is None or turn.time_start_ms is not None

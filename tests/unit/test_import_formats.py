"""File formats: bytes in, transcripts out, with every refusal a clear ImportFailed naming the file."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import ImportFailed, RapportError, UnsafeFile
from app.domain.file_names import guess_from_file_name
from app.domain.transcript import turns_tile
from app.formats.attributes_csv import read_attribute_sheet
from app.formats.detect import format_of, parse_bytes, read_transcript
from app.formats.docx_file import read_docx
from app.formats.subtitles import read_subtitles
from app.formats.text_file import decode_text

CURLY = "“Trust” – it’s hard — isn’t it… 5 €"


def make_docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bold_label(document, label: str, rest: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(rest)


# -- plain text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (CURLY.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CURLY.encode("utf-8"), "utf-8-sig"),
        (CURLY.encode("utf-16"), "utf-16"),  # with BOM, little endian on this machine
        (b"\xfe\xff" + CURLY.encode("utf-16-be"), "utf-16"),
        (CURLY.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_keep_curly_quotes_and_dashes_exactly(encoded: bytes, encoding: str) -> None:
    decoded = decode_text(encoded, "t.txt")
    assert decoded.text == CURLY
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    ("encoded", "text", "encoding"),
    [
        ("T: café “hi”\n".encode("utf-16-le"), "T: café “hi”\n", "utf-16-le"),
        ("T: café “hi”\n".encode("utf-16-be"), "T: café “hi”\n", "utf-16-be"),
        (
            "“Trust” – café".encode() + b" \x93quoted\x94 " + "naïve".encode(),
            "“Trust” – café “quoted” naïve",
            "utf-8+cp1252",
        ),
        (b"\xef\xbb\xbfcaf\xe9", "café", "utf-8-sig+cp1252"),
        (b"\xff\xfeT\x00:\x00 \x00h", "T: \ufffd", "utf-16 (damaged characters replaced)"),
    ],
)
def test_real_world_encoding_variants(encoded: bytes, text: str, encoding: str) -> None:
    decoded = decode_text(encoded, "t.txt")
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_cp1252_never_fails_even_on_its_undefined_bytes() -> None:
    data = bytes(b for b in range(0x20, 0x100) if b != 0x7F)
    decoded = decode_text(data, "t.txt")
    assert decoded.encoding == "cp1252"
    assert len(decoded.text) == len(data)
    for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
        assert chr(byte) in decoded.text


def test_crlf_and_cr_become_lf_and_bom_is_dropped() -> None:
    data = "\ufeffTherapist: hi\r\nClient: ok\rTherapist: good\r\n".encode()
    loaded = parse_bytes(data, "a.txt")
    assert loaded.parsed.text == "Therapist: hi\nClient: ok\nTherapist: good\n"
    assert [t.speaker for t in loaded.parsed.turns] == ["Therapist", "Client", "Therapist"]


def test_utf16_transcript_with_labels() -> None:
    text = "[00:00:01] T: “Hello” – welcome\r\n[00:00:04] C: Thanks…\r\n"
    loaded = parse_bytes(text.encode("utf-16"), "a.txt")
    assert loaded.parsed.text == text.replace("\r\n", "\n")
    assert [(t.speaker, t.time_start_ms) for t in loaded.parsed.turns] == [("T", 1000), ("C", 4000)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"  \r\n\n\t ", "is empty"),
        (b"PNG\x00\x01\x02\x03binary\x00stuff", "bad.txt is not plain text: it contains binary data"),
        (b"%PDF-1.7 ...", "PDF"),
        (bytes(range(1, 32)) * 10, "bad.txt is not plain text: it contains binary data"),
    ],
)
def test_bad_text_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason) as caught:
        parse_bytes(data, "bad.txt")
    assert "bad.txt" in str(caught.value)


# -- DOCX -------------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_headings_and_empty_paragraphs() -> None:
    def build(document):
        document.add_heading("Transcript D07 session 2", level=1)
        document.add_paragraph("")
        document.add_paragraph("Therapist: How are you today? [video 00:01:02]")
        document.add_paragraph("")
        document.add_paragraph("")
        document.add_paragraph("Client: “Fine” – I guess.")
        document.add_paragraph("I mean, mostly.")
        table = document.add_table(rows=3, cols=3)
        for row, values in zip(
            table.rows, [("Time", "Speaker", "Text"), ("00:01:00", "T", "Go on."), ("00:01:05", "C", "Well")]
        ):
            for cell, value in zip(row.cells, values):
                cell.text = value
        document.add_heading("Part two", level=2)
        document.add_paragraph("Therapist: Last words.")

    parsed = read_docx(make_docx(build), "t.docx", max_bytes=10**8)
    assert parsed.text == (
        "Transcript D07 session 2\n\n"
        "Therapist: How are you today? [video 00:01:02]\n\n"
        "Client: “Fine” – I guess.\nI mean, mostly.\n"
        "Time\tSpeaker\tText\n00:01:00\tT\tGo on.\n00:01:05\tC\tWell\n"
        "Part two\nTherapist: Last words."
    )
    turns = parsed.turns
    assert turns_tile(parsed.text, turns)
    assert [(t.speaker, t.time_start_ms) for t in turns] == [
        (None, None),
        ("Therapist", None),
        ("Client", None),
        ("T", 60_000),
        ("C", 65_000),
        ("Therapist", None),
    ]
    # the heading in the middle does not open a turn: it stays with the turn before it
    assert parsed.text[turns[4].start : turns[4].end] == "00:01:05\tC\tWell\nPart two\n"
    assert [t.video_ref_ms for t in turns] == [None, 62_000, 62_000, 62_000, 62_000, 62_000]


def test_docx_bold_labels_without_colon_are_speakers() -> None:
    def build(document):
        bold_label(document, "THERAPIST", "  How are you?")
        bold_label(document, "CLIENT", "  Not great.")
        bold_label(document, "THERAPIST", "  Tell me.")
        bold_label(document, "CLIENT", "\tWell.")
        bold_label(document, "Really", " important, said once in bold: not a label.")
        bold_label(document, "Dr Anna Maria Gonzalez-Smith (therapist):", " a long bold label with colon")

    parsed = read_docx(make_docx(build), "t.docx", max_bytes=10**8)
    assert [t.speaker for t in parsed.turns] == [
        "THERAPIST",
        "CLIENT",
        "THERAPIST",
        "CLIENT",
        "Dr Anna Maria Gonzalez-Smith (therapist)",
    ]


def test_docx_timestamps_before_labels_plain_and_bold() -> None:
    def build(document):
        document.add_paragraph("[00:00:05] Therapist: Welcome.")
        for stamp, label in (("(00:10) ", "CLIENT"), ("00:00:15 ", "THERAPIST"), ("[00:20] ", "CLIENT")):
            paragraph = document.add_paragraph()
            paragraph.add_run(stamp)
            paragraph.add_run(label).bold = True
            paragraph.add_run(" words")

    parsed = read_docx(make_docx(build), "t.docx", max_bytes=10**8)
    assert [(t.speaker, t.time_start_ms, t.time_end_ms) for t in parsed.turns] == [
        ("Therapist", 5_000, 10_000),
        ("CLIENT", 10_000, 15_000),
        ("THERAPIST", 15_000, 20_000),
        ("CLIENT", 20_000, None),
    ]


def test_docx_line_breaks_inside_a_paragraph_continue_the_turn() -> None:
    def build(document):
        paragraph = document.add_paragraph("Client: first line")
        paragraph.runs[0].add_break(WD_BREAK.LINE)
        paragraph.add_run("second line")
        document.add_paragraph("Therapist: ok")

    parsed = read_docx(make_docx(build), "t.docx", max_bytes=10**8)
    assert parsed.text == "Client: first line\nsecond line\nTherapist: ok"
    assert [t.speaker for t in parsed.turns] == ["Client", "Therapist"]


def test_docx_without_labels_is_one_turn_per_paragraph() -> None:
    def build(document):
        for words in ("First thought.", "Second thought.", "Third."):
            document.add_paragraph(words)

    parsed = read_docx(make_docx(build), "t.docx", max_bytes=10**8)
    assert len(parsed.turns) == 3 and {t.speaker for t in parsed.turns} == {None}


def test_corrupt_docx() -> None:
    data = make_docx(lambda d: d.add_paragraph("T: hi"))
    with pytest.raises(ImportFailed, match=r"broken\.docx is damaged"):
        read_docx(data[: len(data) // 2], "broken.docx", max_bytes=10**8)
    with pytest.raises(ImportFailed, match="not a valid Word document"):
        read_docx(b"this is plain text", "plain.docx", max_bytes=10**8)


@pytest.mark.parametrize(
    "part", ["word/styles.xml", "word/document.xml", "[Content_Types].xml", "_rels/.rels"]
)
@pytest.mark.parametrize("content", [b"<broken", b'<?xml version="1.0"?><a/>', b""])
def test_docx_with_a_damaged_part(part: str, content: bytes) -> None:
    original = zipfile.ZipFile(io.BytesIO(make_docx(lambda d: d.add_paragraph("T: hi"))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in original.infolist():
            archive.writestr(
                info.filename, content if info.filename == part else original.read(info.filename)
            )
    with pytest.raises(ImportFailed, match=r"^x\.docx is damaged"):
        read_docx(buffer.getvalue(), "x.docx", max_bytes=10**8)


def test_docx_without_body() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFailed, match="no document body"):
        read_docx(buffer.getvalue(), "x.docx", max_bytes=10**8)


def ole_file(*, encrypted: bool) -> bytes:
    """The start of an OLE compound file, as Word writes for encrypted .docx (and for old .doc)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = ("EncryptionInfo" if encrypted else "WordDocument").encode("utf-16-le").ljust(128, b"\x00")
    return header + directory + b"\x00" * 1024


def test_password_protected_docx() -> None:
    with pytest.raises(ImportFailed, match=r"secret\.docx is password-protected"):
        read_docx(ole_file(encrypted=True), "secret.docx", max_bytes=10**8)
    with pytest.raises(ImportFailed, match=r"old Word \(\.doc\)"):
        read_docx(ole_file(encrypted=False), "old.docx", max_bytes=10**8)


def test_docx_that_inflates_beyond_the_limit_is_refused() -> None:
    data = make_docx(lambda d: d.add_paragraph("T: " + "word " * 20_000))
    with pytest.raises(UnsafeFile, match="would unpack"):
        read_docx(data, "bomb.docx", max_bytes=20_000)


def test_empty_docx() -> None:
    with pytest.raises(ImportFailed, match="empty"):
        read_docx(make_docx(lambda d: d.add_paragraph("   ")), "e.docx", max_bytes=10**8)


# -- subtitles --------------------------------------------------------------------------------------

SRT = """1
00:00:01,000 --> 00:00:04,000
THERAPIST: Welcome back.
How have you been?

2
00:00:04,500 --> 00:00:06,250
CLIENT: “Okay” – I think.

3
00:00:07,000 --> 00:00:08,000
<i>(pause)</i>
"""

VTT = """WEBVTT - session 2
Kind: captions

NOTE written by the transcription service

intro
00:01.000 --> 00:04.000 align:start position:10%
<v Dr Smith>Welcome <b>back</b>
to our session.</v>

00:00:04.500 --> 00:00:06.000
<v.loud Client>I &amp; you [video 00:12:31]

00:00:06.000 --> 00:00:07.000
<c.yellow>No voice here</c>
"""


def test_srt_one_turn_per_cue_lines_joined() -> None:
    loaded = parse_bytes(SRT.replace("\n", "\r\n").encode("utf-8"), "s.srt")
    parsed = loaded.parsed
    assert parsed.text == "THERAPIST: Welcome back. How have you been?\nCLIENT: “Okay” – I think.\n(pause)"
    assert [(t.speaker, t.time_start_ms, t.time_end_ms) for t in parsed.turns] == [
        ("THERAPIST", 1000, 4000),
        ("CLIENT", 4500, 6250),
        (None, 7000, 8000),
    ]
    assert turns_tile(parsed.text, parsed.turns)


def test_srt_text_after_a_blank_line_stays_with_its_cue() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nT: Hi\n\nthere\n\n2\n00:00:03,000 --> 00:00:04,000\nC: x\n\n3\n"
    parsed = read_subtitles(srt, "a.srt", webvtt=False)
    assert parsed.text == "T: Hi there\nC: x"
    assert [(t.speaker, t.time_start_ms) for t in parsed.turns] == [("T", 1000), ("C", 3000)]


def test_webvtt_voice_tags_and_markup() -> None:
    parsed = parse_bytes(VTT.encode("utf-8-sig"), "s.vtt").parsed
    assert parsed.text == (
        "Dr Smith: Welcome back to our session.\nClient: I & you [video 00:12:31]\nNo voice here"
    )
    assert [(t.speaker, t.time_start_ms, t.time_end_ms, t.video_ref_ms) for t in parsed.turns] == [
        ("Dr Smith", 1000, 4000, None),
        ("Client", 4500, 6000, 751_000),
        (None, 6000, 7000, 751_000),
    ]


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (
            "1\n00:00:01,000 --> 00:00:0x,000\nHi\n",
            "bad.srt",
            r"bad\.srt, line 2: '00:00:0x,000' is not a valid",
        ),
        ("1\n00:00:01,000 --> 00:61:00,000\nHi\n", "bad.srt", "not a valid cue time"),
        ("1\nHello there\n", "bad.srt", "expected a cue time line"),
        ("00:01.000 --> 00:02.000\nHi\n", "bad.vtt", "must begin with the line 'WEBVTT'"),
        ("1\n00:00:05,000 --> 00:00:01,000\nHi\n", "bad.srt", "ends before it starts"),
        ("WEBVTT\n\nNOTE only a note\n", "bad.vtt", "no subtitle cues"),
        (
            "1\n00:00:01,000 -> 00:00:02,000\nHi\n",
            "bad.srt",
            r"bad\.srt, line 2: the cue time line is malformed",
        ),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03,000 — 00:00:04,000\nx\n", "bad.srt", "line 6"),
    ],
)
def test_malformed_subtitles(content: str, name: str, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        read_subtitles(content, name, webvtt=name.endswith(".vtt"))


# -- files on disk ----------------------------------------------------------------------------------


def test_dispatch_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.TXT").write_bytes(b"T: hi\nC: ok\n")
    (tmp_path / "b.docx").write_bytes(make_docx(lambda d: d.add_paragraph("T: hi")))
    (tmp_path / "c.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "d.vtt").write_text(VTT, encoding="utf-8")
    assert [read_transcript(tmp_path / n).format for n in ("a.TXT", "b.docx", "c.srt", "d.vtt")] == [
        "text",
        "docx",
        "srt",
        "vtt",
    ]
    with pytest.raises(ImportFailed, match=r"old Word files \(\.doc\)"):
        format_of("x.doc")
    with pytest.raises(ImportFailed, match="cannot be imported"):
        format_of("x.mp4")


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"T: hello\n" * 100)
    with pytest.raises(
        ImportFailed, match=r"big\.txt is too large to import \(900 bytes; the limit is 500 bytes\)"
    ):
        read_transcript(path, max_bytes=500)
    assert read_transcript(path, max_bytes=900).parsed.turns


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"missing\.txt cannot be read: there is no such file"):
        read_transcript(tmp_path / "missing.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ImportFailed, match="is a folder"):
        read_transcript(folder)
    plain = tmp_path / "plain.txt"
    plain.write_text("T: hi")
    with pytest.raises(ImportFailed, match=r"child\.txt cannot be read: Not a directory"):
        read_transcript(plain / "child.txt")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files without permission")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("T: hi")
    path.chmod(0)
    try:
        with pytest.raises(ImportFailed, match=r"locked\.txt cannot be read: permission denied"):
            read_transcript(path)
    finally:
        path.chmod(0o600)


# -- properties -------------------------------------------------------------------------------------

_SUBTITLE_PIECES = st.sampled_from(
    [
        "WEBVTT",
        "\n",
        "\n\n",
        "1",
        "00:00:01,000",
        "00:01.000",
        " --> ",
        "<v Ann>",
        "</v>",
        "<i>",
        "T: ",
        "hi",
        "NOTE",
        "99:99",
        "&amp;",
        "\r\n",
        "\ufeff",
        "😀",
        "-->",
        "[video 00:12:31]",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_SUBTITLE_PIECES, max_size=40).map("".join), st.sampled_from(["a.srt", "a.vtt", "a.txt"]))
def test_text_formats_raise_only_rapport_errors(text: str, name: str) -> None:
    try:
        loaded = parse_bytes(text.encode("utf-8"), name)
    except RapportError:
        return
    assert turns_tile(loaded.parsed.text, loaded.parsed.turns)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["a.srt", "a.vtt", "a.txt", "a.docx"]))
def test_any_bytes_raise_only_rapport_errors(data: bytes, name: str) -> None:
    try:
        loaded = parse_bytes(data, name)
    except RapportError:
        return
    assert turns_tile(loaded.parsed.text, loaded.parsed.turns)


_DOCX = make_docx(lambda d: [d.add_paragraph(f"T: line {i}") for i in range(3)])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(_DOCX) - 1), st.binary(min_size=1, max_size=8))
def test_damaged_docx_raise_only_rapport_errors(position: int, garbage: bytes) -> None:
    data = _DOCX[:position] + garbage + _DOCX[position + len(garbage) :]
    try:
        parsed = read_docx(data, "d.docx", max_bytes=10**8)
    except RapportError:
        return
    assert turns_tile(parsed.text, parsed.turns)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "id",
                "role",
                "dyad",
                "age",
                "dyad:g",
                ",",
                ";",
                "\t",
                "\n",
                "C1",
                "client",
                "x",
                "3",
                "yes",
                "2024-01-02",
                '"',
                "\r\n",
                "é",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_attribute_sheets_raise_only_rapport_errors(text: str) -> None:
    try:
        sheet = read_attribute_sheet(text.encode("utf-8"), "p.csv")
    except RapportError:
        return
    assert all(row.participant and row.role for row in sheet.rows)


@given(st.text(max_size=80))
def test_file_name_guess_never_fails(name: str) -> None:
    guess = guess_from_file_name(name)
    assert guess.kind in ("session", "recall", "note", "other")
    assert guess.session is None or 1 <= guess.session <= 9999

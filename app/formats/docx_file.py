"""Word transcripts (.docx): paragraphs and tables in document order, speaker labels from text or bold runs.

What becomes text: every body paragraph one line (line breaks inside a paragraph stay line breaks), every
table row one line with its non-empty cells joined by a tab, content controls opened up, tracked insertions
kept and deletions left out, text boxes, headers, footers and footnotes left out. Runs of empty paragraphs
collapse to one blank line; leading and trailing ones are dropped.

Turns: a paragraph opens a turn when its text starts with a label (see `app.domain.transcript`) or, in Word
files whose labels are set in bold without a colon, when it starts with a short bold stretch that ends in a
colon, recurs in the document, or names a speaker labelled elsewhere (one-off bold emphasis is not a label). Table rows whose first cells hold a time and/or a recurring speaker open a
turn with them. Headings never open a turn. Bold and italic are otherwise ignored.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from app.domain.errors import ImportFailed, RapportError, UnsafeFile
from app.domain.timecode import try_parse_timecode
from app.domain.transcript import (
    MAX_LABEL_CHARS,
    LineHint,
    ParsedTranscript,
    label_strength,
    leading_timestamp,
    normalize_newlines,
    parse_transcript,
    split_label,
)
from app.formats.docx_guard import check_xml_parts

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC, R, T, SDT, SDT_CONTENT = (
    f"{_W}{n}" for n in ("p", "tbl", "tr", "tc", "r", "t", "sdt", "sdtContent")
)
# Deleted and moved-away text (tracked changes), text boxes, the fallback copy of alternate content, and
# properties are not part of what was said.
_SKIP_IN_PARAGRAPH = frozenset(
    {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}pPr", f"{_W}rPr"}
)
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_MAX_BOLD_LABEL = 50
_HEADER_WORDS = frozenset(
    [
        "time",
        "timestamp",
        "timecode",
        "start",
        "speaker",
        "name",
        "person",
        "who",
        "text",
        "utterance",
        "transcript",
        "content",
        "zeit",
        "sprecher",
        "sprecherin",
        "text",
        "inhalt",
        "temps",
        "locuteur",
        "texte",
    ]
)
# The whole package may inflate to at most this many times the text limit (zip bombs).
UNCOMPRESSED_FACTOR = 4


@dataclass
class _Line:
    text: str
    hint: LineHint | None = None
    paragraph_start: bool = True
    bold_label: str | None = None  # a bold stretch that may be a speaker label, pending the recurrence check
    bold_time: int | None = None


def _check_package(data: bytes, file_name: str, max_bytes: int) -> None:
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_INFO in data:
            raise ImportFailed(
                f"{file_name} is password-protected; remove the password in Word (File > Info) and import again."
            )
        raise ImportFailed(
            f"{file_name} is an old Word (.doc) file, not .docx; save it as .docx in Word first."
        )
    if not data:
        raise ImportFailed(f"{file_name} is empty.")
    if not data.startswith(b"PK"):
        raise ImportFailed(
            f"{file_name} is not a valid Word document (.docx): the file is damaged or mislabelled."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            total = sum(entry.file_size for entry in entries)
            if total > UNCOMPRESSED_FACTOR * max_bytes:
                raise UnsafeFile(
                    f"{file_name} would unpack to {total // 1_000_000} MB, more than Rapport accepts; "
                    "it was refused."
                )
            if not any(entry.filename == "word/document.xml" for entry in entries):
                raise ImportFailed(
                    f"{file_name} is not a Word document: it has no document body (word/document.xml)."
                )
            check_xml_parts(archive, file_name)
    except RapportError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError, NotImplementedError) as exc:
        raise ImportFailed(f"{file_name} is damaged: it is not a readable Word document ({exc}).") from exc


def _open_document(data: bytes, file_name: str) -> tuple[etree._Element, frozenset[str]]:
    """The document body and the ids of heading styles; any failure inside python-docx means a damaged file."""
    import docx  # imported here: python-docx is only needed when a .docx is read

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        headings = _heading_styles(document)
    except Exception as exc:  # python-docx raises many types for damaged packages; all mean "corrupt"
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ImportFailed(
            f"{file_name} is damaged and cannot be read as a Word document ({reason})."
        ) from exc
    if body is None:
        raise ImportFailed(f"{file_name} is damaged: its document part has no body.")
    return body, headings


def _runs(element: etree._Element) -> Iterator[etree._Element]:
    """The runs of a paragraph in reading order (hyperlinks, insertions, fields), not deletions or text boxes."""
    for child in element:
        tag = child.tag
        if tag == R:
            yield child
        elif tag not in _SKIP_IN_PARAGRAPH:
            yield from _runs(child)


def _run_text(run: etree._Element) -> str:
    parts: list[str] = []
    for child in run:
        if child.tag in _RUN_TEXT:
            replacement = _RUN_TEXT[child.tag]
            parts.append(child.text or "" if replacement is None else replacement)
    return "".join(parts)


def _is_bold(run: etree._Element) -> bool:
    properties = run.find(f"{_W}rPr")
    if properties is None:
        return False
    bold = properties.find(f"{_W}b")
    return bold is not None and bold.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


def _paragraph(p: etree._Element) -> tuple[str, list[tuple[str, bool]]]:
    pieces = [(_run_text(run), _is_bold(run)) for run in _runs(p)]
    return normalize_newlines("".join(text for text, _ in pieces)), pieces


def _bold_label(text: str, pieces: list[tuple[str, bool]]) -> tuple[str | None, int | None]:
    """A short bold stretch at the paragraph's start (after a timestamp) that may name the speaker."""
    time_ms, after, _ = leading_timestamp(text)
    while after < len(text) and text[after] in " \t\u00a0":
        after += 1
    position, end = 0, None
    for piece, bold in pieces:
        piece_end = position + len(piece)
        if piece_end > after:
            if bold or not piece.strip():
                end = piece_end
            elif end is None:
                return None, None
            else:
                break
        position = piece_end
    if end is None or end <= after:
        return None, None
    prefix = text[after:end].strip()
    if "\n" in prefix or not prefix or len(prefix) > _MAX_BOLD_LABEL:
        return None, None
    name = prefix.rstrip(":：").strip()
    whole = not text[end:].strip()
    if not name or not _bold_name_ok(name) or (whole and not prefix.endswith((":", "："))):
        return None, None
    return prefix, time_ms


def _bold_name_ok(name: str) -> bool:
    """Bold marks the label, so a longer one is fine (`Dr Anna Gonzalez-Smith (therapist)`), if name-like."""
    words = name.split()
    return (
        0 < len(words) <= 6
        and label_strength(words[0]) > 0
        and all(label_strength(w) for w in words if w[0].isalpha())
    )


def _cell_text(tc: etree._Element) -> str:
    parts: list[str] = []
    for child in tc:
        if child.tag == P:
            parts.append(_paragraph(child)[0])
        elif child.tag == TBL:
            parts.extend(" ".join(_row_cells(tr)) for tr in child.findall(TR))
    return " ".join(" ".join(part.split("\n")) for part in parts if part.strip())


def _row_cells(tr: etree._Element) -> list[str]:
    return [text.strip() for text in (_cell_text(tc) for tc in tr.findall(TC)) if text.strip()]


def _table_lines(tbl: etree._Element) -> list[_Line]:
    rows = [_row_cells(tr) for tr in tbl.findall(TR)]
    rows = [cells for cells in rows if cells]
    speaker_cells: Counter[str] = Counter()
    parsed_rows: list[tuple[list[str], int | None, str | None]] = []
    for cells in rows:
        time_ms = try_parse_timecode(cells[0].strip("[]()")) if len(cells) >= 2 else None
        rest = cells[1:] if time_ms is not None else cells
        speaker = None
        if len(rest) >= 2 and len(rest[0]) <= _MAX_BOLD_LABEL:
            name = rest[0].rstrip(":：").strip()
            if name and label_strength(name[:MAX_LABEL_CHARS]):
                speaker = name
                speaker_cells[name] += 1
        parsed_rows.append((cells, time_ms, speaker))
    lines: list[_Line] = []
    header = bool(rows) and all(cell.casefold().rstrip(":") in _HEADER_WORDS for cell in rows[0])
    for index, (cells, time_ms, speaker) in enumerate(parsed_rows):
        line = _Line("\t".join(cells))
        # A speaker cell counts when the table looks like a transcript: a header row, a time column,
        # or the same speaker in several rows (a two-column table of facts has unique first cells).
        if index == 0 and header:
            line.hint = LineHint(opens=False)
        elif speaker is not None and (header or time_ms is not None or speaker_cells[speaker] >= 2):
            line.hint = LineHint(speaker, time_ms)
        elif time_ms is not None:
            line.hint = LineHint(None, time_ms)
        lines.append(line)
    return lines


def _body_lines(element: etree._Element, heading_styles: frozenset[str]) -> Iterator[_Line]:
    for child in element:
        if child.tag == P:
            text, pieces = _paragraph(child)
            style = child.find(f"{_W}pPr/{_W}pStyle")
            heading = (style is not None and style.get(f"{_W}val") in heading_styles) or (
                child.find(f"{_W}pPr/{_W}outlineLvl") is not None
            )
            sublines = text.split("\n")
            first = _Line(sublines[0])
            if heading:
                first.hint = LineHint(opens=False)
            else:
                first.bold_label, first.bold_time = _bold_label(text, pieces)
            yield first
            for extra in sublines[1:]:
                yield _Line(extra, LineHint(opens=False) if heading else None, paragraph_start=False)
        elif child.tag == TBL:
            yield from _table_lines(child)
        elif child.tag in (SDT, SDT_CONTENT):
            yield from _body_lines(child, heading_styles)


def _heading_styles(document) -> frozenset[str]:
    ids = set()
    for style in document.styles:
        name = (style.name or "").casefold()
        if name.startswith("heading") or name in ("title", "subtitle"):
            ids.add(style.style_id)
    return frozenset(ids)


def _tidy(lines: list[_Line]) -> list[_Line]:
    """Drop leading and trailing blank lines and collapse runs of blank lines to one."""
    tidy: list[_Line] = []
    for line in lines:
        blank = not line.text.strip()
        if blank and (not tidy or not tidy[-1].text.strip()):
            continue
        tidy.append(_Line("", None) if blank else line)
    while tidy and not tidy[-1].text.strip():
        tidy.pop()
    return tidy


def _label_in_text(line: _Line) -> str | None:
    label = split_label(line.text[leading_timestamp(line.text)[1] :].lstrip())
    return label[0] if label is not None else None


def _hints(lines: list[_Line]) -> tuple[dict[int, LineHint], set[int]]:
    """Openings the parser cannot see in the text: headings, table rows, and bold labels without a colon.

    A bold stretch counts as a speaker when it ends with a colon, recurs in the document, or names a speaker
    already known from a text label or another bold label (`THERAPIST` in bold once, `Therapist:` elsewhere).
    """
    bold_counts = Counter(line.bold_label.rstrip(":： ").strip() for line in lines if line.bold_label)
    known = {label.casefold() for line in lines if (label := _label_in_text(line))}
    known |= {n.casefold() for n, count in bold_counts.items() if count >= 2}
    known |= {
        line.bold_label.rstrip(":： ").strip().casefold()
        for line in lines
        if line.bold_label and line.bold_label.endswith((":", "："))
    }
    hints: dict[int, LineHint] = {}
    starts: set[int] = set()
    for index, line in enumerate(lines):
        if line.paragraph_start:
            starts.add(index)
        if line.hint is not None:
            hints[index] = line.hint
        elif line.bold_label and _label_in_text(line) is None:
            name = line.bold_label.rstrip(":： ").strip()
            if name.casefold() in known:
                hints[index] = LineHint(name, line.bold_time)
    return hints, starts


def read_docx(data: bytes, file_name: str, *, max_bytes: int) -> ParsedTranscript:
    """The transcript in a .docx file's bytes; `ImportFailed` when it is damaged, encrypted or empty."""
    _check_package(data, file_name, max_bytes)
    body, headings = _open_document(data, file_name)
    lines = _tidy(list(_body_lines(body, headings)))
    if not lines:
        raise ImportFailed(f"{file_name} is empty (the document holds no text).")
    hints, starts = _hints(lines)
    text = "\n".join(line.text for line in lines)
    return parse_transcript(text, paragraph_starts=starts, hints=hints)

"""Bytes of a text file as a string: the one decoder every import path uses (.txt, .csv, REFI-QDA sources).

Encodings are tried in the order a researcher's files actually come in: UTF-8 (with or without a BOM),
UTF-16 or UTF-32 with a BOM (Windows Notepad's "Unicode"), then Windows-1252, which never fails here: its
five undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode to the C1 control characters of the same value,
as browsers do, so no byte is lost or refused. Two real-world variants are recognised on the way: UTF-16
saved without a BOM (NUL in every other byte of mostly-Latin text), and UTF-8 with a few Windows-1252 bytes
pasted into it (more well-formed UTF-8 sequences than stray high bytes): there each stray byte is read as
Windows-1252 instead of turning the whole file's accents into mojibake. Files that are not text (PDF, zip,
old Office, RTF, NUL or many control characters) are refused with a message saying what they are.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from app.domain.errors import ImportFailed

_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_ERROR_HANDLER = "rapport-cp1252-c1"
# Signatures of files people mistake for text, with what to tell them.
_NOT_TEXT = (
    (b"%PDF", "a PDF document; save or export it as .txt or .docx first"),
    (b"PK\x03\x04", "a zip archive (perhaps a Word .docx renamed to .txt); import it with its real suffix"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Office file; save it as .docx or .txt first"),
    (b"{\\rtf", "an RTF document; save it as .docx or .txt first"),
)


def _c1_for_undefined(error: UnicodeDecodeError) -> tuple[str, int]:
    chunk = error.object[error.start : error.end]
    if all(byte in _CP1252_UNDEFINED for byte in chunk):
        return "".join(chr(byte) for byte in chunk), error.end
    raise error


def _cp1252_for_invalid_utf8(error: UnicodeDecodeError) -> tuple[str, int]:
    chunk = error.object[error.start : error.end]
    return chunk.decode("cp1252", errors=_ERROR_HANDLER), error.end


codecs.register_error(_ERROR_HANDLER, _c1_for_undefined)
_MIXED_HANDLER = "rapport-utf8-cp1252"
codecs.register_error(_MIXED_HANDLER, _cp1252_for_invalid_utf8)
_LONE_HIGH_BYTE = re.compile(
    rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})|([\x80-\xff])"
)


@dataclass(frozen=True)
class DecodedText:
    text: str  # no BOM
    # What was detected: utf-8, utf-8-sig, utf-16, utf-16-le/-be (no BOM), utf-32, cp1252, or utf-8+cp1252
    # for UTF-8 with a few Windows-1252 bytes pasted in (each such byte read as Windows-1252).
    encoding: str


def looks_binary(text: str) -> bool:
    """NUL characters, or many other control characters, mean this is not a transcript."""
    if "\x00" in text:
        return True
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(8, len(sample) // 100)


def not_text_message(what: str) -> str:
    """What to tell a researcher about content that is not text (binary bytes, NUL or many control
    characters): one wording wherever it is found."""
    return (
        f"{what} is not plain text: it contains binary data (control characters such as NUL), "
        "as a picture or a program file would."
    )


def refuse_binary_text(text: str, what: str) -> None:
    """The rule every import path applies to a transcript's text: no NUL, not many control characters.

    A NUL ends the text early for C libraries and Qt's text widgets, so positions after it would break."""
    if looks_binary(text):
        raise ImportFailed(not_text_message(what))


def decode_bytes(data: bytes, what: str) -> DecodedText:
    """Text of `data` with its detected encoding, line ends untouched; `ImportFailed` for known non-text formats.

    Empty bytes give empty text; callers then apply `refuse_binary_text` to the decoded text, as whether
    empty text is acceptable is theirs to say."""
    if not data:
        return DecodedText("", "utf-8")
    for signature, kind in _NOT_TEXT:
        if data.startswith(signature):
            raise ImportFailed(f"{what} is not plain text: it is {kind}.")
    text, encoding = _decode(data, what)
    return DecodedText(text, encoding)


def _decode(data: bytes, what: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        text = _try(body, "utf-8")
        return (text, "utf-8-sig") if text is not None else (_utf8_with_cp1252(body), "utf-8-sig+cp1252")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = _try(data, "utf-32")
        if text is None:
            raise ImportFailed(
                f"{what} is damaged: it is marked as UTF-32 text but is not valid UTF-32."
            )
        return text, "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16")
        if text is None:  # an odd byte count or a lone surrogate: keep what can be read, mark the rest
            return data.decode("utf-16", errors="replace"), "utf-16 (damaged characters replaced)"
        return text, "utf-16"
    if b"\x00" in data:
        # NUL is valid UTF-8, so UTF-16 without a BOM must be recognised before UTF-8 is tried.
        unmarked = _utf16_without_bom(data)
        if unmarked is not None:
            return unmarked
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    if b"\x00" in data:
        unmarked = _utf16_without_bom(data)
        if unmarked is None:
            raise ImportFailed(not_text_message(what))
        return unmarked
    valid, lone = _utf8_evidence(data)
    if valid > lone:
        # Mostly UTF-8 with a few Windows-1252 bytes pasted in (typical of copy and paste from Word).
        return _utf8_with_cp1252(data), "utf-8+cp1252"
    return data.decode("cp1252", errors=_ERROR_HANDLER), "cp1252"


def _utf8_evidence(data: bytes) -> tuple[int, int]:
    """(well-formed UTF-8 multi-byte sequences, other bytes above 0x7F) in `data`."""
    valid = lone = 0
    for match in _LONE_HIGH_BYTE.finditer(data):
        if match.group(1):
            lone += 1
        else:
            valid += 1
    return valid, lone


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a BOM: NULs in every other byte of mostly-ASCII text give it away."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        # Mostly-Latin text: NUL in every other byte. Other scripts (Greek, Cyrillic, CJK): NUL only after
        # the spaces and line ends, but always on the same side of each pair.
        if zeros >= half * 0.3 or (zeros and not other):
            text = _try(data, encoding)
            if text is not None and not looks_binary(text) and _mostly_printable(text):
                return text, encoding
    return None


def _mostly_printable(text: str) -> bool:
    sample = text[:65536]
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\t\n\r")
    return printable >= len(sample) * 0.95


def _utf8_with_cp1252(data: bytes) -> str:
    return data.decode("utf-8", errors=_MIXED_HANDLER)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None

"""Plain-text transcripts (.txt): detect the encoding, normalise line ends, parse speaker turns.

Encodings are tried in the order a researcher's files actually come in: UTF-8 (with or without a BOM),
UTF-16 or UTF-32 with a BOM (Windows Notepad's "Unicode"), then Windows-1252, which never fails here: its
five undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode to the C1 control characters of the same value,
as browsers do, so no byte is lost or refused.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from app.domain.errors import ImportFailed
from app.domain.transcript import ParsedTranscript, normalize_newlines, parse_transcript

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


codecs.register_error(_ERROR_HANDLER, _c1_for_undefined)


@dataclass(frozen=True)
class DecodedText:
    text: str  # LF line ends, no BOM
    encoding: str  # what was detected: utf-8, utf-8-sig, utf-16, utf-32, cp1252


def _looks_binary(text: str) -> bool:
    """NUL characters, or many other control characters, mean this is not a transcript."""
    if "\x00" in text:
        return True
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(8, len(sample) // 100)


def decode_text(data: bytes, file_name: str) -> DecodedText:
    """Text of `data` with its detected encoding; `ImportFailed` for empty or binary content."""
    if not data:
        raise ImportFailed(f"{file_name} is empty.")
    for signature, what in _NOT_TEXT:
        if data.startswith(signature):
            raise ImportFailed(f"{file_name} is not a text file: it is {what}.")
    text: str | None = None
    encoding = ""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _try(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text, encoding = _try(data, "utf-32"), "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _try(data, "utf-16"), "utf-16"
    if text is None:
        text, encoding = _try(data, "utf-8"), "utf-8"
    if text is None:
        if b"\x00" in data:
            raise ImportFailed(f"{file_name} is not a text file (it contains binary data).")
        text, encoding = data.decode("cp1252", errors=_ERROR_HANDLER), "cp1252"
    if _looks_binary(text):
        raise ImportFailed(f"{file_name} is not a text file (it contains binary data).")
    text = normalize_newlines(text)
    if not text.strip():
        raise ImportFailed(f"{file_name} is empty (it holds no text).")
    return DecodedText(text, encoding)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def read_text_file(data: bytes, file_name: str) -> tuple[ParsedTranscript, str]:
    """(parsed transcript, detected encoding) of a plain-text transcript's bytes."""
    decoded = decode_text(data, file_name)
    return parse_transcript(decoded.text), decoded.encoding

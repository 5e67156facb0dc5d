"""Plain-text transcripts (.txt): decode (app/formats/text_decoding.py), normalise line ends, parse turns."""

from __future__ import annotations

from app.domain.errors import ImportFailed
from app.domain.transcript import ParsedTranscript, normalize_newlines, parse_transcript
from app.formats.text_decoding import DecodedText, decode_bytes, refuse_binary_text

__all__ = ["DecodedText", "decode_text", "read_text_file", "refuse_binary_text"]


def decode_text(data: bytes, file_name: str) -> DecodedText:
    """Text of `data` with LF line ends and its detected encoding; `ImportFailed` for empty or binary content."""
    if not data:
        raise ImportFailed(f"{file_name} is empty.")
    decoded = decode_bytes(data, file_name)
    refuse_binary_text(decoded.text, file_name)
    text = normalize_newlines(decoded.text)
    if not text.strip():
        raise ImportFailed(f"{file_name} is empty (it holds no text).")
    return DecodedText(text, decoded.encoding)


def read_text_file(data: bytes, file_name: str) -> tuple[ParsedTranscript, str]:
    """(parsed transcript, detected encoding) of a plain-text transcript's bytes."""
    decoded = decode_text(data, file_name)
    return parse_transcript(decoded.text), decoded.encoding

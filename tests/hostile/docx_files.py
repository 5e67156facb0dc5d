"""Hostile Word files made on the fly: a real python-docx package whose body part is replaced."""

from __future__ import annotations

import io
import random
import zipfile

import docx

from app.formats.docx_guard import MAX_BODY_ELEMENTS

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def real_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_body(body: bytes, *, prolog: bytes = b"", compresslevel: int = 9) -> bytes:
    """A valid package whose word/document.xml is `prolog` + a document wrapping `body`."""
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + prolog
        + f'<w:document xmlns:w="{W}"><w:body>'.encode()
        + body
        + b"</w:body></w:document>"
    )
    source = zipfile.ZipFile(io.BytesIO(real_docx("Therapist: hello")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for info in source.infolist():
            data = xml if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def empty_paragraph_bomb(paragraphs: int = 4_000_000) -> bytes:
    """Millions of empty paragraphs: a few hundred KB packed, gigabytes once parsed by python-docx."""
    return with_body(b"<w:p/>" * paragraphs)


ELEMENTS_PER_PARAGRAPH = 3  # <w:p><w:r><w:t>
FLOOD_PARAGRAPHS = MAX_BODY_ELEMENTS // ELEMENTS_PER_PARAGRAPH + 10_000  # 30,000 elements over the limit


def element_flood(paragraphs: int = FLOOD_PARAGRAPHS, seed: int = 1) -> bytes:
    """Many small paragraphs of random text: modest compression, but more XML elements than the guard allows
    (by default just over its limit: the refusal does not depend on how far over; building and reading a larger
    flood only costs time)."""
    rng = random.Random(seed)
    body = b"".join(
        b"<w:p><w:r><w:t>%x</w:t></w:r></w:p>" % rng.getrandbits(32) for _ in range(paragraphs)
    )
    return with_body(body, compresslevel=1)  # random text packs about as tightly at level 1 as at level 9


def entity_docx() -> bytes:
    """A body that takes its text from an internal entity python-docx would silently drop."""
    prolog = b'<!DOCTYPE w:document [<!ENTITY said "Client: I want to stop coming.">]>\n'
    return with_body(b"<w:p><w:r><w:t>Therapist: &said;</w:t></w:r></w:p>", prolog=prolog)

"""Refuse Word packages that would exhaust memory or hide text, before python-docx parses anything.

A .docx is a zip of XML parts; python-docx reads each part whole and builds a tree of it. A package of a few
hundred kilobytes can hold a document.xml of millions of empty paragraphs (gigabytes of memory, minutes of
work). So each XML part is bounded before parsing: by its uncompressed size, by how many times it expands,
and, for the body, by the number of XML elements, counted by a streaming parse that keeps almost nothing in
memory. A part that declares a DTD or entities is refused as REFI files are (python-docx would silently drop
the entities' text). The limits are far above any real transcript: a three-hour session in Word is about
1 MB of document.xml and 50,000 elements.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from app.domain.errors import UnsafeFile
from app.formats.safe_xml import refuse_declarations

MAX_XML_PART_BYTES = 32_000_000
MAX_XML_RATIO = 100  # uncompressed / compressed, for parts larger than RATIO_FLOOR
RATIO_FLOOR = 1_000_000
MAX_BODY_ELEMENTS = 500_000
BODY_PART = "word/document.xml"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"


def check_xml_parts(archive: zipfile.ZipFile, file_name: str) -> None:
    """Refuse the package when one of its XML parts is too large, too compressed, too complex, or declares
    a DTD. Reads each XML part once; zipfile never yields more bytes than a part declares (it checks CRCs)."""
    for info in archive.infolist():
        part = info.filename
        if not part.lower().endswith((".xml", ".rels")):
            continue
        if info.file_size > MAX_XML_PART_BYTES:
            raise UnsafeFile(
                f"{file_name} is refused: its part {part} would unpack to {_megabytes(info.file_size)}, "
                f"more than the {_megabytes(MAX_XML_PART_BYTES)} any transcript needs."
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_XML_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise UnsafeFile(
                f"{file_name} is refused: its part {part} expands {ratio:,.0f} times when unpacked "
                f"(more than {MAX_XML_RATIO}; a zip bomb?)."
            )
        data = archive.read(info)
        refuse_declarations(data, f"{file_name} ({part})")
        if part == BODY_PART:
            _count_elements(data, file_name)


def _count_elements(data: bytes, file_name: str) -> None:
    count = 0
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for _event, element in events:
            count += 1
            if count > MAX_BODY_ELEMENTS:
                raise UnsafeFile(
                    f"{file_name} is refused: its text holds more than {MAX_BODY_ELEMENTS:,} XML elements "
                    "(paragraphs, runs...), far more than any transcript; it may be built to exhaust memory."
                )
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError:
        return  # not well-formed: python-docx reports the damage in its own words

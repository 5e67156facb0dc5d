"""Format-level tolerance of the REFI readers: namespaces, GUID spellings, colours, inconsistent files."""

from __future__ import annotations

import pytest

from app.domain.errors import ImportFailed
from app.formats.refi_common import RefiCode, RefiCodebook, clean_color, clean_guid
from app.formats.refi_qdc import read_codebook, write_codebook

BODY = """<Codes>
  <Code guid="{3F2504E0-4F89-11D3-9A0C-0305E82C3301}" name="Trust" isCodable="true" color="#0a0">
    <Description>Definition:
Confidence.

Inclusion:
Explicit.</Description>
    <Code guid="not-a-guid" name="Earned" isCodable="false" color="red"/>
  </Code>
</Codes>"""


@pytest.mark.parametrize(
    "document",
    [
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">{BODY}</CodeBook>',
        f"<CodeBook>{BODY}</CodeBook>",  # no namespace at all
        f'<q:CodeBook xmlns:q="urn:QDA-XML:codebook:1.0">{BODY.replace("<", "<q:").replace("<q:/", "</q:")}</q:CodeBook>',
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.5">{BODY}</CodeBook>',  # a later version's namespace
    ],
)
def test_codebooks_read_whatever_their_namespace(document: str) -> None:
    codebook = read_codebook(document.encode(), "book.qdc")
    trust = codebook.codes[0]
    assert (trust.guid, trust.name, trust.color, trust.codable) == (
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "Trust",
        "#00aa00",
        True,
    )
    assert trust.description.startswith("Definition:\nConfidence.")
    earned = trust.children[0]
    assert earned.color is None and earned.codable is False
    assert clean_guid(earned.guid) == earned.guid  # a GUID derived from its path replaces the invalid one
    again = read_codebook(document.encode(), "book.qdc")
    assert again.codes[0].children[0].guid == earned.guid  # ...the same one every time


def test_duplicate_code_guids_are_an_inconsistent_file() -> None:
    guid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    data = f'<CodeBook><Codes><Code guid="{guid}" name="a" isCodable="true"/><Code guid="{guid}" name="b" isCodable="true"/></Codes></CodeBook>'
    with pytest.raises(ImportFailed, match="twice"):
        read_codebook(data.encode(), "dup.qdc")


def test_wrong_root_is_refused_with_its_name() -> None:
    with pytest.raises(ImportFailed, match="<Project>"):
        read_codebook(b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', "p.qdc")


def test_colours_and_guids_are_normalised() -> None:
    assert clean_color("#ABC") == "#aabbcc" and clean_color("#A1B2C3") == "#a1b2c3"
    assert clean_color("blue") is None and clean_color("#12345") is None
    assert clean_guid("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}") == "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    assert clean_guid("3F2504E0") is None


def test_control_characters_never_make_an_unreadable_file() -> None:
    code = RefiCode("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "Bell\x07 name", description="form\x0cfeed")
    data = write_codebook(RefiCodebook([code]))
    again = read_codebook(data, "out.qdc")
    assert (again.codes[0].name, again.codes[0].description) == ("Bell name", "formfeed")


def test_position_conventions_by_origin() -> None:
    from app.formats.refi_positions import CODE_POINTS, UTF16, convention_for_origin

    assert convention_for_origin("NVivo for Windows 12.6") == UTF16
    assert convention_for_origin("NVivo for Mac 15.0.0") == UTF16
    assert convention_for_origin("Rapport 0.1.0") == CODE_POINTS
    assert convention_for_origin("QualCoder 3.5") == CODE_POINTS
    assert convention_for_origin("MAXQDA 24 (Release 24.7.0)") is None  # unknown: guessed per source

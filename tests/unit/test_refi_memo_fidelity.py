"""Memos come in from QualCoder's and MAXQDA's places (selection descriptions, notes on a range, source and
project descriptions), and the import summary names what it could not carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from app.services import exchange
from app.services.memos import memo_listing
from tests.unit.exchange_study import SHARED
from tests.unit.refi_tool_fixtures import maxqda_project, qualcoder_project, span


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def memos_by_text(project) -> dict[str, dict]:
    return {row["text"]: row for row in memo_listing(project)}


@pytest.mark.skipif(not (SHARED / "Project.xsd").is_file(), reason=f"REFI-QDA schemas not found in {SHARED}")
def test_fixtures_are_schema_valid() -> None:
    import zipfile
    from io import BytesIO

    validator = etree.XMLSchema(etree.parse(str(SHARED / "Project.xsd")))
    for data in (qualcoder_project(), maxqda_project()):
        with zipfile.ZipFile(BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("project.qde"))
        assert validator.validate(root), validator.error_log


def test_qualcoder_memos_arrive_where_qualcoder_keeps_them(project, tmp_path: Path) -> None:
    report = exchange.import_project_qdpx(project, write(tmp_path, "qc.qdpx", qualcoder_project()))
    found = memos_by_text(project)
    coding = found["Fear of judgement: early rupture marker."]
    assert coding["target"] == "coding" and coding["document"] == "D03 session 2.txt"
    listened = found["Listening named as the helpful factor."]
    assert (listened["target"], listened["start"], listened["end"]) == ("document", *span("You listened."))
    document = found["Client arrived late; recording starts mid-sentence."]
    assert (document["target"], document["start"]) == ("document", None)
    assert found["Pilot study of alliance ruptures."]["target"] == "project"
    assert found["Am I too quick to see ruptures?"]["target"] == "project"
    # a note whose range does not fit stays on the whole document, and the summary says so
    smile = found["Smile at the start."]
    assert (smile["target"], smile["document"], smile["start"]) == ("document", "D03 session 2.txt", None)
    assert report.memos == 6
    assert report.skipped == {"note ranges outside their text (the note is kept on the whole document)": 1}


def test_maxqda_coding_memos_and_range_memos(project, tmp_path: Path) -> None:
    report = exchange.import_project_qdpx(project, write(tmp_path, "mx.qdpx", maxqda_project()))
    found = memos_by_text(project)
    assert found["Judgement fear, compare with session 3."]["target"] == "coding"
    helped = found["Open question invites repair."]
    assert (helped["target"], helped["start"], helped["end"]) == ("document", *span("What helped?"))
    assert found["Good session overall."]["target"] == "document"
    assert report.codings == 1 and report.memos == 3
    assert report.skipped == {"links between items": 1}

"""Memos come in from QualCoder's and MAXQDA's places (selection descriptions, notes on a range, source and
project descriptions), and the import summary names what it could not carry."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from app.services import exchange, memos
from app.services.memos import memo_listing
from app.services.project import create_project
from tests.shared_samples import SHARED, require_shared
from tests.study import span_of
from tests.study_presets import EXCHANGE_RECALL, exchange_study
from tests.unit.refi_tool_fixtures import maxqda_project, qualcoder_project, span


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def memos_by_text(project) -> dict[str, dict]:
    return {row["text"]: row for row in memo_listing(project)}


def test_fixtures_are_schema_valid() -> None:
    require_shared(SHARED / "Project.xsd")
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


def qualcoder_reads(data: bytes) -> dict[str, list]:
    """What QualCoder's importer (refi.py) takes from an archive: coding memos from selection descriptions,
    document memos from source descriptions, annotations from notes a source references that hold an inner
    selection, journals from named notes with a plainTextPath file."""
    ns = "{urn:QDA-XML:project:1.0}"
    archive = zipfile.ZipFile(BytesIO(data))
    root = etree.fromstring(archive.read("project.qde"))
    found: dict[str, list] = {"coding memos": [], "document memos": [], "annotations": [], "journals": []}
    referenced = {}
    for source in root.iter(f"{ns}TextSource"):
        description = source.find(f"{ns}Description")
        if description is not None and description.text:
            found["document memos"].append((source.get("name"), description.text))
        for selection in source.findall(f"{ns}PlainTextSelection"):
            memo = selection.find(f"{ns}Description")
            if memo is not None and memo.text and selection.find(f"{ns}Coding") is not None:
                found["coding memos"].append(memo.text)
        for ref in source.findall(f"{ns}NoteRef"):
            referenced[ref.get("targetGUID")] = source.get("name")
    for note in root.iter(f"{ns}Note"):
        if note.get("guid") in referenced:
            content, selection = note.find(f"{ns}PlainTextContent"), note.find(f"{ns}PlainTextSelection")
            if content is not None and selection is not None:
                span_ = (int(selection.get("startPosition")), int(selection.get("endPosition")))
                found["annotations"].append((referenced[note.get("guid")], span_, content.text))
        elif note.get("plainTextPath") and note.get("name") != "":
            path = "sources/" + note.get("plainTextPath").split("internal://")[1]
            found["journals"].append((note.get("name"), archive.read(path).decode("utf-8-sig")))
    return found


def test_export_puts_memos_where_qualcoder_reads_them(project, tmp_path: Path) -> None:
    exchange_study(project)
    memos.add_memo(project, "project", text="Second   thoughts\nabout D01")  # no title: named after its text
    read = qualcoder_reads(exchange.export_project_qdpx(project, tmp_path / "out.qdpx").read_bytes())
    assert read["coding memos"] == ["Rupture named directly."]
    assert read["document memos"] == [("D01 recall client", "Calm interview.")]
    assert read["annotations"] == [
        ("D01 recall client", span_of(EXCHANGE_RECALL, "testing whether she would judge me"),
         "Testing = early trust work.")
    ]  # fmt: skip
    assert sorted(read["journals"]) == [
        ("Dyad memo", "Fast alliance."),
        ("Second thoughts about D01", "Second   thoughts\nabout D01"),
        ("Study memo", "Overall impressions."),
        ("Trust memo", "Watch for irony."),
    ]


@pytest.mark.parametrize("tool", ["qualcoder", "maxqda"])
def test_memos_of_other_tools_survive_a_round_trip_through_rapport(
    project, tmp_path: Path, tool: str
) -> None:
    data = qualcoder_project() if tool == "qualcoder" else maxqda_project()
    exchange.import_project_qdpx(project, write(tmp_path, f"{tool}.qdpx", data))
    before = sorted((r["text"], r["target"], r["start"], r["end"]) for r in memo_listing(project))
    out = exchange.export_project_qdpx(project, tmp_path / "again.qdpx")
    with create_project(tmp_path / "copy.rapport") as copy:
        report = exchange.import_project_qdpx(copy, out)
        after = sorted((r["text"], r["target"], r["start"], r["end"]) for r in memo_listing(copy))
    assert after == before and report.skipped == {}


NVIVO = SHARED / "samples" / "nvivo-win12.6_oltas0517.qdpx"


def test_the_summary_says_what_was_converted_and_what_went_elsewhere(project, tmp_path: Path) -> None:
    require_shared(NVIVO)
    report = exchange.import_project_qdpx(project, NVIVO)
    assert report.changed == {
        "positions of selections converted from UTF-16 units (as NVivo for Windows 12.6 counts)": 303
    }
    again = exchange.import_project_qdpx(project, NVIVO)
    assert again.changed["documents renamed (a document of that name was already in the project)"] == 2
    assert again.changed["codings given a new GUID (one with theirs was already in the project)"] == 303


def test_codings_without_a_user_and_memos_without_their_target_are_counted(project, tmp_path: Path) -> None:
    data = qualcoder_project(trust_user=None, rupture_code="4dfba8c9-59f5-4424-99d6-ea9bce18134b")
    report = exchange.import_project_qdpx(project, write(tmp_path, "odd.qdpx", data))
    assert report.skipped["codings of codes missing from the codebook"] == 1
    assert report.changed == {
        "codings without a known coder, given to the coder “Imported from QualCoder 3.6”": 1,
        "memos put on the project (what they were about was not imported)": 1,
    }
    assert memos_by_text(project)["Fear of judgement: early rupture marker."]["target"] == "project"

"""Rapport -> .qdpx -> Rapport keeps every document, turn, code, coding, coder, memo, attribute and set; every
export validates against the official REFI-QDA schemas; codebook merges report what they did."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from app.domain.errors import ImportFailed, OperationCancelled
from app.formats.refi_common import CodeFields, compose_description, parse_description
from app.formats.refi_qdc import read_codebook
from app.services import exchange
from app.services.project import create_project
from app.storage import models as m
from tests.shared_samples import SHARED, require_shared
from tests.study_presets import exchange_study, row_counts

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server

needs_schemas = pytest.mark.usefixtures("refi_schemas")


@pytest.fixture
def refi_schemas() -> None:
    require_shared(SHARED / "Project.xsd")


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SHARED / name)))


def assert_valid(xsd: str, data: bytes) -> None:
    validator = schema(xsd)
    assert validator.validate(etree.fromstring(data)), validator.error_log


def canonical(project) -> dict[str, Any]:
    """The project's content without database ids: what a round trip must keep."""
    with project.read() as s:
        docs = {d.id: d for d in s.scalars(select(m.Document))}
        codes = {c.id: c for c in s.scalars(select(m.Code))}
        coders = {c.id: c for c in s.scalars(select(m.Coder))}
        dyads = {d.id: d for d in s.scalars(select(m.Dyad))}
        people = {p.id: p for p in s.scalars(select(m.Participant))}
        sessions = {x.id: x for x in s.scalars(select(m.Session))}
        codings = {c.id: c for c in s.scalars(select(m.Coding))}
        definitions = {a.id: a for a in s.scalars(select(m.AttributeDefinition))}

        def name(table: dict, key: int | None) -> str | None:
            return table[key].name if key is not None else None

        def guid(table: dict, key: int | None) -> str | None:
            return table[key].guid if key is not None else None

        siblings: dict[int | None, list] = {}
        for code in sorted(codes.values(), key=lambda c: (c.position, c.id)):
            siblings.setdefault(code.parent_id, []).append(code.guid)
        return {
            "documents": {
                d.guid: (
                    d.name,
                    d.text,
                    d.kind,
                    d.perspective,
                    name(dyads, d.dyad_id),
                    sessions[d.session_id].number if d.session_id else None,
                    name(people, d.participant_id),
                    d.text_hash,
                )
                for d in docs.values()
            },
            "turns": sorted(
                (
                    docs[t.document_id].guid,
                    t.start,
                    t.end,
                    t.speaker,
                    t.time_start_ms,
                    t.time_end_ms,
                    t.video_ref_ms,
                )
                for t in s.scalars(select(m.Turn))
            ),
            "codes": {
                c.guid: (
                    c.name,
                    guid(codes, c.parent_id),
                    c.color,
                    c.definition,
                    c.inclusion,
                    c.exclusion,
                    c.example,
                    c.codable,
                    c.shortcut,
                )
                for c in codes.values()
            },
            "code order": {guid(codes, k): v for k, v in siblings.items()},
            "codings": {
                c.guid: (
                    docs[c.document_id].guid,
                    codes[c.code_id].guid,
                    coders[c.coder_id].name,
                    c.start,
                    c.end,
                )
                for c in codings.values()
            },
            "coders": {c.guid: (c.name, c.color) for c in coders.values()},
            "memos": {
                x.guid: (
                    x.target,
                    guid(docs, x.document_id),
                    guid(codes, x.code_id),
                    guid(codings, x.coding_id),
                    name(dyads, x.dyad_id),
                    x.start,
                    x.end,
                    name(coders, x.author_id),
                    x.title,
                    x.text,
                )
                for x in s.scalars(select(m.Memo))
            },
            "dyads": {d.guid: (d.name, d.description) for d in dyads.values()},
            "participants": {p.guid: (p.name, p.role, p.description) for p in people.values()},
            "members": sorted(
                (name(dyads, x.dyad_id), name(people, x.participant_id), x.role)
                for x in s.scalars(select(m.DyadMember))
            ),
            "sessions": sorted(
                (name(dyads, x.dyad_id), x.number, x.date, x.media_path) for x in sessions.values()
            ),
            "attributes": sorted((a.scope, a.name, a.type) for a in definitions.values()),
            "values": sorted(
                (
                    definitions[v.definition_id].name,
                    name(people, v.participant_id),
                    name(dyads, v.dyad_id),
                    v.value,
                )
                for v in s.scalars(select(m.AttributeValue))
            ),
            "sets": sorted(
                (
                    x.guid,
                    x.name,
                    x.description,
                    tuple(
                        sorted(
                            (guid(codes, y.code_id) or "", guid(docs, y.document_id) or "")
                            for y in s.scalars(select(m.SetMember).where(m.SetMember.set_id == x.id))
                        )
                    ),
                )
                for x in s.scalars(select(m.CodeSet))
            ),
        }


@needs_schemas
def test_round_trip_keeps_everything(project, tmp_path: Path) -> None:
    exchange_study(project)
    with project.write() as s:  # a session date and a media file travel too
        session = s.scalars(select(m.Session)).first()
        session.date, session.media_path = "2026-03-01", "videos/d01s1.mp4"
    before = canonical(project)
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    with zipfile.ZipFile(out) as archive:
        assert_valid("Project.xsd", archive.read("project.qde"))
        texts = [n for n in archive.namelist() if n.startswith("sources/")]
        assert len(texts) == 3 + 4  # the documents, and the memos QualCoder reads only from a file
        for entry in texts:
            data = archive.read(entry)
            assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    with create_project(tmp_path / "copy.rapport") as copy:
        report = exchange.import_project_qdpx(copy, out)
        assert report.documents == 3 and report.codings == 4 and report.memos == 6 and report.skipped == {}
        after = canonical(copy)
    for key in before:
        assert after[key] == before[key], key


@needs_schemas
def test_export_is_stable_and_exports_of_other_tools_round_trip(project, tmp_path: Path) -> None:
    exchange_study(project)
    first = exchange.export_codebook_qdc(project, tmp_path / "a.qdc").read_bytes()
    second = exchange.export_codebook_qdc(project, tmp_path / "b.qdc").read_bytes()
    assert first == second  # GUIDs and order are stable across exports
    assert_valid("Codebook.xsd", first)
    codebook = read_codebook(first, "a.qdc")
    trust = codebook.codes[0].children[0]
    fields = parse_description(trust.description)
    assert fields.exclusion == "Politeness alone.\n\nExample:\nnot a heading"
    assert fields.example == '"I started to trust her"'
    assert [s.name for s in codebook.sets] == ["Alliance themes"]


@needs_schemas
def test_empty_project_exports_valid_files(project, tmp_path: Path) -> None:
    exchange.export_project_qdpx(project, tmp_path / "empty.qdpx")
    with zipfile.ZipFile(tmp_path / "empty.qdpx") as archive:
        assert_valid("Project.xsd", archive.read("project.qde"))
    assert_valid("Codebook.xsd", exchange.export_codebook_qdc(project, tmp_path / "e.qdc").read_bytes())


def test_description_layout_round_trips_the_four_fields() -> None:
    cases = [
        CodeFields("Only a definition."),
        CodeFields("Def\nwith lines", "In", "Out", "Ex"),
        CodeFields("", "", "", "Only an example"),
        CodeFields("Definition:\nlooks like a heading", "\\Inclusion:", "x", ""),
    ]
    for fields in cases:
        assert parse_description(compose_description(fields)) == fields
    text = compose_description(CodeFields("Trust.", "Explicit.", "", "“I trust you”"))
    assert text == "Definition:\nTrust.\n\nInclusion:\nExplicit.\n\nExample:\n“I trust you”"
    assert parse_description("Any other tool's description") == CodeFields("Any other tool's description")


def test_codebook_qdc_merge_reports_added_updated_and_left_alone(project, tmp_path: Path) -> None:
    ids = exchange_study(project)
    exported = exchange.export_codebook_qdc(project, tmp_path / "book.qdc")
    with create_project(tmp_path / "other.rapport") as other:
        with other.write() as s:  # the other team already has "Alliance/Trust" under another GUID
            parent = m.Code(name="Alliance", color="#000000")
            s.add(parent)
            s.flush()
            s.add(m.Code(name="trust", parent_id=parent.id, definition="Old wording."))
        report = exchange.import_codebook_qdc(other, exported)
        assert sorted(report.added) == ["Alliance/Rupture", "Other"]
        assert sorted(report.updated) == ["Alliance", "Alliance/trust"]  # paths as the project names them
        assert report.sets == 1
        again = exchange.import_codebook_qdc(other, exported)
        assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 0, 4)
        with other.read() as s:
            trust = s.scalars(select(m.Code).where(m.Code.name == "trust")).one()
            assert trust.definition.startswith("The client voices confidence")
            assert trust.inclusion == "Explicit statements of trust."
    del ids


def test_a_code_renamed_in_the_file_keeps_its_project_name_and_the_report_says_both(
    project, tmp_path: Path
) -> None:
    exchange_study(project)
    first = exchange.export_codebook_qdc(project, tmp_path / "first.qdc")
    with create_project(tmp_path / "other.rapport") as other:
        exchange.import_codebook_qdc(other, first)  # same GUIDs on both sides now
        with project.write() as s:
            s.scalars(select(m.Code).where(m.Code.name == "Trust")).one().name = "Trust and safety"
        renamed = exchange.export_codebook_qdc(project, tmp_path / "renamed.qdc")
        report = exchange.import_codebook_qdc(other, renamed)
        assert "Alliance/Trust (called 'Trust and safety' in the file)" in report.unchanged + report.updated
        with other.read() as s:
            assert s.scalars(select(m.Code.name).where(m.Code.name.like("Trust%"))).all() == ["Trust"]


def test_failed_project_import_changes_nothing(project, tmp_path: Path) -> None:
    exchange_study(project)
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    before = row_counts(project)
    calls = []

    def cancel_after_first_document() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(OperationCancelled):
        exchange.import_project_qdpx(project, out, cancelled=cancel_after_first_document)
    assert row_counts(project) == before
    (tmp_path / "not.qdpx").write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(ImportFailed):
        exchange.import_project_qdpx(project, tmp_path / "not.qdpx")
    assert row_counts(project) == before


def test_reimporting_a_project_adds_copies_without_touching_the_original(project, tmp_path: Path) -> None:
    exchange_study(project)
    before = canonical(project)
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    report = exchange.import_project_qdpx(project, out)
    after = row_counts(project)
    assert (report.documents, report.codes_added, report.coders) == (3, 0, 0)
    assert after["documents"] == 6 and after["codings"] == 8 and after["codes"] == 4
    current = canonical(project)
    for guid, document in before["documents"].items():
        assert current["documents"][guid] == document
    names = sorted(d[0] for d in current["documents"].values())
    assert "D01 session 1 (2)" in names


def test_without_rapports_extension_the_structure_comes_from_variables_and_cases(
    project, tmp_path: Path
) -> None:
    """A file re-saved by another tool loses rapport/extension.json: the standard parts still carry the study."""
    exchange_study(project)
    before = canonical(project)
    out = exchange.export_project_qdpx(project, tmp_path / "study.qdpx")
    stripped = tmp_path / "stripped.qdpx"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(stripped, "w") as target:
        for info in source.infolist():
            if not info.filename.startswith("rapport/"):
                target.writestr(info, source.read(info))
    with create_project(tmp_path / "copy.rapport") as copy:
        exchange.import_project_qdpx(copy, stripped)
        after = canonical(copy)
    assert after["documents"] == before["documents"]  # text, kind, perspective, dyad, session, participant
    assert after["turns"] == before["turns"]  # re-derived by parsing the text
    assert after["codings"] == before["codings"]
    assert after["attributes"] == before["attributes"]
    assert after["values"] == before["values"]
    assert {p[:2] for p in after["participants"].values()} == {p[:2] for p in before["participants"].values()}
    assert ("D01", "C01", "client") in after["members"]  # C01's recall belongs to D01: membership re-derived
    memo_targets = sorted(x[0] for x in after["memos"].values())
    assert memo_targets == [
        "code",
        "coding",
        "document",
        "document",
        "project",
        "project",
    ]  # dyad memo -> project


def _foreign_archive(path: Path) -> Path:
    """What other tools do: `<name>.qde`, a `Sources/` folder, no `internal://`, BOM + CRLF, inline notes."""
    text = "\ufeffInterviewer: Hello.\r\nClient: I trust you 🙂 now.\r\n"
    normalised = text[1:].replace("\r\n", "\n")
    start = normalised.index("I trust")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.5">
 <Users><User guid="00000000-0000-0000-0000-00000000000a" name="Kim"/></Users>
 <CodeBook><Codes><Code guid="00000000-0000-0000-0000-0000000000c1" name="Trust" isCodable="true"/></Codes></CodeBook>
 <Cases><Case guid="00000000-0000-0000-0000-0000000000ca" name="Case 7">
   <SourceRef targetGUID="00000000-0000-0000-0000-0000000000d1"/></Case></Cases>
 <Sources><TextSource guid="00000000-0000-0000-0000-0000000000d1" name="Interview 7" plainTextPath="interview7.txt">
   <PlainTextSelection guid="00000000-0000-0000-0000-0000000000e1" startPosition="{start + 1}" endPosition="{start + 1 + 16}">
     <Coding guid="00000000-0000-0000-0000-0000000000f1" creatingUser="00000000-0000-0000-0000-00000000000a">
       <CodeRef targetGUID="00000000-0000-0000-0000-0000000000c1"/><NoteRef targetGUID="00000000-0000-0000-0000-0000000000b1"/></Coding>
   </PlainTextSelection></TextSource></Sources>
 <Notes><Note guid="00000000-0000-0000-0000-0000000000b1" name="why"><PlainTextContent>Warm tone.</PlainTextContent></Note></Notes>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("qc export.qde", qde)
        archive.writestr("Sources/interview7.txt", text.encode("utf-8"))
    return path


def test_quirks_of_other_tools_are_accepted(project, tmp_path: Path) -> None:
    report = exchange.import_project_qdpx(project, _foreign_archive(tmp_path / "qc.qdpx"))
    assert (report.documents, report.codings, report.memos, report.dyads) == (1, 1, 1, 1)
    with project.read() as s:
        document = s.scalars(select(m.Document)).one()
        coding = s.scalars(select(m.Coding)).one()
        memo = s.scalars(select(m.Memo)).one()
        dyad = s.scalars(select(m.Dyad)).one()
        speakers = [t.speaker for t in s.scalars(select(m.Turn).order_by(m.Turn.start))]
    assert document.text == "Interviewer: Hello.\nClient: I trust you 🙂 now.\n"
    assert document.text[coding.start : coding.end] == "I trust you 🙂 no"  # code points, counted with the CR
    assert (document.kind, document.perspective, dyad.name, document.dyad_id) == (
        "other",
        None,
        "Case 7",
        dyad.id,
    )
    assert (memo.target, memo.coding_id, memo.text) == ("coding", coding.id, "Warm tone.")
    assert speakers == ["Interviewer", "Client"]


def test_nvivo_for_mac_text_is_read_from_the_docx_when_the_txt_is_empty(project, tmp_path: Path) -> None:
    import io

    import docx

    word = docx.Document()
    word.add_paragraph("Therapist: How are you?")
    word.add_paragraph("Client: Better, thanks.")
    buffer = io.BytesIO()
    word.save(buffer)
    guid = "00000000-0000-0000-0000-0000000000d2"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="mac" origin="NVivo for Mac 15.0.0"><Sources>
<TextSource guid="{guid}" name="Session" plainTextPath="internal://{guid}.txt" richTextPath="internal://{guid}.docx"/>
</Sources></Project>"""
    path = tmp_path / "mac.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{guid}.txt", b"\n")
        archive.writestr(f"sources/{guid}.docx", buffer.getvalue())
        archive.writestr("sources/.root", b"")
    exchange.import_project_qdpx(project, path)
    with project.read() as s:
        document = s.scalars(select(m.Document)).one()
        speakers = [t.speaker for t in s.scalars(select(m.Turn).order_by(m.Turn.start))]
    assert document.text == "Therapist: How are you?\nClient: Better, thanks.\n" or document.text.startswith(
        "Therapist: How are you?\nClient: Better, thanks."
    )
    assert speakers == ["Therapist", "Client"]

"""Importing into a real project file: documents, turns, study structure, batches, atomicity, attributes."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import docx
import pytest

from app.domain.errors import ImportFailed, InvalidInput, NotFound, OperationCancelled
from app.services import importing, study
from app.services.changes import Change
from app.services.importing import DocumentMeta, import_attributes, import_files, import_text
from app.services.project import info

pytestmark = pytest.mark.both_backends  # each test runs on a project file and on a server


def dump(path: Path) -> list[str]:
    """Every row of every table (and the schema): equal dumps mean the project file is unchanged."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def write_docx(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


RECALL = "R: What happened here? [video 00:12:31]\r\nC: I felt judged.\r\nR: And here (video 14:02)?\r\nC: Relief.\r\n"


def test_import_text_stores_text_turns_and_structure(project) -> None:
    changes: list[Change] = []
    project.subscribe(changes.append)
    doc = import_text(
        project,
        name="D07 s2 client recall",
        text=RECALL,
        meta=DocumentMeta(dyad="D07", session=2, perspective="client", kind="recall", participant="C07"),
        source_name="D07_s2_client_recall.txt",
    )
    assert (doc.name, doc.turns, doc.chars) == ("D07 s2 client recall", 4, len(RECALL.replace("\r\n", "\n")))
    data = study.get_document(project, "D07 s2 client recall")
    assert data.text == RECALL.replace("\r\n", "\n")
    assert (data.dyad, data.session, data.perspective, data.kind) == ("D07", 2, "client", "recall")
    assert [(t.speaker, t.video_ref_ms) for t in data.turns] == [
        ("R", 751_000),
        ("C", 751_000),
        ("R", 842_000),
        ("C", 842_000),
    ]
    assert data.turns[0].start == 0 and data.turns[-1].end == len(data.text)
    assert changes == [Change(study=True, documents=frozenset({doc.id}))]
    [dyad] = study.list_dyads(project)
    assert (dyad.name, dyad.sessions, dyad.documents, dyad.members) == ("D07", [2], 1, [("C07", "client")])
    with project.read() as session:
        from app.storage.queries import project as project_queries

        assert project_queries.meta(session, "content_version") == "1"


def test_names_are_unique_and_dyads_reused_case_insensitively(project) -> None:
    names = [
        import_text(project, name="Interview", text="T: hi", meta=DocumentMeta(dyad=d)).name
        for d in ("D01", "d01", "D01")
    ]
    assert names == ["Interview", "Interview (2)", "Interview (3)"]
    assert [d.name for d in study.list_dyads(project)] == ["D01"]
    assert [s.name for s in study.list_documents(project)] == names


def test_invalid_metadata_changes_nothing(project, project_path: Path) -> None:
    before = dump(project_path)
    for meta in (
        DocumentMeta(perspective="patient"),
        DocumentMeta(kind="diary"),
        DocumentMeta(session=2),
        DocumentMeta(dyad="D01", session=0),
        DocumentMeta(dyad="D01", session=10**20),
        DocumentMeta(dyad="D02", participant="New person"),  # a new participant needs a role
    ):
        with pytest.raises(InvalidInput):
            import_text(project, name="x", text="T: hi", meta=meta)
    with pytest.raises(InvalidInput, match="has no text"):
        import_text(project, name="x", text="  \n", meta=DocumentMeta())
    with pytest.raises(InvalidInput, match="NUL characters"):
        import_text(project, name="x", text="T: a\x00b", meta=DocumentMeta())
    assert dump(project_path) == before


def test_batch_with_bad_files_imports_the_others(project, tmp_path: Path) -> None:
    good_txt = tmp_path / "D01_s1_client_recall.txt"
    good_txt.write_bytes("R: “Here” – [video 00:01:00]\r\nC: yes\r\n".encode("cp1252"))
    good_docx = write_docx(tmp_path / "D01_s1_therapist.docx", "Therapist: hello", "Client: hi")
    good_vtt = tmp_path / "D02_S3_session.vtt"
    good_vtt.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v T>Hi\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(good_docx.read_bytes()[:300])
    bad_time = tmp_path / "bad.srt"
    bad_time.write_text("1\n00:00:01,000 --> 00:0x:02,000\nHi\n", encoding="utf-8")
    steps: list[tuple[int, int, str]] = []

    report = import_files(
        project,
        [good_txt, empty, good_docx, corrupt, tmp_path / "missing.txt", bad_time, good_vtt],
        progress=lambda *step: steps.append(step),
    )
    assert [d.name for d in report.documents] == [
        "D01_s1_client_recall",
        "D01_s1_therapist",
        "D02_S3_session",
    ]
    assert [Path(f.path).name for f in report.failures] == [
        "empty.txt",
        "corrupt.docx",
        "missing.txt",
        "bad.srt",
    ]
    assert all(Path(f.path).name in f.reason for f in report.failures)
    assert "4 of 7 files failed" in report.summary()
    assert steps[0] == (0, 8, "Reading D01_s1_client_recall.txt") and steps[-1] == (8, 8, "Done")
    docs = {d.name: d for d in study.list_documents(project)}
    assert (docs["D01_s1_client_recall"].perspective, docs["D01_s1_client_recall"].kind) == (
        "client",
        "recall",
    )
    assert (docs["D02_S3_session"].dyad, docs["D02_S3_session"].session) == ("D02", 3)
    text = study.get_document(project, "D01_s1_client_recall").text
    assert text == "R: “Here” – [video 00:01:00]\nC: yes\n"
    assert study.get_document(project, "D01_s1_therapist").source_name == "D01_s1_therapist.docx"


def test_the_same_file_twice_in_a_batch_gets_a_second_name(project, tmp_path: Path) -> None:
    path = tmp_path / "D01_s1_session.txt"
    path.write_text("T: hi\n", encoding="utf-8")
    report = import_files(project, [path, path])
    assert [d.name for d in report.documents] == ["D01_s1_session", "D01_s1_session (2)"]
    assert [d.sessions for d in study.list_dyads(project)] == [[1]]


def test_a_batch_of_only_bad_files_leaves_the_project_unchanged(project, project_path, tmp_path) -> None:
    import_text(project, name="existing", text="T: hi", meta=DocumentMeta(dyad="D01"))
    before, counts = dump(project_path), info(project)
    secret = tmp_path / "secret.docx"
    secret.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
    )
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    big = tmp_path / "big.txt"
    big.write_bytes(b"T: words\n" * 200)
    report = import_files(project, [secret, binary, big], max_bytes=1000)
    assert report.documents == []
    assert [f.reason for f in report.failures] == [
        "secret.docx is password-protected; remove the password in Word (File > Info) and import again.",
        "binary.txt is not a text file (it contains binary data).",
        "big.txt is too large to import (1,800 bytes; the limit is 1,000 bytes).",
    ]
    assert info(project) == counts
    assert dump(project_path) == before


def test_a_file_failing_while_stored_is_rolled_back_alone(project, project_path, tmp_path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("T: hi")
    two = tmp_path / "two.txt"
    two.write_text("T: hello")
    metas = {
        str(one): DocumentMeta(dyad="D01"),
        str(two): DocumentMeta(dyad="D99", session=1, participant="P99"),  # new participant, no role
    }
    report = import_files(project, [one, two], metas)
    assert [d.name for d in report.documents] == ["one"]
    assert "two.txt" in report.failures[0].reason and "perspective" in report.failures[0].reason
    assert [d.name for d in study.list_dyads(project)] == ["D01"]  # D99 was created, then rolled back
    assert info(project).sessions == 0


def test_cancelling_a_batch_changes_nothing(project, project_path, tmp_path) -> None:
    paths = []
    for number in range(3):
        path = tmp_path / f"D0{number}_s1.txt"
        path.write_text("T: hi\nC: ok\n")
        paths.append(path)
    before = dump(project_path)
    calls = iter(range(100))
    with pytest.raises(OperationCancelled):
        import_files(project, paths, cancelled=lambda: next(calls) >= 5)  # during the saving phase
    assert dump(project_path) == before


def test_guess_meta_from_file_names() -> None:
    assert importing.guess_meta("/x/D07_s2_client_recall.docx") == DocumentMeta("D07", 2, "client", "recall")
    assert importing.guess_meta("Dyad 3 - Session 1 - therapist.txt") == DocumentMeta(
        "D3", 1, "therapist", "session"
    )
    assert importing.guess_meta("d12-S02-T-recall.vtt") == DocumentMeta("D12", 2, "therapist", "recall")
    assert importing.guess_meta("pair4_sess3_notes.txt") == DocumentMeta("P4", 3, None, "note")
    assert importing.guess_meta("interview.txt") == DocumentMeta()
    assert importing.guess_meta("T.txt") == DocumentMeta()  # a lone letter is not a perspective


SHEET = (
    "ID;Role;Dyad;Age;Gender;Years of practice;Married;Intake;Score;dyad:Outcome\r\n"
    "C07;client;D07;34;f;;yes;2024-03-01;3.5;improved\r\n"
    "T02;therapist;D07;51;m;20;no;01.02.2024;4;improved\r\n"
    "C08;C;D08;29;d;;no;2024-03-09;2,5;unchanged\r\n"
)


def test_import_attributes_infers_types_and_links_dyads(project, tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    path.write_bytes(SHEET.encode("cp1252"))
    report = import_attributes(project, path)
    assert (report.participants, report.dyads) == (3, 2)
    assert report.attributes == {
        "Age": "integer",
        "Gender": "text",
        "Years of practice": "integer",
        "Married": "boolean",
        "Intake": "date",
        "Score": "float",
        "dyad:Outcome": "text",
    }
    people = {p.name: p for p in study.list_participants(project)}
    assert people["T02"].role == "therapist" and people["T02"].dyads == ["D07"]
    assert people["C07"].attributes == {
        "Age": "34",
        "Gender": "f",
        "Married": "true",
        "Intake": "2024-03-01",
        "Score": "3.5",
    }
    assert people["T02"].attributes["Intake"] == "2024-02-01"
    assert people["C08"].attributes["Score"] == "2.5"
    dyads = {d.name: d for d in study.list_dyads(project)}
    assert dyads["D07"].attributes == {"Outcome": "improved"}
    assert sorted(dyads["D07"].members) == [("C07", "client"), ("T02", "therapist")]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_attribute_sheet_separators(project, tmp_path: Path, separator: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        separator.join(["id", "role", "age"]) + "\n" + separator.join(["C1", "client", "3"]) + "\n"
    )
    assert import_attributes(project, path).attributes == {"age": "integer"}
    assert study.list_participants(project)[0].attributes == {"age": "3"}


def test_attribute_sheet_errors_change_nothing(project, project_path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("id,role,age\nC01,client,30\n", encoding="utf-8")
    import_attributes(project, first)
    before = dump(project_path)
    cases = {
        "no_role.csv": ("id,age\nC01,30\n", "needs columns 'id' and 'role'"),
        "bad_role.csv": ("id,role\nC01,client\nX,boss\n", r"bad_role.csv, line 3: 'boss' is not a role"),
        "bad_type.csv": (
            "id,role,age\nC02,client,thirty\n",
            r"bad_type.csv, line 2: age: 'thirty' is not a valid",
        ),
        "conflict.csv": (
            "id,role,dyad,dyad:group\nC1,client,D1,a\nT1,therapist,D1,b\n",
            "dyad D1 has group 'a' on line 2",
        ),
        "empty_id.csv": ("id,role\n,client\n", "participant id is empty"),
        "header_only.csv": ("id,role\n", "at least one participant row"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ImportFailed, match=message):
            import_attributes(project, path)
    with pytest.raises(ImportFailed, match=r"must be \.csv"):
        import_attributes(project, tmp_path / "sheet.xlsx")
    assert dump(project_path) == before


def test_set_participant_attributes_and_lookups(project) -> None:
    study.add_participant(project, "C01", "client", dyad="D01")
    study.set_participant_attributes(project, "C01", {"age": 40, "veteran": True, "note": "x"})
    study.set_participant_attributes(project, "C01", {"note": ""})  # empty clears
    [person] = study.list_participants(project)
    assert person.attributes == {"age": "40", "veteran": "true"}
    assert study.attribute_types(project) == {"age": "integer", "note": "text", "veteran": "boolean"}
    study.set_dyad_attributes(project, "D01", {"group": "A"})
    assert study.list_dyads(project)[0].attributes == {"group": "A"}
    with pytest.raises(InvalidInput):
        study.set_participant_attributes(project, "C01", {"age": "old"})
    with pytest.raises(NotFound):
        study.get_document(project, "nothing")

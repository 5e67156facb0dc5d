"""`import`, `import-attributes`, `documents`, `turns` and `text` in-process through the CLI entry function (contract: CLI.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from tests.cli_runner import BinaryCliResult
from tests.cli_runner import rapport_binary as rapport


def as_json(result: BinaryCliResult):
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout.decode("utf-8"))


@pytest.fixture
def cli_project(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    assert rapport("new", path).returncode == 0
    return path


TEXT = "[00:00:01] Therapist: “Welcome” – take a seat 😀\r\nClient: Thanks…\r\n\r\nTherapist: So.\r\n"


def test_import_then_documents_turns_and_text_exactly(cli_project: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "D07_s2_client_recall.txt"
    transcript.write_bytes(TEXT.encode("utf-16"))
    document = docx.Document()
    document.add_paragraph("Therapist: hello [video 00:12:31]")
    document.add_paragraph("Client: hi")
    buffer = io.BytesIO()
    document.save(buffer)
    word = tmp_path / "notes.docx"
    word.write_bytes(buffer.getvalue())

    imported = as_json(rapport("import", cli_project, transcript, word, "--json"))
    expected_text = TEXT.replace("\r\n", "\n")
    assert imported == {
        "documents": [
            {"id": 1, "name": "D07_s2_client_recall", "turns": 3, "chars": len(expected_text)},
            {"id": 2, "name": "notes", "turns": 2, "chars": 44},
        ]
    }
    listed = as_json(rapport("documents", cli_project, "--json"))
    assert listed == [
        {
            "id": 1,
            "name": "D07_s2_client_recall",
            "dyad": "D07",
            "session": 2,
            "perspective": "client",
            "kind": "recall",
            "turns": 3,
            "chars": len(expected_text),
        },
        {
            "id": 2,
            "name": "notes",
            "dyad": None,
            "session": None,
            "perspective": None,
            "kind": "note",
            "turns": 2,
            "chars": 44,
        },
    ]
    turns = as_json(rapport("turns", cli_project, "D07_s2_client_recall", "--json"))
    assert turns[0] == {
        "start": 0,
        "end": expected_text.index("Client"),
        "speaker": "Therapist",
        "time_start_ms": 1000,
        "time_end_ms": None,
        "video_ref_ms": None,
    }
    assert [t["speaker"] for t in turns] == ["Therapist", "Client", "Therapist"]
    assert turns[-1]["end"] == len(expected_text)
    assert as_json(rapport("turns", cli_project, "2", "--json"))[1]["video_ref_ms"] == 751_000

    text = rapport("text", cli_project, "1")
    assert text.returncode == 0 and text.stdout == expected_text.encode("utf-8")
    readable = rapport("turns", cli_project, "1")
    assert b"00:00:01" in readable.stdout and b"Therapist" in readable.stdout


def test_flags_override_the_guess(cli_project: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "D07_s2_client_recall.srt"
    transcript.write_text("1\n00:00:01,000 --> 00:00:02,500\nT: Hello\nthere\n", encoding="utf-8")
    as_json(
        rapport(
            "import",
            cli_project,
            transcript,
            "--dyad",
            "D09",
            "--perspective",
            "therapist",
            "--kind",
            "session",
            "--json",
        )
    )
    [row] = as_json(rapport("documents", cli_project, "--json"))
    assert (row["dyad"], row["session"], row["perspective"], row["kind"]) == (
        "D09",
        2,  # the session guessed from the name is kept; only the flags given replace the guess
        "therapist",
        "session",
    )
    [turn] = as_json(rapport("turns", cli_project, "1", "--json"))
    assert (turn["speaker"], turn["time_start_ms"], turn["time_end_ms"]) == ("T", 1000, 2500)


def test_bad_file_exit_1_one_line_and_nothing_changed(cli_project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.docx"
    secret.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le")
    )
    before = cli_project.read_bytes()
    result = rapport("import", cli_project, secret, "--json")
    assert result.returncode == 1
    assert result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert lines == [
        "rapport: secret.docx is password-protected; remove the password in Word (File > Info) "
        "and import again."
    ]
    assert as_json(rapport("documents", cli_project, "--json")) == []
    assert cli_project.read_bytes() == before


def test_batch_with_one_bad_file(cli_project: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("T: hi\n", encoding="utf-8")
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:01.000 --> 00:xx.000\nHi\n", encoding="utf-8")
    result = rapport("import", cli_project, bad, good, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"documents": [{"id": 1, "name": "good", "turns": 1, "chars": 6}]}
    stderr = result.stderr.decode().strip()
    assert "\n" not in stderr and "1 of 2 files failed" in stderr and "bad.vtt, line 3" in stderr
    assert [d["name"] for d in as_json(rapport("documents", cli_project, "--json"))] == ["good"]


def test_session_without_dyad_is_a_user_error(cli_project: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "interview.txt"
    transcript.write_text("T: hi\n", encoding="utf-8")
    result = rapport("import", cli_project, transcript, "--session", "3")
    assert result.returncode == 1
    assert (
        result.stderr.decode().strip()
        == "rapport: interview.txt: A session number needs a dyad: give the dyad too."
    )


def test_usage_errors_exit_2(cli_project: Path, tmp_path: Path) -> None:
    assert rapport("import", cli_project, tmp_path / "x.txt", "--perspective", "patient").returncode == 2
    assert rapport("import", cli_project, tmp_path / "x.txt", "--session", "zero").returncode == 2
    missing = rapport("text", cli_project, "nope")
    assert missing.returncode == 1 and b"no document 'nope'" in missing.stderr


def test_import_attributes(cli_project: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "id,role,dyad,age,dyad:group\nC1,client,D1,30,A\nT1,therapist,D1,45,A\n", encoding="utf-8"
    )
    data = as_json(rapport("import-attributes", cli_project, sheet, "--json"))
    assert data == {"participants": 2, "dyads": 1, "attributes": {"age": "integer", "dyad:group": "text"}}
    info = as_json(rapport("info", cli_project, "--json"))
    assert (info["participants"], info["dyads"]) == (2, 1)

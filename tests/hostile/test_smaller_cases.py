"""The smaller cases of issue 17: a FIFO named .txt, UTF-16 without a BOM, names with control characters,
backups before CLI imports and merges."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from app.formats.text_file import decode_text
from tests.cli_runner import rapport
from tests.hostile.conftest import snapshot


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    assert rapport("new", path).returncode == 0
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_named_txt_is_refused_not_waited_on(study: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "session.txt"
    os.mkfifo(fifo)
    before = snapshot(study)
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(rapport("import", study, fifo)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():  # unblock the hung reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        worker.join()
        pytest.fail("import waited on a named pipe")
    result = outcome[0]
    assert result.returncode == 1 and "not an ordinary file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(study) == before


@pytest.mark.parametrize(
    "text",
    [
        "Therapist: How are you?\nClient: Fine, thanks.\n",
        "Терапевт: Как вы?\nКлиент: Хорошо, спасибо.\n",
        "Θεραπευτής: Πώς είστε;\nΠελάτης: Καλά.\n",
        "治疗师：你好吗？\n来访者：很好。\n",
    ],
)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected(text: str, encoding: str) -> None:
    decoded = decode_text(text.encode(encoding), "t.txt")
    assert decoded.text == text and decoded.encoding == encoding


def test_a_name_with_control_characters_is_found_as_typed(study: Path) -> None:
    typed = "Worry\tabout\x01 sleep"
    added = rapport("add-code", study, typed, "--json").json()
    assert added["name"] == "Worry about sleep"
    found = [c["name"] for c in rapport("codes", study, "--json").json()]
    assert found == ["Worry about sleep"]
    source = study.parent / "s.txt"
    source.write_text("Client: I worry.\n", encoding="utf-8")
    assert rapport("import", study, source).returncode == 0
    coded = rapport("code", study, "--document", "s", "--code", typed, "--start", "0", "--end", "6")
    assert coded.returncode == 0, coded.stderr


def test_import_refi_from_the_cli_takes_a_backup_first(study: Path, tmp_path: Path) -> None:
    codebook = tmp_path / "codes.qdc"
    codebook.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="aaaaaaaa-2222-3333-4444-555555555555" name="Trust" isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    result = rapport("import-refi", study, codebook, "--json").json()
    assert Path(result["backup"]).is_file()


def test_merge_from_the_cli_takes_a_backup_first_and_a_dry_run_none(tmp_path: Path) -> None:
    from tests.cli.test_team_cli import add_coding, make_study

    project = tmp_path / "study.rapport"
    make_study(project)
    sent = rapport("send-out", project, "--coders", "Ana", "--folder", tmp_path, "--json").json()
    add_coding(Path(sent["copies"][0]), "Ana")
    dry = rapport("merge", project, *sent["copies"], "--dry-run", "--json").json()
    assert "backup" not in dry
    merged = rapport("merge", project, *sent["copies"], "--json").json()
    assert merged["added_codings"] == {"Ana": 1}
    assert Path(merged["backup"]).is_file()

"""`rapport encrypt / decrypt / change-passphrase`, and the passphrase from RAPPORT_PASSPHRASE or a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import protection
from tests.cli_runner import rapport

PASSPHRASE = "cli passphrase 22"


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("RAPPORT_PASSPHRASE", "RAPPORT_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    yield
    protection.forget_passphrases()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.rapport"
    assert rapport("new", path).returncode == 0
    transcript = tmp_path / "D01_s1_session.txt"
    transcript.write_text("Client: The quokka incident still haunts me.\nTherapist: Tell me more.\n", "utf-8")
    assert rapport("import", path, transcript, "--dyad", "D01", "--session", "1").returncode == 0
    return path


def one_line_error(result) -> str:
    assert result.returncode == 1, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def test_encrypt_then_every_command_needs_the_passphrase(study: Path, tmp_path: Path, monkeypatch) -> None:
    assert "RAPPORT_PASSPHRASE" in one_line_error(rapport("encrypt", study))
    monkeypatch.setenv("RAPPORT_PASSPHRASE", PASSPHRASE)
    assert rapport("encrypt", study, "--json").json()["encrypted"] is True
    assert b"quokka" not in study.read_bytes()
    monkeypatch.delenv("RAPPORT_PASSPHRASE")
    assert "encrypted" in one_line_error(rapport("info", study))
    monkeypatch.setenv("RAPPORT_PASSPHRASE", "the wrong one")
    message = one_line_error(rapport("search", study, "quokka"))
    assert "passphrase does not open" in message and "damaged" not in message
    monkeypatch.delenv("RAPPORT_PASSPHRASE")
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert rapport("info", study, "--json", "--passphrase-file", secret).json()["documents"] == 1
    hits = rapport("search", study, "quokka", "--json", "--passphrase-file", secret).json()
    assert hits["total"] == 1
    assert "already encrypted" in one_line_error(rapport("encrypt", study, "--passphrase-file", secret))


def test_decrypt_and_change_passphrase(study: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RAPPORT_PASSPHRASE", PASSPHRASE)
    rapport("encrypt", study).json  # noqa: B018 - run it
    assert rapport("encrypt", tmp_path / "missing.rapport").returncode == 1
    out = tmp_path / "plain copy.rapport"
    assert rapport("decrypt", study, "--out", out, "--json").json() == {
        "encrypted": False, "project": str(study), "out": str(out),
    }  # fmt: skip
    assert b"quokka" in out.read_bytes()
    assert "already exists" in one_line_error(rapport("decrypt", study, "--out", out))
    assert "RAPPORT_NEW_PASSPHRASE" in one_line_error(rapport("change-passphrase", study))
    monkeypatch.setenv("RAPPORT_NEW_PASSPHRASE", "short")
    assert "8 characters" in one_line_error(rapport("change-passphrase", study))
    monkeypatch.setenv("RAPPORT_NEW_PASSPHRASE", "a brand new passphrase")
    assert rapport("change-passphrase", study, "--json").json()["encrypted"] is True
    assert "passphrase does not open" in one_line_error(rapport("info", study))
    monkeypatch.setenv("RAPPORT_PASSPHRASE", "a brand new passphrase")
    actions = [e["action"] for e in rapport("audit", study, "--json").json()]
    assert actions[-3:] == ["encrypt", "decrypt", "change-passphrase"]
    assert rapport("audit", study, "--verify").returncode == 0
    # the decrypted copy carries the log up to its own making, and opens without a passphrase
    monkeypatch.delenv("RAPPORT_PASSPHRASE")
    assert [e["action"] for e in rapport("audit", out, "--json").json()][-1] == "decrypt"

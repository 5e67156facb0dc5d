"""Encrypted projects: nothing readable in any file Rapport writes; wrong passphrases refused; backups follow."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import NotARapportProject, PassphraseRequired, WrongPassphrase
from app.paths import user_cache_dir, user_data_dir
from app.services import backups, protection, search
from app.services.project import create_project, info, open_project
from app.storage import cipher, migrate
from tests.unit.protected_study import files_rapport_writes, fill, readable_in, secret_words, unique_sentences

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def _no_passphrases(monkeypatch):
    monkeypatch.delenv("RAPPORT_PASSPHRASE", raising=False)
    protection.forget_passphrases()
    yield
    protection.forget_passphrases()


def everything_written(project_folder: Path) -> list[Path]:
    return files_rapport_writes(project_folder, user_data_dir(), user_cache_dir())


def test_nothing_readable_in_any_file_of_an_encrypted_project(tmp_path: Path) -> None:
    sentences = unique_sentences()
    words = secret_words(sentences)
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "clinic.rapport"
    with create_project(path, passphrase=PASSPHRASE) as project:
        fill(project, tmp_path / "sources", sentences)
        hits = search.search(project, words[0])
        assert hits.total >= 1  # the search works, and its index is somewhere
        backups.make_backup(project, reason="test")
        assert Path(str(path) + "-wal").exists()  # checked while the WAL is live, too
        files = everything_written(folder)
        assert any(p.name.endswith("-wal") for p in files)
        assert readable_in(files, words) == []
    files = everything_written(folder)
    assert readable_in(files, words) == []
    assert all(cipher.is_encrypted(b.path) for b in backups.backups_for_path(path))
    # and the same words are readable in a plain project: the check above can see a leak
    plain = folder / "plain.rapport"
    with create_project(plain) as project:
        fill(project, tmp_path / "sources2", sentences, participant="P02")
    assert readable_in([plain], words)


def test_encrypting_a_plain_project_encrypts_its_backups_and_drops_the_plain_index(tmp_path: Path) -> None:
    sentences = unique_sentences()
    words = secret_words(sentences)
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "study.rapport"
    with create_project(path) as project:
        fill(project, tmp_path / "sources", sentences)
        search.search(project, words[0])
        backups.make_backup(project, reason="before")
    assert readable_in(everything_written(folder), words)  # plain so far
    report = protection.encrypt_project(path, PASSPHRASE)
    assert report["encrypted"] and report["backups_encrypted"] >= 1
    assert readable_in(everything_written(folder), words) == []
    protection.forget_passphrases()
    with pytest.raises(PassphraseRequired):
        open_project(path)
    protection.remember_passphrase(path, PASSPHRASE)
    with open_project(path) as project:
        assert info(project).documents == 2
        assert search.search(project, words[0]).total >= 1


def test_wrong_or_missing_passphrase_is_refused_and_never_called_damage(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.rapport"
    create_project(path, passphrase=PASSPHRASE).close()
    protection.forget_passphrases()
    before = path.read_bytes()
    with pytest.raises(PassphraseRequired) as missing:
        open_project(path)
    assert "RAPPORT_PASSPHRASE" in str(missing.value)
    monkeypatch.setenv("RAPPORT_PASSPHRASE", "not the passphrase")
    for read_only in (False, True):
        with pytest.raises(WrongPassphrase) as wrong:
            open_project(path, read_only=read_only)
        assert "damaged" not in str(wrong.value)
    assert path.read_bytes() == before
    monkeypatch.setenv("RAPPORT_PASSPHRASE", PASSPHRASE)
    with open_project(path) as project:
        assert info(project).documents == 0


def test_a_text_file_is_still_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "notes.rapport"
    path.write_text("just some notes", encoding="utf-8")
    with pytest.raises(NotARapportProject):
        open_project(path)


def test_decrypt_writes_a_plain_copy_and_change_passphrase_rekeys_backups(tmp_path: Path) -> None:
    sentences = unique_sentences()
    path = tmp_path / "s.rapport"
    with create_project(path, passphrase=PASSPHRASE) as project:
        fill(project, tmp_path / "sources", sentences)
        backup = backups.make_backup(project, reason="test")
    out = tmp_path / "plain.rapport"
    protection.decrypt_project(path, out)
    assert not cipher.is_encrypted(out) and cipher.is_encrypted(path)
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    report = protection.change_passphrase(path, "a new passphrase")
    assert report["backups_rekeyed"] >= 1
    with pytest.raises(WrongPassphrase):
        cipher.open_encrypted(path, PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        cipher.open_encrypted(backup, PASSPHRASE)
    cipher.open_encrypted(backup, "a new passphrase").close()
    protection.forget_passphrases()
    protection.remember_passphrase(path, "a new passphrase")
    with open_project(path) as project:
        assert info(project).documents == 2


def test_an_encrypted_project_from_an_older_rapport_is_backed_up_encrypted_and_upgraded(
    tmp_path: Path,
) -> None:
    from tests.unit.test_storage_migrations import make_old_project

    plain = tmp_path / "old-plain.rapport"
    make_old_project(plain, "0003_coding_anchors")
    path = tmp_path / "old.rapport"
    cipher.encrypt_file(plain, path, PASSPHRASE)
    protection.remember_passphrase(path, PASSPHRASE)
    with open_project(path) as project:
        assert info(project).schema == migrate.head_revision() and info(project).documents == 1
        backup = project.upgraded_from_backup
    assert backup is not None and cipher.is_encrypted(backup) and cipher.is_encrypted(path)


def test_restoring_a_backup_of_an_encrypted_project_keeps_it_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "s.rapport"
    with create_project(path, passphrase=PASSPHRASE) as project:
        fill(project, tmp_path / "sources", unique_sentences())
        backup = backups.make_backup(project, reason="test")
    saved = backups.restore_backup(backup, path)
    assert saved is not None and cipher.is_encrypted(saved)
    assert cipher.is_encrypted(path)
    with open_project(path) as project:
        assert info(project).documents == 2


def test_a_zeroed_or_text_file_is_not_taken_for_an_encrypted_project(tmp_path: Path) -> None:
    zeroed = tmp_path / "zeroed.rapport"
    zeroed.write_bytes(b"\0" * 8192)
    text = tmp_path / "text.rapport"
    text.write_bytes(b"notes " * 4096)
    for path in (zeroed, text):
        assert not cipher.is_encrypted(path)
        with pytest.raises(NotARapportProject):
            open_project(path)


@pytest.mark.real_key_derivation
def test_an_encrypted_project_opens_in_stock_sqlcipher_4_with_its_passphrase(tmp_path: Path) -> None:
    """The shipped key derivation is SQLCipher 4's default, so other SQLCipher tools open the file (the
    rest of the suite derives keys with fewer rounds, see tests/suite_settings.py)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    assert cipher.KDF_ITERATIONS == 256_000
    path = tmp_path / "clinic.rapport"
    create_project(path, passphrase=PASSPHRASE).close()
    protection.forget_passphrases()
    connection = sqlcipher.connect(str(path))
    try:
        connection.execute(f"PRAGMA key = '{PASSPHRASE}'")
        marker = connection.execute("SELECT value FROM project_meta WHERE key = 'application'").fetchone()
    finally:
        connection.close()
    assert marker == ("rapport",)

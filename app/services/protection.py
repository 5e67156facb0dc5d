"""Protected projects: encrypt a project at rest, decrypt a copy, change the passphrase.

Encryption is SQLCipher 4 (AES-256 in CBC mode with an HMAC-SHA512 per page, PBKDF2-HMAC-SHA512 key
derivation). Everything Rapport derives from an encrypted project is encrypted too or not written: its WAL,
its backups (those taken before it was encrypted are encrypted when it is), and the search index (kept out
of the cache folder while the project is encrypted). Passphrases stay in memory (see storage/cipher.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

from app import paths
from app.domain.errors import InvalidInput
from app.services import audit, server_limits
from app.services import backups as backup_service
from app.services.project import Project, open_project
from app.storage import cipher

NEW_PASSPHRASE_ENV = "RAPPORT_NEW_PASSPHRASE"


# -- passphrases (the CLI and the window hand them over here) ---------------------------------------------


def is_encrypted(path: Path | str) -> bool:
    return cipher.is_encrypted(Path(path))


def remember_passphrase(path: Path | str, passphrase: str) -> None:
    cipher.remember_passphrase(Path(path), passphrase)


def use_passphrase_file(path: Path | str | None) -> None:
    """The passphrase of this run's projects, from a file (the CLI's --passphrase-file)."""
    cipher.use_passphrase(cipher.read_passphrase_file(Path(path)) if path else None)


def forget_passphrases() -> None:
    """Forget every passphrase this process was given (a new CLI run starts from nothing)."""
    cipher.use_passphrase(None)
    cipher.forget_all()


def passphrase_given(path: Path | str) -> bool:
    return bool(cipher.given_passphrase(Path(path)))


def new_passphrase(
    path: Path | str, *, file: Path | str | None = None, env: str = cipher.ENV_PASSPHRASE
) -> str:
    """The passphrase a project is to be encrypted with: from `file`, else from the environment."""
    if file:
        passphrase = cipher.read_passphrase_file(Path(file))
    else:
        passphrase = os.environ.get(env, "")
        if not passphrase:
            raise InvalidInput(
                f"Give the passphrase for {Path(path).name} in {env} or with a passphrase file."
            )
    return cipher.check_new_passphrase(passphrase)


# -- operations -------------------------------------------------------------------------------------------


def encrypt_project(path: Path | str, passphrase: str, *, coder: str | None = None) -> dict[str, Any]:
    """Encrypt a plain project in place, with its backups; the plain search index is thrown away."""
    server_limits.refuse_on_server(path, server_limits.ENCRYPTION)
    path = Path(path)
    cipher.check_new_passphrase(passphrase)
    if cipher.is_encrypted(path):
        raise InvalidInput(f"{path.name} is already encrypted.")
    project = open_project(path)
    try:
        audit.record_event(project, "encrypt", {"cipher": "SQLCipher 4, AES-256"}, coder)
        project_id = project.project_id
        old_backups = [info.path for info in backup_service.list_backups(project)]
        project.engine.dispose()  # the lock stays held until the file is replaced
        cipher.checkpoint(path)
        work = path.with_name(path.name + ".encrypting")
        try:
            cipher.encrypt_file(path, work, passphrase)
            _replace_shredding(work, path)
        finally:
            work.unlink(missing_ok=True)
        cipher.remember_passphrase(path, passphrase)
    finally:
        project.close()
    encrypted_backups = 0
    for backup in [*old_backups, *_upgrade_backups(path)]:
        if backup.exists() and not cipher.is_encrypted(backup):
            _encrypt_in_place(backup, passphrase)
            encrypted_backups += 1
    if project_id:  # the plain search index an older Rapport kept in the cache folder
        shutil.rmtree(paths.user_cache_dir() / "search" / project_id, ignore_errors=True)
    return {"encrypted": True, "project": str(path), "backups_encrypted": encrypted_backups}


def decrypt_project(path: Path | str, out: Path | str, *, coder: str | None = None) -> dict[str, Any]:
    """Write a plain copy of an encrypted project to `out` (the project itself stays encrypted)."""
    server_limits.refuse_on_server(path, server_limits.ENCRYPTION)
    path = Path(path)
    if not cipher.is_encrypted(path):
        raise InvalidInput(f"{path.name} is not encrypted.")
    _check_new_file(Path(out))
    with contextlib.closing(open_project(path)) as project:
        return write_decrypted_copy(project, out, coder=coder)


def write_decrypted_copy(project: Project, out: Path | str, *, coder: str | None = None) -> dict[str, Any]:
    """A plain copy of an open encrypted project (recorded in its audit log first, so the copy shows it)."""
    server_limits.refuse_on_server(project, server_limits.ENCRYPTION)
    out = Path(out)
    if not cipher.is_encrypted(project.path):
        raise InvalidInput(f"{project.path.name} is not encrypted.")
    _check_new_file(out)
    audit.record_event(project, "decrypt", {"to": str(out.resolve())}, coder)
    connection, passphrase = cipher.open_with_any(project.path, read_only=True)
    connection.close()
    work = out.with_name(out.name + ".partial")
    try:
        cipher.decrypt_file(project.path, work, passphrase)
        os.replace(work, out)
    finally:
        work.unlink(missing_ok=True)
    return {"encrypted": False, "project": str(project.path), "out": str(out)}


def check_passphrase(path: Path | str, passphrase: str) -> bool:
    """True when `passphrase` opens the encrypted project (it is then remembered for this run)."""
    try:
        cipher.open_encrypted(Path(path), passphrase, read_only=True).close()
    except cipher.WrongPassphrase:
        return False
    cipher.remember_passphrase(Path(path), passphrase)
    return True


def _check_new_file(out: Path) -> None:
    if out.exists():
        raise InvalidInput(f"{out} already exists; choose a new file name.")
    if not out.parent.is_dir():
        raise InvalidInput(f"The folder {out.parent} does not exist.")


def change_passphrase(path: Path | str, new: str, *, coder: str | None = None) -> dict[str, Any]:
    """Re-encrypt a project (and its backups) under a new passphrase; the current one must open it."""
    server_limits.refuse_on_server(path, server_limits.ENCRYPTION)
    path = Path(path)
    cipher.check_new_passphrase(new)
    if not cipher.is_encrypted(path):
        raise InvalidInput(f"{path.name} is not encrypted; encrypt it first.")
    project = open_project(path)
    try:
        audit.record_event(project, "change-passphrase", {}, coder)
        old_backups = [info.path for info in backup_service.list_backups(project)]
        project.engine.dispose()
        connection, old = cipher.open_with_any(path, read_only=True)
        connection.close()
        cipher.checkpoint(path)
        work = path.with_name(path.name + ".rekeying")
        try:
            cipher.rekey_file(path, work, old, new)
            os.replace(work, path)
        finally:
            work.unlink(missing_ok=True)
        cipher.remember_passphrase(path, new)
    finally:
        project.close()
    rekeyed = 0
    for backup in [*old_backups, *_upgrade_backups(path)]:
        if backup.exists() and cipher.is_encrypted(backup):
            with contextlib.suppress(cipher.WrongPassphrase):
                _rekey_in_place(backup, old, new)
                rekeyed += 1
    return {"encrypted": True, "project": str(path), "backups_rekeyed": rekeyed}


# -- files --------------------------------------------------------------------------------------------------


def _upgrade_backups(path: Path) -> list[Path]:
    """The copies an upgrade left beside the project (NAME.backup-YYYYMMDD-HHMMSS.rapport)."""
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


def _encrypt_in_place(path: Path, passphrase: str) -> None:
    work = path.with_name(path.name + ".encrypting")
    try:
        cipher.encrypt_file(path, work, passphrase)
        _replace_shredding(work, path)
    finally:
        work.unlink(missing_ok=True)


def _rekey_in_place(path: Path, old: str, new: str) -> None:
    work = path.with_name(path.name + ".rekeying")
    try:
        cipher.rekey_file(path, work, old, new)
        os.replace(work, path)
    finally:
        work.unlink(missing_ok=True)


def _replace_shredding(new: Path, target: Path) -> None:
    """Move `new` over `target`, then overwrite the old plain file's bytes with zeros before they are freed
    (best effort: journaling and flash storage may keep older copies of blocks)."""
    aside = target.with_name(target.name + ".shredding")
    aside.unlink(missing_ok=True)
    os.link(target, aside)
    os.replace(new, target)
    try:
        size = aside.stat().st_size
        with open(aside, "r+b") as handle:
            chunk = b"\0" * (1 << 20)
            for offset in range(0, size, len(chunk)):
                handle.write(chunk[: size - offset])
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        aside.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)

"""Protected projects: `encrypt`, `decrypt`, `change-passphrase` and `audit`."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.domain.errors import RapportError
from app.services import audit, ethics_summary, protection


class AuditBroken(RapportError):
    """The audit log's hash chain does not verify."""


def register(commands: Commands) -> None:
    parser = commands.add(
        "encrypt", encrypt, "encrypt a project at rest (SQLCipher 4, AES-256) with its backups; "
        "passphrase from RAPPORT_PASSPHRASE or --passphrase-file",
    )  # fmt: skip
    add_project_argument(parser)
    parser = commands.add("decrypt", decrypt, "write a plain (unencrypted) copy of an encrypted project")
    add_project_argument(parser)
    parser.add_argument("--out", required=True, metavar="FILE", help="the plain copy to write (a new file)")
    parser = commands.add(
        "change-passphrase", change_passphrase, "re-encrypt a project and its backups under a new passphrase "
        "(from RAPPORT_NEW_PASSPHRASE or --new-passphrase-file)",
    )  # fmt: skip
    add_project_argument(parser)
    parser.add_argument("--new-passphrase-file", metavar="FILE", help="a file holding the new passphrase")
    parser = commands.add(
        "ethics-summary", ethics, "a DOCX for an ethics application or data-management plan"
    )
    add_project_argument(parser)
    parser.add_argument("out", metavar="OUT.docx")
    parser = commands.add(
        "audit", audit_log, "the project's audit log (who opened, exported, erased... what)"
    )
    add_project_argument(parser)
    parser.add_argument(
        "--verify", action="store_true", help="check the hash chain; exit 1 naming the first bad entry"
    )


def ethics(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        written = ethics_summary.write_ethics_summary(project, args.out)
    return Result({"written": str(written)}, f"Wrote the ethics summary to {written}.")


def encrypt(args: argparse.Namespace) -> Result:
    passphrase = protection.new_passphrase(args.project, file=args.passphrase_file)
    data = protection.encrypt_project(args.project, passphrase)
    return Result(data, f"Encrypted {args.project} ({data['backups_encrypted']} backups encrypted too).")


def decrypt(args: argparse.Namespace) -> Result:
    data = protection.decrypt_project(args.project, args.out)
    return Result(
        data, f"Wrote a plain copy of {args.project} to {args.out}; {args.project} stays encrypted."
    )


def change_passphrase(args: argparse.Namespace) -> Result:
    new = protection.new_passphrase(
        args.project, file=args.new_passphrase_file, env=protection.NEW_PASSPHRASE_ENV
    )
    data = protection.change_passphrase(args.project, new)
    return Result(data, f"Changed the passphrase of {args.project} ({data['backups_rekeyed']} backups too).")


def audit_log(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        if args.verify:
            check = audit.verify(project)
            if not check.ok:
                raise AuditBroken(check.problem)
            return Result(check.as_dict(), f"The audit log is intact ({check.entries} entries).")
        records = audit.entries(project)
    data = [record.as_dict() for record in records]
    lines = [f"{r.id:>5}  {r.at}  {r.coder:<12}  {r.action:<18}  {_detail(r.detail)}" for r in records]
    return Result(data, "\n".join(lines) if lines else "(the audit log is empty)")


def _detail(detail: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in detail.items())

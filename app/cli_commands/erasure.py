"""`erase-participant`: remove one participant's data on request (a preview first with --dry-run)."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.services import erasure


def register(commands: Commands) -> None:
    parser = commands.add(
        "erase-participant", erase_participant, "remove one participant's documents, turns, codings, memos "
        "and attributes; lists the backups that still hold them",
    )  # fmt: skip
    add_project_argument(parser)
    parser.add_argument("participant", metavar="PARTICIPANT", help="the participant's name (pseudonym) or id")
    parser.add_argument("--dry-run", action="store_true", help="show what would be removed; change nothing")
    parser.add_argument(
        "--purge-backups", action="store_true", help="also delete the backups that still hold the data"
    )


def erase_participant(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        report = erasure.erase_participant(project, args.participant, dry_run=args.dry_run)
    if args.purge_backups and not args.dry_run:
        report.purged = erasure.purge_backups(report.backups)
        report.backups = [b for b in report.backups if b not in report.purged]
    return Result(report.as_dict(), _text(report))


def _text(report: erasure.ErasureReport) -> str:
    verb = "Would remove" if report.dry_run else "Removed"
    turns = sum(report.turns.values())
    lines = [
        f"{verb} {report.participant}: {len(report.documents)} documents, {turns} turns in "
        f"{len(report.turns)} shared documents, {report.codings} codings, {report.memos} memos, "
        f"{report.attributes} attribute values, membership of {', '.join(report.dyads) or 'no dyad'}."
    ]
    lines += [f"  document  {name}" for name in report.documents]
    lines += [f"  turns     {name}: {count}" for name, count in report.turns.items()]
    if report.purged:
        lines.append(f"Deleted {len(report.purged)} backups that held the data.")
    if report.backups:
        lines.append(f"{len(report.backups)} backups still hold the data (remove them with --purge-backups):")
        lines += [f"  {path}" for path in report.backups]
    return "\n".join(lines)

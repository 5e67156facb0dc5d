"""`send-out` and `merge`: blind copies for coders, and bringing their work back."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, project_for
from app.services import backups, team


def register(commands: Commands) -> None:
    parser = commands.add("send-out", send_out, "make one blind copy of the project per coder")
    add_project_argument(parser)
    parser.add_argument("--coders", nargs="+", required=True, metavar="NAME", help="one copy for each")
    parser.add_argument("--folder", required=True, help="an existing folder for the copies")
    parser = commands.add("merge", merge, "merge coders' copies back into the project")
    add_project_argument(parser)
    parser.add_argument("copies", nargs="+", metavar="COPY", help="copies made by send-out")
    parser.add_argument("--dry-run", action="store_true", help="say what would be merged, change nothing")


def send_out(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        made = team.send_out_copies(project, args.coders, Path(args.folder))
    return Result({"copies": [str(p) for p in made]}, "\n".join(str(p) for p in made))


def merge(args: argparse.Namespace) -> Result:
    # A dry run writes inside a transaction it then rolls back, so it needs the write lock too.
    with project_for(args, write=True) as project:
        backup = None if args.dry_run else backups.backup_before(project, "merge")
        outcome = team.merge_copies(project, [Path(c) for c in args.copies], dry_run=args.dry_run)
    data = outcome.as_dict()
    if backup is not None:
        data["backup"] = str(backup)
    lines = [("Would add" if args.dry_run else "Added") + " codings:"]
    lines += [f"  {coder}: {n}" for coder, n in data["added_codings"].items()] or ["  none"]
    lines += [f"Conflict: {c}" for c in data["conflicts"]]
    return Result(data, "\n".join(lines))

"""`memos`: list the analysts' memos, with what each is about (the project, a dyad, a document or a range of
it, a code, a coding)."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.services.memos import memo_listing


def register(commands: Commands) -> None:
    parser = commands.add("memos", memos_command, "list memos (of one document with --document)")
    add_project_argument(parser)
    parser.add_argument(
        "--document", metavar="DOC", help="only memos about this document: on it, a range of it, its codings"
    )


def _line(row: dict) -> str:
    where = row["target"]
    if row["document"] is not None:
        where += f" {row['document']}"
    if row["start"] is not None:
        where += f" [{row['start']}:{row['end']}]"
    first = row["text"].strip().split("\n", 1)[0]
    return f"{row['id']}  {where}: {first}"


def memos_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        rows = memo_listing(project, args.document)
    return Result(rows, "\n".join(_line(r) for r in rows) or "No memos.")

"""`codes` and `add-code`: the codebook on the command line."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.services import codebook
from app.services import names as lookup_names
from app.services.anchors import anchors_by_code


def register(commands: Commands) -> None:
    parser = commands.add("codes", codes, "list the codebook")
    add_project_argument(parser)
    parser = commands.add("add-code", add_code, "add a code")
    add_project_argument(parser)
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("--parent", help="the parent code (id, name or path like Bond/Trust)")
    parser.add_argument("--color", help="#RRGGBB")
    parser.add_argument("--definition", default="")
    parser.add_argument("--inclusion", default="")
    parser.add_argument("--exclusion", default="")
    parser.add_argument("--example", default="")


def _row(
    code: codebook.CodeData,
    names: dict[int, str],
    usage: dict[int, tuple[int, int]],
    anchors: dict[int, list[int]] | None = None,
) -> dict:
    row = {
        "id": code.id,
        "guid": code.guid,
        "name": code.name,
        "parent": names.get(code.parent_id) if code.parent_id else None,
        "color": code.color,
        "definition": code.definition,
        "codings": usage.get(code.id, (0, 0))[0],
    }
    if anchors is not None:  # the listing says which codings are anchor excerpts
        row["anchors"] = anchors.get(code.id, [])
    return row


def codes(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        listed = codebook.list_codes(project)
        usage = codebook.code_usage(project)
        chosen = anchors_by_code(project)
    names = {c.id: c.name for c in listed}
    rows = [_row(c, names, usage, chosen) for c in listed]
    text = "\n".join(
        f"{'  ' * c.depth}{c.name}  {c.color}  ({usage.get(c.id, (0, 0))[0]} codings)" for c in listed
    )
    return Result(rows, text or "The codebook is empty.")


def add_code(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        parent = None
        if args.parent:
            parent = lookup_names.code_id(project, args.parent)
        code = codebook.add_code(
            project, args.name, parent=parent, color=args.color, definition=args.definition,
            inclusion=args.inclusion, exclusion=args.exclusion, example=args.example,
        )  # fmt: skip
        listed = codebook.list_codes(project)
    names = {c.id: c.name for c in listed}
    return Result(_row(code, names, {}), f"Added code {code.name} ({code.id}, {code.color}).")

"""`anchor`: choose a coding as an anchor excerpt of its code in the printed codebook (or drop it)."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.services.anchors import set_anchor


def register(commands: Commands) -> None:
    parser = commands.add("anchor", anchor_command, "choose a coding as an anchor excerpt (at most 3 a code)")
    add_project_argument(parser)
    parser.add_argument("coding", metavar="CODING", type=int, help="the coding id (see `rapport codings`)")
    parser.add_argument("--off", action="store_true", help="drop it as an anchor excerpt")


def anchor_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        set_anchor(project, args.coding, not args.off)
    data = {"coding": args.coding, "anchor": not args.off}
    return Result(data, f"Coding {args.coding} is {'no longer ' if args.off else ''}an anchor excerpt.")

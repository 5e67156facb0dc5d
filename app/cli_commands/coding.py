"""`code` and `codings`: apply a code to a range, and list coded excerpts."""

from __future__ import annotations

import argparse
import getpass

from app.cli import Commands, Result, add_project_argument, project_for
from app.services import coding, memos, names


def default_coder() -> str:
    """The coder a command uses when none is named: the person logged in to this computer."""
    try:
        return getpass.getuser() or "default"
    except Exception:
        return "default"


def register(commands: Commands) -> None:
    parser = commands.add("code", code, "apply a code to a range of a document")
    add_project_argument(parser)
    parser.add_argument("--document", required=True, metavar="DOC")
    parser.add_argument("--code", required=True, metavar="CODE")
    parser.add_argument("--start", required=True, type=int)
    parser.add_argument("--end", required=True, type=int)
    parser.add_argument("--coder", help="coder name (created when new; default: your user name)")
    parser.add_argument("--memo", help="a memo on the new coding")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="for a value of a code set: replace the coder's other value of the set on this passage",
    )
    parser = commands.add("codings", codings, "list coded excerpts")
    add_project_argument(parser)
    for option in ("--document", "--code", "--coder", "--dyad"):
        parser.add_argument(option)


def code(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        document_id = names.document_id(project, args.document)
        code_id = names.code_id(project, args.code)
        spec = coding.CodingSpec(document_id, code_id, args.start, args.end)
        coding.validate_codings(project, [spec])  # before a new coder is created: a refusal changes nothing
        coder_id = coding.ensure_coder(project, args.coder or default_coder())
        if args.replace:
            _removed, created = coding.replace_set_values(project, [spec], coder_id)
        else:
            created = coding.add_codings(project, [spec], coder_id)
        if created and args.memo:
            memos.add_memo(project, "coding", created[0].id, text=args.memo, author_id=coder_id)
        view = next(
            v for v in coding.list_codings(project, document=document_id, code=code_id)
            if v.coder_id == coder_id and (v.start, v.end) == (args.start, args.end)
        )  # fmt: skip
    data = view.as_dict()
    verb = "Coded" if created else "Already coded"
    return Result(data, f"{verb} “{view.text}” as {view.code} ({view.coder}).")


def codings(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        views = coding.list_codings(
            project, document=args.document, code=args.code, coder=args.coder, dyad=args.dyad
        )
        texts = memos.coding_memo_lists(project)
    rows = [{**v.as_dict(), "memos": texts.get(v.id, [])} for v in views]
    text = "\n".join(f"{v.document} [{v.start}:{v.end}] {v.code} ({v.coder}): {v.text}" for v in views)
    return Result(rows, text or "No codings.")

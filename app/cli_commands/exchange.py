"""`export`, `import-refi` and `import-codebook`: codebooks and projects in and out (REFI-QDA, DOCX, CSV).

The output suffix picks the format: .qdpx project, .qdc codebook, .docx codebook (or, with `--report
excerpts`, the coded-excerpts report), .csv codings (or, with `--codebook`, the codebook). A hostile or broken
input file exits with status 1, one line on stderr, and the project untouched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, project_for, render_text
from app.domain.errors import InvalidInput
from app.services import backups, exchange, reports
from app.services.export_losses import describe, not_carried

EXPORT_SUFFIXES = (".qdpx", ".qdc", ".docx", ".csv")


def register(commands: Commands) -> None:
    parser = commands.add(
        "export",
        export,
        "export by OUT's suffix: .qdpx project, .qdc codebook, .docx codebook or report, .csv codings",
    )
    add_project_argument(parser)
    parser.add_argument("out", metavar="OUT", help="the file to write (.qdpx, .qdc, .docx or .csv)")
    parser.add_argument(
        "--report", choices=["codebook", "excerpts"], default="codebook", help="for .docx: which document"
    )
    parser.add_argument(
        "--codebook", action="store_true", help="for .csv: the codebook instead of the codings"
    )
    parser.add_argument(
        "--code", action="append", default=[], help="excerpts/codings of this code only (repeat)"
    )
    parser.add_argument("--coder", default=None, help="excerpts/codings of this coder only")
    parser.add_argument(
        "--anchor",
        action="append",
        type=int,
        default=[],
        metavar="CODING_ID",
        help="codebook DOCX: anchor excerpt",
    )
    parser.add_argument("--title", default=None, help="title of a DOCX document")

    parser = commands.add("import-refi", import_refi, "import a REFI-QDA .qdpx project or .qdc codebook")
    add_project_argument(parser)
    parser.add_argument("input", metavar="IN", help="the .qdpx or .qdc file")

    parser = commands.add("import-codebook", import_codebook, "merge a codebook CSV into the project")
    add_project_argument(parser)
    parser.add_argument("file", metavar="FILE", help="the codebook .csv")


def export(args: argparse.Namespace) -> Result:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InvalidInput(f"{out.name}: choose a file ending in {', '.join(EXPORT_SUFFIXES)}.")
    with project_for(args, write=False) as project:
        if suffix == ".qdpx":
            written = exchange.export_project_qdpx(project, out)
        elif suffix == ".qdc":
            written = exchange.export_codebook_qdc(project, out)
        elif suffix == ".docx" and args.report == "excerpts":
            written = reports.export_excerpts_docx(
                project, out, codes=args.code or None, coder=args.coder, title=args.title
            )
        elif suffix == ".docx":
            written = exchange.export_codebook_docx(
                project, out, anchors=args.anchor or None, title=args.title
            )
        elif args.codebook:
            written = exchange.export_codebook_csv(project, out)
        else:
            written = reports.export_codings_csv(project, out, codes=args.code or None, coder=args.coder)
        losses = not_carried(project, written, codebook_csv=args.codebook, report=args.report)
    data = {"written": str(written), "not_carried": losses}
    note = describe(losses, written)
    return Result(data, f"Wrote {written}" + (f"\n{note}" if note else ""))


def import_refi(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        backup = backups.backup_before(project, "import")  # as the window does: an import adds a lot at once
        data = exchange.import_refi(project, Path(args.input))
    if backup is not None:
        data["backup"] = str(backup)
    shown = {k: v for k, v in data.items() if not isinstance(v, list)}
    return Result(data, render_text(shown))


def import_codebook(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        data = exchange.import_codebook_csv(project, Path(args.file)).as_dict()
    shown = {k: v for k, v in data.items() if not isinstance(v, list)}
    return Result(data, render_text(shown))

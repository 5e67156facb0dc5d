"""`import` and `import-attributes`: bring transcripts and participant sheets into a project.

`import` guesses each file's dyad, session, perspective and kind from its name; flags override the guess for
every file. In a batch, a bad file does not stop the others: the documents imported are printed, each
failure is named on stderr, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, project_for
from app.domain.errors import ImportFailed
from app.domain.vocabulary import DOCUMENT_KINDS, PERSPECTIVES
from app.services import importing


def register(commands: Commands) -> None:
    parser = commands.add("import", import_command, "import transcripts (.txt .docx .srt .vtt)")
    add_project_argument(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help="transcript files")
    parser.add_argument("--dyad", help="the dyad every file belongs to (created if new)")
    parser.add_argument("--session", type=_session_number, help="the session number (needs a dyad)")
    parser.add_argument("--perspective", choices=PERSPECTIVES, help="whose perspective the files give")
    parser.add_argument(
        "--kind", choices=DOCUMENT_KINDS, help="session transcript, recall interview, note..."
    )

    parser = commands.add(
        "import-attributes", import_attributes_command, "import participants and attributes from a CSV sheet"
    )
    add_project_argument(parser)
    parser.add_argument("file", metavar="FILE", help="CSV: one row a participant (id, role, dyad, ...)")


def _session_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a session number") from None
    if not 1 <= value <= 9999:
        raise argparse.ArgumentTypeError("session numbers run from 1 to 9999")
    return value


def _meta_for_files(args: argparse.Namespace) -> dict[str, importing.DocumentMeta]:
    """Each file's guessed metadata with the flags given laid over it."""
    metas: dict[str, importing.DocumentMeta] = {}
    for name in args.files:
        meta = importing.guess_meta(name)
        if args.dyad is not None:
            meta = replace(meta, dyad=args.dyad)
        if args.session is not None:
            meta = replace(meta, session=args.session)
        if args.session is None and meta.dyad is None:
            meta = replace(meta, session=None)  # a guessed session number without a dyad means nothing
        if args.perspective is not None:
            meta = replace(meta, perspective=args.perspective)
        if args.kind is not None:
            meta = replace(meta, kind=args.kind)
        metas[str(Path(name))] = meta
    return metas


def import_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        report = importing.import_files(project, args.files, _meta_for_files(args))
    data = {"documents": [d.as_dict() for d in report.documents]}
    if report.failures:
        if report.documents:
            _print_now(data, args.json, report)
        raise ImportFailed(
            report.failures[0].reason
            if len(report.failures) == 1 and not report.documents
            else report.summary()
        )
    return Result(data, report.summary() + "".join(f"\n  {d.id}  {d.name}" for d in report.documents))


def _print_now(data: dict, as_json: bool, report: importing.ImportReport) -> None:
    """Print what did get imported before the error line, since the command still exits with status 1."""
    if as_json:
        out = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        out = "".join(f"{d.id}  {d.name}\n" for d in report.documents)
    sys.stdout.flush()
    sys.stdout.buffer.write(out.encode("utf-8"))
    sys.stdout.buffer.flush()


def import_attributes_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        report = importing.import_attributes(project, args.file)
    data = report.as_dict()
    columns = ", ".join(f"{name} ({kind})" for name, kind in report.attributes.items()) or "none"
    return Result(
        data, f"Read {report.participants} participants in {report.dyads} dyads; attributes: {columns}."
    )

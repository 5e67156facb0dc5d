"""`documents`, `text` and `turns`: what was imported, exactly as stored."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for, render_text
from app.domain.timecode import format_timecode
from app.services import study


def register(commands: Commands) -> None:
    parser = commands.add("documents", documents_command, "list the project's documents")
    add_project_argument(parser)
    parser = commands.add("text", text_command, "print a document's stored text exactly", json_output=False)
    add_project_argument(parser)
    parser.add_argument("document", metavar="DOC", help="document id or name")
    parser = commands.add("turns", turns_command, "list a document's speaker turns")
    add_project_argument(parser)
    parser.add_argument("document", metavar="DOC", help="document id or name")


def documents_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        rows = [summary.as_dict() for summary in study.list_documents(project)]
    return Result(rows, render_text(rows))


def text_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        document = study.get_document(project, args.document)
    return Result({"id": document.id, "name": document.name}, text=document.text, exact=True)


def turns_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        document = study.get_document(project, args.document)
    rows = [turn.as_dict() for turn in document.turns]
    readable = [
        {
            "start": t.start,
            "end": t.end,
            "speaker": t.speaker,
            "time": format_timecode(t.time_start_ms) or None,
            "video": format_timecode(t.video_ref_ms) or None,
            "text": " ".join(document.text[t.start : t.end].split())[:60],
        }
        for t in document.turns
    ]
    return Result(rows, render_text(readable))

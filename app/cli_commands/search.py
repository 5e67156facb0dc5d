"""`search`: full-text search of the project's transcripts (words, "phrases", AND/OR/NOT,
wildcards, fields: app/search/query_language.py), as in CLI.md.

Positions are code points into the document text that `rapport text` prints. Memos are searched only with
`--kind memo`; their positions then refer to the memo's text.
"""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.domain.vocabulary import DOCUMENT_KINDS, PERSPECTIVES
from app.services import search as search_service
from app.services import search_coding


def register(commands: Commands) -> None:
    parser = commands.add(
        "search",
        search_command,
        'full-text search: words, "phrases", AND/OR/NOT, wildcards (trust*), fields (speaker:client)',
    )
    add_project_argument(parser)
    parser.add_argument("query", metavar="QUERY", help="the query, e.g. '\"felt judged\" OR trust*'")
    parser.add_argument("--dyad", metavar="D", help="only this dyad (id or name)")
    parser.add_argument("--session", metavar="N", type=int, help="only sessions with this number")
    parser.add_argument("--perspective", metavar="P", choices=PERSPECTIVES, help="only this perspective")
    parser.add_argument(
        "--kind", metavar="K", choices=(*DOCUMENT_KINDS, "memo"), help="only this kind of document, or memo"
    )
    parser.add_argument(
        "--limit", metavar="N", type=_positive, default=100, help="at most N hits (default 100)"
    )
    parser.add_argument(
        "--code", metavar="CODE", help="code every hit with CODE (what is already coded is skipped)"
    )
    parser.add_argument(
        "--coder", metavar="NAME", help="with --code: the coder the codings belong to (required)"
    )
    parser.add_argument(
        "--scope",
        choices=tuple(CODING_SCOPES),
        default="turn",
        help="with --code: how much of each hit to code",
    )
    parser.set_defaults(usage_error=parser.error)  # exit 2 with the usage, for options that go together

    reindex = commands.add(
        "reindex",
        reindex_command,
        "rebuild the search index inside the project (only needed for a damaged file)",
    )
    add_project_argument(reindex)


CODING_SCOPES = {"turn": "turn", "sentence": "sentence", "words": "match"}  # CLI word -> service scope


def reindex_command(args: argparse.Namespace) -> Result:
    with project_for(args, write=True) as project:
        report = search_service.rebuild_index(project)
    data = {"documents": report.indexed_documents, "memos": report.indexed_memos}
    return Result(
        data, f"Search index rebuilt: {report.indexed_documents} documents, {report.indexed_memos} memos."
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the limit must be at least 1")
    return value


def search_command(args: argparse.Namespace) -> Result:
    if args.code is not None:
        return code_hits_command(args)
    if args.coder is not None:
        args.usage_error("--coder only goes with --code")
    with project_for(args, write=False) as project:
        result = search_service.search(
            project,
            args.query,
            dyad=args.dyad,
            session=args.session,
            perspective=args.perspective,
            kind=args.kind,
            memos=False,
            limit=args.limit,
        )
    return Result(result.as_dict(), _readable(result))


def code_hits_command(args: argparse.Namespace) -> Result:
    if not args.coder:
        args.usage_error("--code needs --coder NAME (who the codings belong to)")
    request = search_service.SearchRequest(
        args.query, args.dyad, args.session, args.perspective, args.kind, memos=False
    )
    with project_for(args, write=True) as project:
        report, code_name = search_coding.code_search_hits_as(
            project, request, args.code, args.coder, CODING_SCOPES[args.scope]
        )
    data = {**report.as_dict(), "code": code_name, "coder": " ".join(args.coder.split()), "scope": args.scope}
    hits = f"{report.hits} hit{'s' if report.hits != 1 else ''}"
    return Result(data, f"{hits}. {report.summary(code_name)}")


def _readable(result: search_service.SearchResult) -> str:
    lines = [
        f"{result.total} hit{'s' if result.total != 1 else ''}"
        + (f" (showing {len(result.hits)})" if len(result.hits) < result.total else "")
    ]
    for hit in result.hits:
        lines.append(f"{hit.document} {hit.start}-{hit.end}  {hit.snippet}")
    return "\n".join(lines)

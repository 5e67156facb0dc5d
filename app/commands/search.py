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

    reindex = commands.add(
        "reindex",
        reindex_command,
        "rebuild the search index inside the project (only needed for a damaged file)",
    )
    add_project_argument(reindex)


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


def _readable(result: search_service.SearchResult) -> str:
    lines = [
        f"{result.total} hit{'s' if result.total != 1 else ''}"
        + (f" (showing {len(result.hits)})" if len(result.hits) < result.total else "")
    ]
    for hit in result.hits:
        lines.append(f"{hit.document} {hit.start}-{hit.end}  {hit.snippet}")
    return "\n".join(lines)

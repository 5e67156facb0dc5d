"""`compare` (one dyad: client vs therapist perspective) and `compare-groups` (theme prevalence by a dyad
attribute), with the JSON shapes of shared/design/CLI.md."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, exported, project_for
from app.domain.comparison import DyadComparison
from app.domain.errors import ExportFailed
from app.domain.theme_prevalence import GroupComparison
from app.domain.timecode import format_timecode
from app.services import compare as service
from app.services import compare_report


def register(commands: Commands) -> None:
    parser = commands.add("compare", compare, "client vs therapist perspective comparison of one dyad")
    add_project_argument(parser)
    parser.add_argument("--dyad", required=True, help="the dyad (id or name)")
    _selection_arguments(parser)
    parser.add_argument(
        "--window",
        type=float,
        default=service.DEFAULT_WINDOW_S,
        metavar="SECONDS",
        help="how close two perspectives' video moments must be to count as one shared moment (default 30)",
    )
    parser.add_argument(
        "--subcodes",
        action="store_true",
        help="shared moments of a code also pool its sub-codes' codings (client's and therapist's "
        "different sub-codes of one theme then meet under the theme)",
    )
    parser.add_argument("--report", metavar="OUT", help="also write the comparison as OUT.docx or OUT.csv")

    parser = commands.add(
        "compare-groups", compare_groups, "theme prevalence per perspective by a dyad attribute"
    )
    add_project_argument(parser)
    parser.add_argument("--attribute", required=True, help="the dyad attribute that forms the groups")
    _selection_arguments(parser)
    parser.add_argument("--report", metavar="OUT.csv", help="also write the table as CSV")


def _selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--session", metavar="N", help="one session (3) or a range (1..3); default all")
    parser.add_argument(
        "--coder", action="append", metavar="NAME", help="only this coder's codings (repeatable); default all"
    )


def compare(args: argparse.Namespace) -> Result:
    sessions = service.parse_sessions(args.session)
    with project_for(args, write=False) as project:
        result = service.compare_dyad(
            project, args.dyad, sessions, args.window, args.coder, moments_include_subcodes=args.subcodes
        )
    text = render_comparison(result)
    if args.report:
        written = compare_report.write_comparison_report(result, args.report, _coders_label(args.coder))
        exported(args, "dyad comparison", written)
        text += f"\nWrote {written}."
    return Result(result.as_json(), text)


def compare_groups(args: argparse.Namespace) -> Result:
    sessions = service.parse_sessions(args.session)
    with project_for(args, write=False) as project:
        result = service.compare_groups(project, args.attribute, sessions, args.coder)
    text = render_groups(result)
    if args.report:
        if not args.report.lower().endswith(".csv"):
            raise ExportFailed(f"Cannot write the group comparison as {args.report}: use a .csv file.")
        text += f"\nWrote {exported(args, 'themes by group', compare_report.write_groups_csv(result, args.report))}."
    return Result(result.as_json(), text)


def _coders_label(coders: list[str] | None) -> str:
    return ", ".join(coders) if coders else "all coders"


def render_comparison(result: DyadComparison) -> str:
    lines = [f"Dyad {result.dyad}, sessions {compare_report.sessions_label(result)}"]
    lines += [f"  {p}: {c.words} words in {c.documents} documents" for p, c in result.corpora.items()]
    header = ["code"] + [f"{p} (codings/docs/coverage)" for p in result.perspectives]
    table = [header]
    for row in result.rows:
        cells = [f"{c.codings}/{c.documents}/{c.coverage * 100:.1f}%" for c in row.cells.values()]
        table.append(["  " * row.depth + row.name, *cells])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in table]
    lines.append("")
    lines.append(f"Shared moments (window {result.window_ms / 1000:g} s):")
    for moment in result.shared_moments:
        who = ", ".join(f"{p} {len(ids)}" for p, ids in moment.codings.items())
        lines.append(
            f"  {moment.code}  session {moment.session} at {format_timecode(moment.time_ms)}  ({who})"
        )
    if not result.shared_moments:
        lines.append("  none")
    lines.append("One-sided themes:")
    lines += [f"  {o.code}: only {o.perspective}" for o in result.one_sided] or ["  none"]
    return "\n".join(lines)


def render_groups(result: GroupComparison) -> str:
    lines = [f"Groups by {result.attribute}:"]
    lines += [f"  {g}: {len(result.dyads[g])} dyads" for g in result.groups]
    columns = [(g, p) for g in result.groups for p in result.perspectives]
    header = ["code"] + [f"{g}/{p}" for g, p in columns]
    table = [header]
    for row in result.rows:
        table.append(
            ["  " * row.depth + row.name]
            + [f"{row.cells[c].dyads_raised}/{row.cells[c].dyads}" for c in columns]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in table]
    return "\n".join(lines)

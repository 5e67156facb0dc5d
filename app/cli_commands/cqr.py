"""CQR commands: `cross-analysis` (frequency labels per group), `core-ideas` (the case x domain grid),
`core-idea` (write one), `cqr-audit` (the audit trail; add a comment or answer one)."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, exported, project_for
from app.domain.cqr import CrossAnalysis
from app.domain.errors import InvalidInput
from app.services import cqr as service
from app.services import cqr_audit, cqr_report


def register(commands: Commands) -> None:
    parser = commands.add("cross-analysis", cross_analysis, "CQR frequency labels per category across cases")
    add_project_argument(parser)
    parser.add_argument(
        "--by", metavar="perspective|ATTRIBUTE", help="group the cases by perspective or by a dyad attribute"
    )
    parser.add_argument(
        "--coders", nargs="+", metavar="NAME", help="only these coders' codings (default all)"
    )
    parser.add_argument("--report", metavar="FILE", help="also write the table as FILE.docx or FILE.csv")

    parser = commands.add("core-ideas", core_ideas, "the CQR core ideas of every case and domain")
    add_project_argument(parser)
    parser.add_argument(
        "--cases", choices=service.CASE_UNITS, help="a case is a dyad or one perspective of it"
    )
    parser.add_argument("--report", metavar="FILE", help="also write the grid as FILE.docx or FILE.csv")

    parser = commands.add("core-idea", core_idea, "write (or remove) the core idea of a case in a domain")
    add_project_argument(parser)
    parser.add_argument("--dyad", required=True, help="the dyad (id or name)")
    parser.add_argument(
        "--perspective", choices=service.CASE_PERSPECTIVES, help="one perspective of the dyad"
    )
    parser.add_argument("--domain", required=True, help="a top-level code (id or name)")
    parser.add_argument("--text", help="the core idea; omit it with --remove")
    parser.add_argument("--excerpts", nargs="*", type=int, default=[], metavar="CODING", help="coding ids")
    parser.add_argument("--coder", help="who wrote it")
    parser.add_argument("--remove", action="store_true", help="remove the core idea")

    parser = commands.add("cqr-audit", cqr_audit_command, "the CQR audit trail; add or answer a comment")
    add_project_argument(parser)
    parser.add_argument("--comment", metavar="TEXT", help="add an auditor's comment (with --on)")
    parser.add_argument(
        "--on", nargs=2, metavar=("TARGET", "ID"), help="domain, category, core_idea or coding, and its id"
    )
    parser.add_argument("--auditor", default="", help="who comments (or answers, with --answer)")
    parser.add_argument(
        "--answer",
        nargs=2,
        metavar=("COMMENT", "DECISION"),
        help="answer a comment: accepted, changed or kept",
    )
    parser.add_argument("--reason", default="", help="the team's reason (needed for kept)")
    parser.add_argument("--report", metavar="FILE.docx", help="also write the audit trail as DOCX")


def render_cross_analysis(result: CrossAnalysis) -> str:
    header = ["category"] + [f"{g.name} (n={len(g.cases)})" for g in result.groups]
    table = [header]
    for category in result.categories:
        cells = [
            cqr_report.cell_text(
                result.cell(category.id, g.name).label, result.cell(category.id, g.name).cases_with
            )
            for g in result.groups
        ]
        mark = " *" if result.marked(category.id) else ""
        table.append(["  " * category.depth + category.name + mark, *cells])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in table]
    if len(result.groups) > 1:
        lines.append(f"* labels {result.rules.difference_levels} or more levels apart between groups")
    return "\n".join(lines)


def cross_analysis(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        result = service.cross_analysis(project, args.by, args.coders)
    text = render_cross_analysis(result)
    if args.report:
        coders = ", ".join(args.coders) if args.coders else "all coders"
        written = cqr_report.write_cross_analysis(result, args.report, coders)
        text += f"\nWrote {exported(args, 'CQR cross-analysis', written)}."
    data = result.as_json()
    return Result(data, text)


def core_ideas(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        grid = service.core_idea_grid(project, args.cases)
        linked = {c for idea in grid.ideas.values() for c in idea.excerpts}
        quotes = {e.coding_id: e for e in service.excerpts(project, sorted(linked))}
    data = grid.as_json()
    lines = [
        f"{len(data)} core idea(s); cases are {'dyads' if grid.case_unit == 'dyad' else 'perspectives'}."
    ]
    lines += [
        f"{row['dyad']}{' ' + str(row['perspective']) if row['perspective'] else ''} / {row['domain']}: {row['text']}"
        for row in data
    ]
    if args.report:
        written = cqr_report.write_core_ideas(grid, args.report, quotes)
        lines.append(f"Wrote {exported(args, 'CQR core ideas', written)}.")
    return Result(data, "\n".join(lines))


def core_idea(args: argparse.Namespace) -> Result:
    if args.remove == (args.text is not None):
        raise InvalidInput("Give the core idea with --text, or --remove to remove it.")
    with project_for(args, write=True) as project:
        text = None if args.remove else args.text
        service.save_core_idea(
            project, args.dyad, args.perspective, args.domain, text, args.excerpts, args.coder
        )
        grid = service.core_idea_grid(project, "perspective" if args.perspective else "dyad")
    found = [
        row for row in grid.as_json()
        if row["dyad"] == args.dyad and row["perspective"] == args.perspective
    ]  # fmt: skip
    return Result(found, "Removed." if args.remove else "Saved.")


def cqr_audit_command(args: argparse.Namespace) -> Result:
    writes = args.comment is not None or args.answer is not None
    if args.comment is not None and not args.on:
        raise InvalidInput("Say what the comment is about with --on TARGET ID.")
    with project_for(args, write=writes) as project:
        if args.comment is not None:
            target, ident = args.on
            if not ident.isdigit():
                raise InvalidInput(f"{ident!r} is not an id.")
            cqr_audit.add_comment(project, target, int(ident), args.comment, args.auditor)
        if args.answer is not None:
            comment, decision = args.answer
            if not comment.isdigit():
                raise InvalidInput(f"{comment!r} is not a comment id.")
            cqr_audit.answer_comment(project, int(comment), decision, args.reason, args.auditor)
        comments = cqr_audit.list_comments(project)
    lines = [f"{c.id}. [{c.status}] {c.about}: {c.text}" for c in comments] or ["No audit comments yet."]
    if args.report:
        written = cqr_report.write_audit_trail(comments, args.report)
        lines.append(f"Wrote {exported(args, 'CQR audit trail', written)}.")
    return Result(cqr_audit.trail_json(comments), "\n".join(lines))

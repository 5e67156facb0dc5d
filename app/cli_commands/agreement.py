"""`agreement`: inter-coder agreement of two coders per code and overall (JSON shape: shared/design/CLI.md).

`percent_agreement` is in percent (0-100); kappa, alpha, AC1 and `ci95` (kappa's 95 % bootstrap interval
over documents) are proportions; `null` marks a coefficient undefined for the data (no variation).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, exported, project_for
from app.cli_commands.code_sets import set_agreement_command
from app.domain.agreement import UNITS
from app.domain.agreement_sets import LEVELS
from app.domain.agreement_units import OVERLAP_MEASURES
from app.domain.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED
from app.domain.errors import ExportFailed, InvalidInput
from app.services import agreement as service
from app.services import agreement_report


def register(commands: Commands) -> None:
    parser = commands.add("agreement", agreement, "inter-coder agreement of two coders, per code and overall")
    add_project_argument(parser)
    parser.add_argument(
        "--coders",
        nargs="+",
        required=True,
        action=_AtLeastTwo,
        metavar="CODER",
        help="the two coders (id or name); three or more give Fleiss' kappa and alpha (character, presence units)",
    )
    parser.add_argument(
        "--unit",
        choices=UNITS,
        default=None,
        help="character (NVivo: every character a unit), segment (MAXQDA: every coding a unit), "
        "presence (every document a unit); default character, or presence with --set",
    )
    parser.add_argument(
        "--set",
        dest="code_set",
        metavar="PARENT",
        help="agreement on a code set: PARENT's sub-codes are mutually exclusive values (presence or segment unit)",
    )
    parser.add_argument(
        "--level",
        choices=LEVELS,
        default="nominal",
        help="with --set: how values differ: nominal (default), ordinal (codebook order), interval or ratio "
        "(the values' numbers)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.9,
        help="segment unit: how much two codings must overlap to agree, 0-1 (default 0.9)",
    )
    parser.add_argument(
        "--overlap",
        choices=OVERLAP_MEASURES,
        default="union",
        help="segment unit: overlap as intersection/union (default) or as the share of each coding covered",
    )
    parser.add_argument("--documents", nargs="+", metavar="DOC", help="only these documents (id or name)")
    parser.add_argument("--dyad", nargs="+", metavar="D", help="only documents of these dyads")
    parser.add_argument("--session", nargs="+", type=int, metavar="N", help="only these session numbers")
    parser.add_argument(
        "--perspective",
        nargs="+",
        choices=("client", "therapist", "interpreter", "researcher"),
        help="only documents of these perspectives",
    )
    parser.add_argument(
        "--codes", nargs="+", metavar="CODE", help="only these codes (id, name or Parent/Child)"
    )
    parser.add_argument(
        "--replicates",
        type=int,
        default=DEFAULT_REPLICATES,
        help="bootstrap resamples (default 1000; 0: none)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="bootstrap seed (same seed, same interval)"
    )
    parser.add_argument(
        "--report", metavar="OUT", help="also write the table as OUT.csv or a report as OUT.docx"
    )
    parser.add_argument("--disagreements", metavar="OUT.csv", help="also write the disagreements as CSV")
    parser.add_argument(
        "--per-document",
        action="store_true",
        help="add each code's figures per document (character and segment units, two coders)",
    )


class _AtLeastTwo(argparse.Action):
    """`--coders` takes two or more names; one is wrong usage (exit 2), like a missing argument."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if len(values) < 2:
            parser.error(f"{option_string} needs at least two coders")
        setattr(namespace, self.dest, values)


def agreement(args: argparse.Namespace) -> Result:
    if args.replicates < 0:
        raise InvalidInput("--replicates cannot be negative.")
    if args.code_set is not None:
        return set_agreement_command(args)
    if args.unit is None:
        args.unit = "character"
    request = service.AgreementRequest(
        coders=tuple(args.coders),
        documents=args.documents,
        dyads=args.dyad,
        sessions=args.session,
        perspectives=args.perspective,
        codes=args.codes,
        unit=args.unit,
        threshold=args.threshold,
        overlap=args.overlap,
        replicates=args.replicates,
        seed=args.seed,
    )
    with project_for(args, write=False) as project:
        report = service.agreement_table(project, request)
        disagreements = None
        docx_report = bool(args.report) and args.report.lower().endswith(".docx")
        if args.disagreements or (docx_report and len(report.coders) == 2):
            disagreements = service.list_disagreements(project, request)
    text = render(report)
    if args.report:
        suffix = Path(args.report).suffix.lower()
        if suffix == ".csv":
            written = agreement_report.export_table_csv(report, args.report)
        elif suffix == ".docx":
            written = agreement_report.export_docx(report, args.report, disagreements)
        else:
            raise ExportFailed(f"Cannot write the agreement report as {args.report}: use .csv or .docx.")
        text += f"\nWrote {exported(args, 'agreement report', written)}."
    if args.disagreements:
        coders = (report.coders[0].name, report.coders[1].name)
        written = agreement_report.export_disagreements_csv(disagreements or [], args.disagreements, coders)
        text += f"\nWrote {exported(args, 'disagreements', written)}."
    return Result(report.as_dict(per_document=args.per_document), text)


def _cell(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"  # no "-0.000"


def render(report: service.AgreementReport) -> str:
    names = [coder.name for coder in report.coders]
    lines = [
        f"Agreement of {', '.join(names[:-1])} and {names[-1]}, unit: {report.unit}, {len(report.documents)} documents"
    ]
    if report.unit == "segment":
        lines[0] += f", overlap >= {report.threshold:.0%} ({report.overlap}), k = {report.categories}"
    header = [
        "code",
        "units",
        "% agree",
        "Fleiss' kappa" if len(names) > 2 else "kappa",
        "95% CI",
        "alpha",
        "AC1",
    ]
    rows = [header]
    for row in (*report.codes, report.overall):
        interval = row.kappa_interval
        ci = f"[{_cell(interval[0], 2)}, {_cell(interval[1], 2)}]" if interval else "-"
        percent = None if row.percent_agreement is None else 100 * row.percent_agreement
        rows.append(
            [
                row.code,
                str(row.n_units),
                _cell(percent, 1),
                _cell(row.kappa),
                ci,
                _cell(row.alpha),
                _cell(row.ac1),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        if index == len(rows) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        )
    if report.unit == "segment":
        lines.append("kappa: Brennan & Prediger's kappa_n = (p_o - 1/k) / (1 - 1/k).")
    return "\n".join(lines)

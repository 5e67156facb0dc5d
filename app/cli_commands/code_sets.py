"""`code-set`: mark a parent code as a set of mutually exclusive values and number its values; and the
`agreement --set PARENT` variant of `agreement` (the JSON has `level`, `alpha`, `fleiss_kappa`, `units`,
`pairable`: shared/design/CLI.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, exported, project_for
from app.domain.errors import ExportFailed, InvalidInput, NotFound
from app.services import code_sets, set_agreement, set_agreement_report


def register(commands: Commands) -> None:
    parser = commands.add(
        "code-set", code_set, "mark a parent code as a set of mutually exclusive values (its sub-codes)"
    )
    add_project_argument(parser)
    parser.add_argument("parent", metavar="PARENT", help="the parent code (id, name or Parent/Child)")
    parser.add_argument("--unmark", action="store_true", help="no longer a set (its sub-codes stay)")
    parser.add_argument(
        "--value",
        nargs="+",
        default=(),
        metavar="NAME=NUMBER",
        help="a value's number for interval and ratio agreement (NAME= alone: back to the name's number)",
    )


def code_set(args: argparse.Namespace) -> Result:
    numbers = [_parse_value(item) for item in args.value]
    with project_for(args, write=True) as project:
        the_set = code_sets.read_code_set(project, args.parent)
        by_name = {value.name.casefold(): value for value in the_set.values}
        for name, _number in numbers:
            if name.casefold() not in by_name:
                raise NotFound(
                    f"{the_set.name!r} has no value {name!r}; its values are "
                    f"{', '.join(v.name for v in the_set.values)}."
                )
        code_sets.mark_code_set(project, the_set.id, not args.unmark)
        for name, number in numbers:
            code_sets.set_value_number(project, by_name[name.casefold()].id, number)
        the_set = code_sets.read_code_set(project, the_set.id)
    values = ", ".join(
        value.name if value.number is None else f"{value.name} = {value.number:g}" for value in the_set.values
    )
    state = "is a set of" if the_set.marked else "is no longer marked as a set; its sub-codes:"
    return Result(the_set.as_dict(), f"{the_set.path} {state} {values}.")


def _parse_value(item: str) -> tuple[str, float | None]:
    name, separator, number = item.partition("=")
    if not separator or not name.strip():
        raise InvalidInput(f"Write a value's number as NAME=NUMBER (for example Mild=1), not {item!r}.")
    if not number.strip():
        return name.strip(), None
    try:
        return name.strip(), float(number.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{number!r} is not a number (in {item!r}).") from None


def set_agreement_command(args: argparse.Namespace) -> Result:
    """`agreement --set PARENT`: the set's figures (called by the `agreement` command)."""
    if args.codes:
        raise InvalidInput("--set compares the values of one code set; leave out --codes.")
    if args.disagreements or args.per_document:
        raise InvalidInput("--disagreements and --per-document are for per-code agreement, not for --set.")
    request = set_agreement.SetAgreementRequest(
        coders=tuple(args.coders),
        set=args.code_set,
        unit=args.unit or "presence",
        level=args.level,
        documents=args.documents,
        dyads=args.dyad,
        sessions=args.session,
        perspectives=args.perspective,
        threshold=args.threshold,
        overlap=args.overlap,
        replicates=args.replicates,
        seed=args.seed,
    )
    with project_for(args, write=False) as project:
        report = set_agreement.set_agreement(project, request)
    text = set_agreement_report.render_text(report)
    if args.report:
        suffix = Path(args.report).suffix.lower()
        if suffix == ".csv":
            written = set_agreement_report.export_csv(report, args.report)
        elif suffix == ".docx":
            written = set_agreement_report.export_docx(report, args.report)
        else:
            raise ExportFailed(f"Cannot write the agreement report as {args.report}: use .csv or .docx.")
        text += f"\nWrote {exported(args, 'code set agreement', written)}."
    return Result(report.as_dict(), text)

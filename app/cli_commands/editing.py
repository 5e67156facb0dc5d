"""`pseudonymise` and `history`: replace real names everywhere, and read a document's corrections."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, project_for
from app.cli_commands import pseudonym_maps
from app.domain.errors import InvalidInput
from app.services import editing, names
from app.services.pseudonymise import PseudonymRule, preview, pseudonymise


def register(commands: Commands) -> None:
    parser = commands.add(
        "pseudonymise", run_pseudonymise, "replace real names with pseudonyms in all documents"
    )
    add_project_argument(parser)
    parser.add_argument("--map", required=True, help="a CSV file of real name, pseudonym (one pair a row)")
    parser.add_argument("--dry-run", action="store_true", help="list the replacements, change nothing")
    pseudonym_maps.add_map_arguments(parser)
    parser = commands.add("history", history, "the corrections made to a document's text")
    add_project_argument(parser)
    parser.add_argument("document", metavar="DOC")


def _rules(path: Path) -> list[PseudonymRule]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = [r for r in csv.reader(handle) if r and any(cell.strip() for cell in r)]
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read the name list {path.name}: {exc}") from exc
    if rows and [c.strip().lower() for c in rows[0][:2]] in (["real", "pseudonym"], ["name", "pseudonym"]):
        rows = rows[1:]
    if any(len(r) < 2 for r in rows):
        raise InvalidInput(f"Each row of {path.name} needs a real name and a pseudonym.")
    return [PseudonymRule(r[0], r[1].strip()) for r in rows]


def run_pseudonymise(args: argparse.Namespace) -> Result:
    rules = _rules(Path(args.map))
    with project_for(args, write=not args.dry_run) as project:
        if args.dry_run:
            found = preview(project, rules)
        else:
            kept_apart = pseudonym_maps.map_options(args)
            found = list(pseudonymise(project, rules, **kept_apart).replacements)
    rows = [
        {
            "document": r.document,
            "start": r.start,
            "end": r.end,
            "original": r.original,
            "pseudonym": r.pseudonym,
        }
        for r in found
    ]
    verb = "Would replace" if args.dry_run else "Replaced"
    if getattr(args, "map_out", None) and not args.dry_run:
        rows = [{k: v for k, v in r.items() if k != "original"} for r in rows]  # the map is kept apart
        return Result({"dry_run": False, "replacements": rows, "map_file": args.map_out},
                      f"Replaced {len(rows)} occurrences; the map is in {args.map_out} (encrypted).")  # fmt: skip
    text = f"{verb} {len(rows)} occurrences" + "".join(
        f"\n  {r['document']} [{r['start']}:{r['end']}] {r['original']} -> {r['pseudonym']}" for r in rows
    )
    return Result({"dry_run": args.dry_run, "replacements": rows}, text)


def history(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        document_id = names.document_id(project, args.document)
        entries = editing.document_history(project, document_id)
    rows = [
        {"at": e.at.isoformat(timespec="seconds"), "summary": e.summary, "edits": e.edits} for e in entries
    ]
    return Result(rows, "\n".join(f"{r['at']}  {r['summary']}" for r in rows) or "No corrections.")

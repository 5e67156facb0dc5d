"""The CLI reference (docs/cli.md), generated from the argument parser so that it cannot fall behind.

`python -m app.cli_reference` prints it; `python -m app.cli_reference --write` rewrites docs/cli.md. A test
checks that the file in the repository equals what the parser says.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import build_parser

HEADER = """# The `rapport` command line

Generated from the parser by `python -m app.cli_reference --write`; a test keeps it current.

`rapport` with no command opens the application. With `--json` a command prints one JSON document on stdout
and nothing else there. Exit status: 0 success; 1 an error you can fix (one line on stderr, nothing changed);
2 wrong usage. Documents, codes, coders and dyads may be named by id or by their unique name; positions are
Unicode code points, 0-based, end exclusive, into the text that `rapport text` prints.
"""


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            return [(name, sub, helps.get(name, "")) for name, sub in action.choices.items()]
    return []


def _argument(action: argparse.Action) -> str:
    if action.option_strings:
        name = ", ".join(action.option_strings)
        if action.nargs != 0:
            metavar = action.metavar or action.dest.upper()
            name += f" {' '.join(metavar) if isinstance(metavar, tuple) else metavar}"
            if action.nargs in ("+", "*"):
                name += " ..."
    else:
        name = str(action.metavar or action.dest)
    return f"`{name}`"


def render() -> str:
    parser, _ = build_parser()
    parts = [HEADER]
    for name, sub, help_text in sorted(_subcommands(parser)):
        parts.append(f"\n## `rapport {name}`\n\n{help_text[:1].upper() + help_text[1:]}.\n")
        usage = " ".join(sub.format_usage().split())
        parts.append(f"\n```\n{usage.removeprefix('usage: ')}\n```\n")
        rows = [a for a in sub._actions if not isinstance(a, argparse._HelpAction)]
        if rows:
            parts.append("\n| argument | meaning |\n|---|---|\n")
            for action in rows:
                meaning = (action.help or "").replace("|", "\\|").replace("\n", " ")
                if action.choices and not isinstance(action, argparse._SubParsersAction):
                    meaning = (meaning + f" (one of: {', '.join(map(str, action.choices))})").strip()
                default = action.default
                shown = default not in (None, False, "", argparse.SUPPRESS) and "default" not in meaning
                if shown and action.option_strings:
                    meaning = f"{meaning}; default {default}" if meaning else f"default {default}"
                parts.append(f"| {_argument(action)} | {meaning} |\n")
    return "".join(parts)


def reference_path() -> Path:
    return Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = render()
    if "--write" in args:
        reference_path().parent.mkdir(exist_ok=True)
        reference_path().write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

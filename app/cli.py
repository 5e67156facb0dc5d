"""The `rapport` command line: argparse sub-commands over the services (contract: shared/design/CLI.md).

Each module in `app/cli_commands/` registers its sub-commands with `register(commands)`; adding one is adding a
module. Exit status: 0 success; 1 an error the user caused (one line on stderr, nothing changed); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__
from app.domain.errors import RapportError, ReadOnlyProject
from app.services import protection
from app.services.project import Project, explain_failure, open_project, project_target

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


@dataclass
class Result:
    """What a command prints: `data` as JSON with --json, otherwise `text` (or a readable form of data)."""

    data: Any
    text: str | None = None
    exact: bool = False  # print `text` byte for byte (UTF-8), adding no newline


Handler = Callable[[argparse.Namespace], Result | None]


class Commands:
    """The registry handed to each command module."""

    def __init__(self, subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
        self._subparsers = subparsers
        self._common = common
        self.names: list[str] = []

    def add(
        self, name: str, handler: Handler, help: str, *, json_output: bool = True
    ) -> argparse.ArgumentParser:
        parents = [self._common] if json_output else []
        parser = self._subparsers.add_parser(name, help=help, description=help, parents=parents)
        parser.set_defaults(handler=handler, json=False)
        self.names.append(name)
        return parser


def command_modules() -> list[str]:
    import app.cli_commands as package

    return sorted(f"app.cli_commands.{info.name}" for info in pkgutil.iter_modules(package.__path__))


def build_parser() -> tuple[argparse.ArgumentParser, list[str]]:
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Rapport: offline qualitative coding of psychotherapy transcripts. "
        "Without a command, opens the application.",
    )
    parser.add_argument("--version", action="version", version=f"Rapport {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="the passphrase of an encrypted project (else RAPPORT_PASSPHRASE)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = Commands(subparsers, common)
    for module_name in command_modules():
        importlib.import_module(module_name).register(commands)
    return parser, commands.names


def command_names() -> list[str]:
    return build_parser()[1]


# -- helpers for command modules ------------------------------------------------------------------


@contextmanager
def project_for(args: argparse.Namespace, *, write: bool) -> Iterator[Project]:
    """Open `args.project` (a file or a server URL): writable for commands that change it, read-only (when
    possible) otherwise."""
    path = project_target(args.project)
    if write:
        project = open_project(path)
    else:
        try:
            project = open_project(path, read_only=True)
        except ReadOnlyProject:
            project = open_project(path)  # an older file: upgrade it (after a backup), then read
    try:
        yield project
    finally:
        project.close()


def exported(args: argparse.Namespace, what: str, path: Path | str) -> Path:
    """Record a report the command wrote (what, and where to) in the project's audit log; returns its path."""
    from app.services import audit

    with project_for(args, write=False) as project:
        return audit.record_export(project, what, path)


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project",
        metavar="PROJECT",
        help="the project file (.rapport), or a server database: postgresql://user@host[:port]/database",
    )


def render_text(data: Any) -> str:
    """A plain readable form for commands that do not format their own text."""
    if isinstance(data, dict):
        width = max((len(str(k)) for k in data), default=0)
        return "\n".join(f"{k:<{width}}  {_scalar(v)}" for k, v in data.items())
    if isinstance(data, list):
        if not data:
            return "(none)"
        if all(isinstance(row, dict) for row in data):
            keys = list(data[0].keys())
            rows = [[_scalar(row.get(k)) for k in keys] for row in data]
            widths = [max(len(k), *(len(r[i]) for r in rows)) for i, k in enumerate(keys)]
            lines = ["  ".join(k.ljust(w) for k, w in zip(keys, widths)).rstrip()]
            lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
            return "\n".join(lines)
        return "\n".join(_scalar(x) for x in data)
    return _scalar(data)


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- entry point ----------------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    parser, _ = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        protection.forget_passphrases()  # a run knows only the passphrases given to it
        protection.use_passphrase_file(getattr(args, "passphrase_file", None))
        result = args.handler(args)
    except RapportError as exc:
        print(f"rapport: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:
        # A full disk, a read-only disk, a failing drive: say which in one line. Anything else is a bug.
        explained = explain_failure(
            exc, getattr(exc, "filename", None) or getattr(args, "project", None) or ""
        )
        if explained is None:
            raise
        print(f"rapport: {_one_line(str(explained))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("rapport: interrupted; the last action was not saved.", file=sys.stderr)
        return 130
    if result is not None:
        _print(result, as_json=args.json)
    return EXIT_OK


def _one_line(message: str) -> str:
    """An error is one line on stderr, whatever text (SQL, a file's content) found its way into it."""
    return " ".join(message.split())


def _print(result: Result, *, as_json: bool) -> None:
    if as_json:
        out = json.dumps(result.data, ensure_ascii=False, indent=2) + "\n"
    elif result.text is not None:
        out = result.text if result.exact or result.text.endswith("\n") else result.text + "\n"
    else:
        out = render_text(result.data) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(out.encode("utf-8"))  # UTF-8 whatever the console's locale
    sys.stdout.buffer.flush()

"""`copy SOURCE TARGET`: move a project between a file and a team server database, unchanged.

Progress goes to stderr (rows copied of all rows), so `--json` output on stdout stays one document.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import Commands, Result
from app.services import copying

STEPS = 20  # progress lines: one every 5 %


def register(commands: Commands) -> None:
    parser = commands.add(
        "copy",
        copy_command,
        "copy a project between a file and a server database (postgresql://user@host:port/database), "
        "unchanged: ids, GUIDs, codings, memos, history, anchors, audit log; the target must be new or empty",
    )
    parser.add_argument("source", metavar="SOURCE", help="the project file or server address to copy")
    parser.add_argument("target", metavar="TARGET", help="a new project file, or an empty server database")
    parser.add_argument("--quiet", action="store_true", help="print no progress on stderr")


def copy_command(args: argparse.Namespace) -> Result:
    progress = None if args.quiet else StderrProgress()
    report = copying.copy_project(args.source, args.target, progress=progress)
    if progress is not None:
        progress.finish()
    data = report.as_dict()
    return Result(
        data,
        f"Copied {report.source} to {report.target}: {report.rows} rows "
        f"({data['documents']} documents, {data['codings']} codings, {data['memos']} memos, "
        f"{data['audit_log']} audit entries).",
    )


class StderrProgress:
    """`copying 45% (12000/26000 rows)` on stderr: rewritten in place on a terminal, a line a step otherwise."""

    def __init__(self) -> None:
        self._shown = -1
        self._terminal = sys.stderr.isatty()
        self._printed = False

    def __call__(self, done: int, total: int, _message: str) -> None:
        step = STEPS if total <= 0 else done * STEPS // total
        if step == self._shown:
            return
        self._shown = step
        line = f"copying {step * 100 // STEPS}% ({done}/{total} rows)"
        sys.stderr.write(f"\r{line}" if self._terminal else f"{line}\n")
        sys.stderr.flush()
        self._printed = True

    def finish(self) -> None:
        if self._terminal and self._printed:
            sys.stderr.write("\n")
            sys.stderr.flush()

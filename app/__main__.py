"""`python -m app` / `rapport`: the GUI, or the command line when given a sub-command.

rapport                 open the application (the last project, or the welcome screen)
rapport PATH            open that project in the application
rapport --demo          open a fresh copy of the demo study
rapport COMMAND ...     run a command without a window (see `rapport --help`)
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from app.cli import EXIT_USAGE, command_names, run

    if argv and (argv[0] in command_names() or argv[0] in ("-h", "--help", "--version")):
        return run(argv)
    first = argv[0] if argv else ""
    if first and not first.startswith("-") and not first.endswith(".rapport") and not Path(first).exists():
        print(
            f"rapport: {first!r} is neither a command nor a project file (see rapport --help)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from app.bootstrap import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())

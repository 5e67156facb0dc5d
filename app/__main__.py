"""`python -m app` / `rapport`: the GUI, or the command line when given a sub-command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from app.cli import command_names, run

    if argv and (argv[0] in command_names() or argv[0] in ("-h", "--help", "--version")):
        return run(argv)
    from app.bootstrap import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())

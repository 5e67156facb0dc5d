"""Run `rapport ...` in-process through the CLI's entry function, as the console script would.

The CLI tests use this instead of starting `python -m app` as a subprocess (about 4 s each on a busy machine);
a few smoke tests in tests/cli/test_entry_points.py still start the real executable.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class CliResult:
    """What a run printed and returned, shaped like subprocess.CompletedProcess."""

    args: list[str]
    returncode: int
    stdout_bytes: bytes
    stderr_bytes: bytes

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8")

    def json(self) -> Any:
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout)


class _Stream(io.TextIOWrapper):
    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def captured(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()


def rapport(*args: str | Path) -> CliResult:
    """`rapport ARGS...` in this process: exit code, stdout and stderr, never raising for a usage error."""
    from app.__main__ import main

    argv = [str(a) for a in args]
    out, err = _Stream(), _Stream()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse: --help, --version and usage errors
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    finally:
        sys.stdout, sys.stderr = saved
    return CliResult(argv, int(code), out.captured(), err.captured())


class BinaryCliResult(CliResult):
    """The same run with stdout and stderr as bytes, for tests that compare exact output."""

    @property
    def stdout(self) -> bytes:  # type: ignore[override]
        return self.stdout_bytes

    @property
    def stderr(self) -> bytes:  # type: ignore[override]
        return self.stderr_bytes

    def json(self) -> Any:
        assert self.returncode == 0, self.stderr_bytes.decode("utf-8")
        return json.loads(self.stdout_bytes.decode("utf-8"))


def rapport_binary(*args: str | Path) -> BinaryCliResult:
    """`rapport ARGS...` in this process, stdout and stderr kept as bytes."""
    run = rapport(*args)
    return BinaryCliResult(run.args, run.returncode, run.stdout_bytes, run.stderr_bytes)

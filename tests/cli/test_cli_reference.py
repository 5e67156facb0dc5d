"""docs/cli.md is the parser's own account of every command, so it cannot fall behind the CLI."""

from __future__ import annotations

from app.cli import command_names
from app.cli_reference import reference_path, render


def test_the_reference_in_the_repository_is_current() -> None:
    assert reference_path().read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run `python -m app.cli_reference --write`"
    )


def test_every_command_is_in_the_reference() -> None:
    text = render()
    for name in command_names():
        assert f"## `rapport {name}`" in text

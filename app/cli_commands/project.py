"""`new` and `info`: create a project and count what it holds."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, project_for, render_text
from app.services import project as project_service


def register(commands: Commands) -> None:
    parser = commands.add("new", new, "create an empty project")
    add_project_argument(parser)
    parser = commands.add("info", info, "count what a project holds")
    add_project_argument(parser)


def new(args: argparse.Namespace) -> Result:
    path = Path(args.project)
    with project_service.create_project(path) as project:
        schema = project_service.info(project).schema
    data = {"project": str(path), "schema": schema}
    return Result(data, f"Created {path} (schema {schema}).")


def info(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        data = project_service.info(project).as_dict()
    return Result(data, render_text(data))

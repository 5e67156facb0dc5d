"""`new` and `info`: create a project and count what it holds."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for, render_text
from app.services import project as project_service


def register(commands: Commands) -> None:
    parser = commands.add("new", new, "create an empty project")
    add_project_argument(parser)
    parser = commands.add("info", info, "count what a project holds")
    add_project_argument(parser)


def new(args: argparse.Namespace) -> Result:
    target = project_service.project_target(args.project)
    with project_service.create_project(target) as project:
        schema = project_service.info(project).schema
        where = project.location  # a server's address without its password
    data = {"project": where if project.is_server else str(target), "schema": schema}
    return Result(data, f"Created {data['project']} (schema {schema}).")


def info(args: argparse.Namespace) -> Result:
    with project_for(args, write=False) as project:
        data = project_service.info(project).as_dict()
    return Result(data, render_text(data))

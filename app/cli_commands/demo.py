"""`demo`: build the fictional demo study into a new project file and print its counts (as `info`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Commands, Result, add_project_argument, render_text
from app.domain.errors import InvalidInput
from app.services import project as project_service
from app.services.demo import build_demo


def register(commands: Commands) -> None:
    parser = commands.add(
        "demo", demo, "create the demo study (dyads, sessions, transcripts, recall interviews, two coders)"
    )
    add_project_argument(parser)


def demo(args: argparse.Namespace) -> Result:
    path = project_service.project_target(args.project)
    if isinstance(path, Path) and path.exists():
        raise InvalidInput(f"{path} already exists; the demo study needs a new file name.")
    with build_demo(path) as project:
        data = project_service.info(project).as_dict()
        where = project.location if project.is_server else str(path)
    return Result(data, f"Created the demo study in {where}.\n{render_text(data)}")

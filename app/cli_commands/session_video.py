"""`session-video`: show, set or clear the video of a dyad's session (played by the session timeline)."""

from __future__ import annotations

import argparse

from app.cli import Commands, Result, add_project_argument, project_for
from app.domain.errors import InvalidInput
from app.services.session_video import session_video, set_session_video


def register(commands: Commands) -> None:
    parser = commands.add(
        "session-video", session_video_command, "show, set or clear the video of a dyad's session"
    )
    add_project_argument(parser)
    parser.add_argument("dyad", metavar="DYAD", help="the dyad (id or name)")
    parser.add_argument("session", metavar="SESSION", type=int, help="the session number")
    parser.add_argument("file", nargs="?", metavar="FILE", help="the video file to set (omit to show it)")
    parser.add_argument("--clear", action="store_true", help="forget the session's video")


def session_video_command(args: argparse.Namespace) -> Result:
    if args.clear and args.file is not None:
        raise InvalidInput("Give a video file or --clear, not both.")
    changing = args.clear or args.file is not None
    with project_for(args, write=changing) as project:
        if changing:
            set_session_video(project, args.dyad, args.session, None if args.clear else args.file)
        path = session_video(project, args.dyad, args.session)
    data = {"dyad": args.dyad, "session": args.session, "video": path}
    return Result(data, f"{args.dyad} session {args.session}: {path or 'no session video'}")

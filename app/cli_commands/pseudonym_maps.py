"""`pseudonym-map`: read a pseudonym map kept apart (recorded in the project's audit log); and the options
`pseudonymise --map-out FILE` uses to write one."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.cli import Commands, Result, project_for
from app.domain.errors import InvalidInput
from app.services import protection
from app.services.pseudonymise import view_map

MAP_PASSPHRASE_ENV = "RAPPORT_MAP_PASSPHRASE"


def register(commands: Commands) -> None:
    parser = commands.add("pseudonym-map", show_map, "show a pseudonym map kept apart (re-identification)")
    parser.add_argument("map_file", metavar="MAPFILE", help="the encrypted map file pseudonymise wrote")
    parser.add_argument("--project", help="the project it belongs to: the viewing goes in its audit log")
    parser.add_argument(
        "--map-passphrase-file", metavar="FILE", help="the map's passphrase (else " + MAP_PASSPHRASE_ENV + ")"
    )


def add_map_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map-out",
        metavar="FILE",
        help="keep the map apart: write it to this new encrypted file, not the project",
    )
    parser.add_argument(
        "--map-passphrase-file", metavar="FILE", help=f"the map file's passphrase (else {MAP_PASSPHRASE_ENV})"
    )


def _map_passphrase(args: argparse.Namespace) -> str:
    if args.map_passphrase_file:
        return protection.new_passphrase(args.map_passphrase_file, file=args.map_passphrase_file)
    passphrase = os.environ.get(MAP_PASSPHRASE_ENV)
    if not passphrase:
        raise InvalidInput(
            f"Give the pseudonym map's passphrase in {MAP_PASSPHRASE_ENV} or with --map-passphrase-file."
        )
    return passphrase


def map_options(args: argparse.Namespace) -> dict:
    if not args.map_out:
        return {}
    return {"map_file": Path(args.map_out), "map_passphrase": _map_passphrase(args)}


def show_map(args: argparse.Namespace) -> Result:
    passphrase = _map_passphrase(args)
    if args.project:
        args.project = str(args.project)
        with project_for(args, write=False) as project:
            rows = view_map(Path(args.map_file), passphrase, project)
    else:
        rows = view_map(Path(args.map_file), passphrase)
    text = "\n".join(f"{r['real']} -> {r['pseudonym']}  ({r['document']}: {r['occurrences']})" for r in rows)
    return Result(rows, text or "(the map is empty)")

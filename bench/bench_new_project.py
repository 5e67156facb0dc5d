"""Benchmark: creating a new, empty project, as a ratio to running every migration; prints JSON.

A new project used to run all the Alembic migrations; now the first project of a process does, and later ones
start from a copy of that empty database at head (app/storage/migrate.py). Measured in alternating rounds
(migrations, creation, migrations, ...) so a busy machine slows both alike; medians over the rounds.
`first_creation` is the one-off cost in a fresh process (migrations included), reported apart.

    .venv/bin/python -m bench.bench_new_project [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    from app.storage import migrate

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        migrate.create_project_file(root / "first.rapport")
        first = time.perf_counter() - started
        migrating, creating = [], []
        for number in range(args.rounds):
            started = time.perf_counter()
            migrate._upgrade(root / f"migrated-{number}.sqlite")
            migrating.append(time.perf_counter() - started)
            started = time.perf_counter()
            migrate.create_project_file(root / f"new-{number}.rapport")
            creating.append(time.perf_counter() - started)
    every_migration, creation = statistics.median(migrating), statistics.median(creating)
    json.dump(
        {
            "rounds": args.rounds,
            "first_creation_s": round(first, 4),
            "every_migration_s": round(every_migration, 4),
            "new_project_s": round(creation, 4),
            "ratio_new_project_to_migrations": round(creation / every_migration, 3),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

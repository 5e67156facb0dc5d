"""A throwaway PostgreSQL cluster on 127.0.0.1, for the test suite and the benchmarks.

Debian's `postgresql` package gives `initdb` and `pg_ctl` under /usr/lib/postgresql/<version>/bin. The cluster lives
in a temporary folder; PostgreSQL refuses to run as root, so when we are root the folder is handed to the `postgres`
user and the server is started as that user. Connections are trusted from 127.0.0.1 only (a test cluster), the
server listens on a free port, and it is stopped (immediately) when the cluster object is closed.

The application never uses this module: a lab runs its own server (see the README).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADMIN = "rapport_admin"
START_TIMEOUT_S = 60


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed, or the cluster did not start."""


def server_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian layout), or the folder of `pg_ctl` on PATH."""
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        versions = sorted(
            (p for p in root.iterdir() if (p / "bin" / "pg_ctl").exists()),
            key=lambda p: int(p.name) if p.name.isdigit() else 0,
        )
        if versions:
            return versions[-1] / "bin"
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A running throwaway cluster: `url(database)` gives a libpq URL for one of its databases."""

    folder: Path
    port: int
    bin_dir: Path
    _as_postgres: bool
    _databases: list[str] = field(default_factory=list)
    _admin: Any = field(
        default=None, repr=False
    )  # one psycopg connection of the admin role, made on first use

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "rapport") -> str:
        """Create an empty database and return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._admin_execute(f'CREATE DATABASE "{name}"')
        self._databases.append(name)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        self._admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin_execute(self, statement: str) -> None:
        """A statement on the admin's own connection: making and dropping a database for each test through psql
        started a process twice a test."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url(), autocommit=True)
        self._admin.execute(statement)

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement with psql as the admin role; returns psql's output."""
        done = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                ADMIN,
                "-d",
                database,
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        self._run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
        return _run(args, self._as_postgres, check=check)


def _run(args: list[str], as_postgres: bool, *, check: bool = True) -> subprocess.CompletedProcess:
    if as_postgres:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
    if check and done.returncode != 0:
        raise ClusterUnavailable(
            f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[:2000]}"
        )
    return done


def start_cluster(base: Path | None = None) -> Cluster:
    """initdb + pg_ctl start a new cluster in a temporary folder; raises ClusterUnavailable if it cannot."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise ClusterUnavailable("PostgreSQL's server is not installed (Debian: apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="rapport-pg-", dir=base))
    if as_postgres:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ClusterUnavailable(
                "running as root, but there is no postgres user to run the server"
            ) from exc
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        folder.chmod(0o700)
    data = folder / "data"
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            ADMIN,
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
        ],
        as_postgres,
    )
    port = _free_port()
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "start",
        ],
        as_postgres,
    )
    return Cluster(folder=folder, port=port, bin_dir=bin_dir, _as_postgres=as_postgres)

"""Real failing disks for the hostile-input tests: a small tmpfs that can be filled or made read-only.

Mounting needs root (CI runs as root); elsewhere the tests that need a real disk are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class SmallDisk:
    """A tmpfs of a few megabytes mounted at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fill(self) -> None:
        """Write a filler file until the disk has no free byte left."""
        chunk = b"\0" * 65536
        with open(self.path / "filler.bin", "wb", buffering=0) as handle:
            with contextlib.suppress(OSError):
                while True:
                    handle.write(chunk)
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0")

    def make_read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True, capture_output=True)

    def make_writable(self) -> None:
        subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root (CI runs as root)")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"this machine cannot mount a tmpfs: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield SmallDisk(mount_point)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def snapshot(path: Path) -> dict[str, bytes]:
    """The bytes of a project file and its non-empty write-ahead log, to prove an action changed nothing."""
    return {
        p.name: p.read_bytes()
        for p in sorted(path.parent.glob(path.name + "*"))
        if not p.name.endswith((".lock", "-shm")) and (p.name == path.name or p.stat().st_size)
    }

"""Copies of the demo study that the `demo_original` fixture (tests/conftest.py) builds once per test process."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_of_demo(original: Path, target: Path) -> Path:
    """A fresh copy of the demo study at `target`, to change at will (the original is never opened)."""
    shutil.copyfile(original, target)
    return target

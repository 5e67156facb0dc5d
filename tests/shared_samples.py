"""The REFI-QDA schemas and real exports in ../shared/refi-qda: required in CI, skipped only on a bare checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda"
SAMPLES = SHARED / "samples"


def require_shared(path: Path) -> Path:
    """`path` under shared/: CI fails without it (a green run must not hide untested exchange), a developer skips."""
    if path.exists():
        return path
    message = f"{path} is missing: copy shared/ beside the checkout"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)

"""Pytest plugin (loaded by tests/conftest.py): the suite's own settings that make it fast and free of timing
without changing what it tests.

Hypothesis: no deadline and no "input generation is slow" health check. Both are timed assertions, which
fail on a busy machine (the first example of a process also pays Hypothesis's one-off scan of the project's
modules for constants); speed is measured by the benchmarks in bench/.

Waits: pytest-qt's waits (waitUntil, waitSignal...) give up after 5 s unless told otherwise, which a background
task can exceed on a loaded machine; the suite gives them 60 s. A wait still ends as soon as its condition holds,
so a passing test is no slower.

Key derivation: every new encrypted file costs SQLCipher 4's 256,000 PBKDF2 rounds (about a second on a busy
two-core machine), so the suite derives keys with 1,000 rounds, through the same code paths and the same
setting (`cipher.KDF_ITERATIONS`, which Rapport passes to SQLCipher wherever SQLCipher derives a key itself).
Tests marked `real_key_derivation` run with the shipped number and check that files open in stock SQLCipher 4.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

TEST_KDF_ITERATIONS = 1_000
WAIT_LIMIT_MS = 60_000
QT_WAITS = ("waitUntil", "waitSignal", "waitSignals", "waitCallback", "waitExposed", "waitActive")

settings.register_profile("rapport-suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("rapport-suite")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_key_derivation: derive encryption keys with the shipped number of PBKDF2 rounds"
    )
    from pytestqt.qtbot import QtBot

    for name in QT_WAITS:  # only the default: a test that names its own timeout keeps it
        getattr(QtBot, name).__kwdefaults__["timeout"] = WAIT_LIMIT_MS


@pytest.fixture(autouse=True)
def _key_derivation_rounds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    from app.storage import cipher

    if request.node.get_closest_marker("real_key_derivation") is None:
        monkeypatch.setattr(cipher, "KDF_ITERATIONS", TEST_KDF_ITERATIONS)
    cipher._raw_key.cache_clear()  # keys derived with the other number must not be reused
    yield
    cipher._raw_key.cache_clear()

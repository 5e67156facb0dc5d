"""Pytest plugin (loaded by tests/conftest.py): the suite's own settings that make it fast and free of timing
without changing what it tests.

Hypothesis: no deadline and no "input generation is slow" health check. Both are timed assertions, which
fail on a busy machine (the first example of a process also pays Hypothesis's one-off scan of the project's
modules for constants); speed is measured by the benchmarks in bench/.

Key derivation: every new encrypted file costs SQLCipher 4's 256,000 PBKDF2 rounds (about a second on a busy
two-core machine), so the suite derives keys with 1,000 rounds, through the same code paths and the same
setting (`cipher.KDF_ITERATIONS`, which Rapport passes to SQLCipher wherever SQLCipher derives a key itself).
Tests marked `real_key_derivation` run with the shipped number and check that files open in stock SQLCipher 4.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

TEST_KDF_ITERATIONS = 1_000

settings.register_profile("rapport-suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("rapport-suite")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_key_derivation: derive encryption keys with the shipped number of PBKDF2 rounds"
    )


@pytest.fixture(autouse=True)
def _key_derivation_rounds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    from app.storage import cipher

    if request.node.get_closest_marker("real_key_derivation") is None:
        monkeypatch.setattr(cipher, "KDF_ITERATIONS", TEST_KDF_ITERATIONS)
    cipher._raw_key.cache_clear()  # keys derived with the other number must not be reused
    yield
    cipher._raw_key.cache_clear()

"""Fixtures for device tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest


@pytest.fixture
def no_leaked_threads() -> Iterator[None]:
    """Fails a test that leaves a reader, emulator or pty thread running."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and set(threading.enumerate()) - before:
        time.sleep(0.01)
    assert set(threading.enumerate()) - before == set()

"""Shared fixtures. Tests run headless: SDL gets dummy video and audio drivers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHOOTOFF_DIR = REPO_ROOT.parent / "shared" / "peer-data" / "shootoff"


@pytest.fixture
def shootoff_dir() -> Path:
    if not (SHOOTOFF_DIR / "expected.json").is_file():
        pytest.fail(f"peer data not found at {SHOOTOFF_DIR}: it must sit beside the checkout")
    return SHOOTOFF_DIR

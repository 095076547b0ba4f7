"""Shared fixtures. Tests run headless: SDL gets dummy video and audio drivers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from hardware.vision.evaluate import Judgement

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHOOTOFF_DIR = REPO_ROOT.parent / "shared" / "peer-data" / "shootoff"
KNOWN_GAPS = REPO_ROOT / "tests" / "data" / "vision" / "known_gaps.json"


def _peer_data() -> Path:
    if not (SHOOTOFF_DIR / "expected.json").is_file():
        pytest.fail(f"peer data not found at {SHOOTOFF_DIR}: it must sit beside the checkout")
    return SHOOTOFF_DIR


@pytest.fixture
def shootoff_dir() -> Path:
    return _peer_data()


@pytest.fixture(scope="session")
def peer_judgement() -> Judgement:
    """The peer's corpus (clips, stills, calibration views) judged once per session, by the
    judge `holdfire judge-clips` uses, with the documented known gaps; tests assert on it."""
    from hardware.vision.evaluate import judge_corpus
    from hardware.vision.judge import load_expected
    from hardware.vision.known_gaps import load_known_gaps

    root = _peer_data()
    return judge_corpus(root, load_expected(root / "expected.json"), load_known_gaps(KNOWN_GAPS))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of the judged peer corpus are slow: judging it takes half a minute, so the
    fast loop (`-m "not slow"`) leaves it to the full run, which judges it once."""
    for item in items:
        if "peer_judgement" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)

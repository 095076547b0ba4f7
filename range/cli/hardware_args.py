"""Argument types for the hardware commands (`listen`, `replica-sim`, `detect`,
`calibrate`, ...), beside the shared ones in `args`: each turns a word into a checked
value or says, in argparse's one line, what it expected. Nothing heavy is imported."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from pathlib import Path

_WHOLE = re.compile(r"[0-9]{1,12}", re.ASCII)  # ASCII digits: int() takes '²' and '٣' too


def number(low: float, high: float, what: str) -> Callable[[str], float]:
    """A finite number within [low, high]; `what` names its unit ("pulls per second")."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        # nan and inf parse as floats, and then spin or crash whatever counts by them
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"expected {what} from {low:g} to {high:g}, "
                                             f"found {text!r}")
        return value
    return parse


def count(low: int, high: int, what: str) -> Callable[[str], int]:
    """A whole number within [low, high], in ASCII digits."""
    def parse(text: str) -> int:
        if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"expected {what}, a whole number from {low} to "
                                             f"{high}, found {text!r}")
        return int(text)
    return parse


def folder(text: str) -> Path:
    """A folder that exists: output goes into it, and a typo should not make a new one."""
    path = Path(text)
    if not text:
        raise argparse.ArgumentTypeError("expected a folder, found nothing")
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"expected a folder, found a file {text!r}")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"expected an existing folder, found no folder "
                                         f"{text!r}")
    return path

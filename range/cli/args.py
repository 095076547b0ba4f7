"""Argument types for the command line: each turns a word into a checked value or says,
in argparse's one line, what it expected."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

MAX_SEED = 2**63 - 1  # numpy's generators take any non-negative seed; this keeps logs exact


def seed(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to 2^63-1, found {text!r}")
    return value


def seconds(low: float, high: float) -> Callable[[str], float]:
    """A finite time in seconds within [low, high]."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of seconds, found "
                                             f"{text!r}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"expected seconds from {low:g} to {high:g}, "
                                             f"found {text!r}")
        return value
    return parse


def output_file(suffix: str) -> Callable[[str], Path]:
    """A file to write: named with `suffix`, in a folder that exists, not a folder itself.
    The file itself is checked where it is written (it may or may not exist yet)."""
    def parse(text: str) -> Path:
        path = Path(text)
        if not text or path.is_dir():
            raise argparse.ArgumentTypeError(f"expected a {suffix} file name, found a folder "
                                             f"{text!r}" if text else f"expected a {suffix} "
                                             "file name, found nothing")
        if path.suffix.lower() != suffix:
            raise argparse.ArgumentTypeError(f"expected a file name ending {suffix}, found "
                                             f"{text!r}")
        if not path.absolute().parent.is_dir():
            raise argparse.ArgumentTypeError(f"expected a file in an existing folder, found "
                                             f"no folder {str(path.absolute().parent)!r}")
        return path
    return parse

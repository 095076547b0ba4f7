"""Argument types for the command line: each turns a word into a checked value or says,
in argparse's one line, what it expected."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from pathlib import Path

MAX_SEED = 2**63 - 1  # numpy's generators take any non-negative seed; this keeps logs exact

_WHOLE = re.compile(r"[0-9]{1,25}", re.ASCII)  # ASCII digits: int() takes '²' and '٣' too


def seed(text: str) -> int:
    if not _WHOLE.fullmatch(text.removeprefix("-")):
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}")
    value = int(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to 2^63-1, found {text!r}")
    return value


def seconds(low: float, high: float) -> Callable[[str], float]:
    """A finite time in seconds within [low, high]."""
    return number(low, high, "seconds")


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

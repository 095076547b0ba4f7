"""Device URLs shared by every device family: telling a URL from a file path, and numbers
in URL parameters (`cam:0?fps=60`, `sim:?rate=2&seed=3`), so a bad parameter reads the
same wherever it is given."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from hardware.errors import DeviceUrlError

# A URL scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.') of two characters
# or more: a single letter before the colon is a Windows drive (`C:\clip.mp4`, `C:clip`).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}", re.ASCII)  # short: int() refuses 4300+ digits
MAX_SEED = 2**63 - 1  # as the command line's --seed


def is_device_url(text: str) -> bool:
    """Whether `text` names a device by URL (`cam:0`, `video:clip.mp4`, `synthetic:?seed=3`,
    `socket://host:1`, `loop://`, `sim:?model=x`) rather than being a file path
    (`clip.mp4`, `/dev/ttyUSB0`, `C:\\clip.mp4`, `C:/clip.mp4`, `dir/a:b.mp4`)."""
    return _SCHEME.match(text) is not None


def number_param(url: str, params: Mapping[str, str], name: str, default: float,
                 minimum: float | None = None, maximum: float | None = None) -> float:
    """A finite number within [minimum, maximum] (either may be left open)."""
    text = params.get(name)
    if text is None:
        return float(default)
    expected = _expected("a number", minimum, maximum)
    try:
        value = float(text)
    except ValueError:
        raise DeviceUrlError(f"{url}: {name} expected {expected}, found {text!r}") from None
    # nan and inf parse as floats, and then crash whatever divides or counts by them
    if not math.isfinite(value) or (minimum is not None and value < minimum) or (
            maximum is not None and value > maximum):
        raise DeviceUrlError(f"{url}: {name} expected {expected}, found {text!r}")
    return value


def whole_param(url: str, params: Mapping[str, str], name: str, default: int,
                minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number within [minimum, maximum], written in ASCII digits (`int` would take
    '²' or '٣' too)."""
    text = params.get(name)
    if text is None:
        return default
    value = int(text) if _WHOLE.fullmatch(text) else None
    if value is None or (minimum is not None and value < minimum) or (
            maximum is not None and value > maximum):
        raise DeviceUrlError(f"{url}: {name} expected "
                             f"{_expected('a whole number', minimum, maximum)}, found {text!r}")
    return value


def _expected(what: str, minimum: float | None, maximum: float | None) -> str:
    low, high = _shown(minimum), _shown(maximum)
    if low and high:
        return f"{what} from {low} to {high}"
    if low or high:
        return f"{what} >= {low}" if low else f"{what} <= {high}"
    return what


def _shown(bound: float | None) -> str:
    """A bound as written: whole ones in full (a seed's 2^63-1), others short."""
    if bound is None:
        return ""
    return str(bound) if isinstance(bound, int) else f"{bound:g}"

"""Device URLs shared by every device family: telling a URL from a file path, and numbers
in URL parameters (`cam:0?fps=60`, `sim:?rate=2&seed=3`), so a bad parameter reads the
same wherever it is given."""

from __future__ import annotations

import re
from collections.abc import Mapping

from hardware.errors import DeviceUrlError

# A URL scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.') of two characters
# or more: a single letter before the colon is a Windows drive (`C:\clip.mp4`, `C:clip`).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


def is_device_url(text: str) -> bool:
    """Whether `text` names a device by URL (`cam:0`, `video:clip.mp4`, `synthetic:?seed=3`,
    `socket://host:1`, `loop://`, `sim:?model=x`) rather than being a file path
    (`clip.mp4`, `/dev/ttyUSB0`, `C:\\clip.mp4`, `C:/clip.mp4`, `dir/a:b.mp4`)."""
    return _SCHEME.match(text) is not None


def number_param(url: str, params: Mapping[str, str], name: str, default: float,
                 minimum: float | None = None) -> float:
    text = params.get(name)
    if text is None:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        raise DeviceUrlError(f"{url}: {name} expected a number, found {text!r}") from None
    if minimum is not None and value < minimum:
        raise DeviceUrlError(f"{url}: {name} expected a number >= {minimum:g}, found {text!r}")
    return value


def whole_param(url: str, params: Mapping[str, str], name: str, default: int,
                minimum: int | None = None) -> int:
    value = number_param(url, params, name, default, minimum)
    if not value.is_integer():
        raise DeviceUrlError(f"{url}: {name} expected a whole number, found "
                             f"{params[name]!r}")
    return int(value)

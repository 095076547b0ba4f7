"""Numbers in device URL parameters (`cam:0?fps=60`, `sim:?rate=2&seed=3`), shared by
every device family so a bad parameter reads the same wherever it is given."""

from __future__ import annotations

from collections.abc import Mapping

from hardware.errors import DeviceUrlError


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

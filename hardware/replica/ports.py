"""Replica devices by URL, in the spirit of pyserial's `serial_for_url`.

`/dev/ttyUSB0`, any absolute path, `COM3`, `socket://host:port`, `rfc2217://host:port` and
`loop://` go to pyserial; `sim:?model=taser7&faults=drop:0.01&seed=3` is an emulated
replica inside this process. A `Port` can be opened again and again (after an unplug);
each `open()` gives a `Transport` with blocking-with-timeout reads.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

import serial

from hardware.clock import Clock, MonotonicClock
from hardware.errors import DeviceUnavailable, DeviceUrlError
from hardware.replica.emulator import ReplicaEmulator
from hardware.replica.endpoints import SocketEndpoint
from hardware.replica.faults import Faults
from hardware.replica.models import MODELS
from hardware.replica.protocol import ProtocolError
from hardware.replica.schedule import MAX_RATE_HZ
from hardware.urls import MAX_SEED, number_param, whole_param

READ_TIMEOUT_S = 0.05
MAX_LANE = 255  # the HELLO's lane field
_PYSERIAL_SCHEMES = ("socket://", "rfc2217://", "loop://", "spy://")
_COM_RE = re.compile(r"COM\d{1,3}", re.IGNORECASE)
URL_FORMS = "/dev/ttyUSB0 (any absolute path), COM3, socket://host:port, loop://, sim:?model=..."


class Transport(Protocol):
    def read(self) -> bytes:
        """What has arrived, waiting up to READ_TIMEOUT_S; b"" if nothing. Raises
        DeviceUnavailable when the device has gone (unplugged)."""
        ...

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class Port(Protocol):
    url: str

    def open(self) -> Transport: ...

    def close(self) -> None:
        """Release whatever stands behind the URL (an emulator)."""
        ...

    def check(self) -> None:
        """Raise the error that stopped whatever stands behind the URL, if one did."""
        ...


def port_for_url(url: str, clock: Clock | None = None, baudrate: int = 115200) -> Port:
    """The port a URL names. Checks the URL; opens nothing yet."""
    if url.startswith("sim:"):
        return SimPort(url, clock or MonotonicClock())
    if url.startswith("/") or _COM_RE.fullmatch(url) or url.startswith(_PYSERIAL_SCHEMES):
        return SerialPort(url, baudrate)
    raise DeviceUrlError(f"replica URL {url!r}: expected one of {URL_FORMS}")


class SerialTransport:
    """A pyserial device. Where it has a file descriptor (serial ports, socket://) we
    wait with select and read whatever is there without blocking; otherwise (loop://,
    Windows) we block for one byte and then take what is waiting."""

    def __init__(self, url: str, device: serial.SerialBase) -> None:
        self.url, self._device = url, device
        self._fd = _fileno(device)
        if self._fd is not None:
            device.timeout = 0

    def read(self) -> bytes:
        try:
            if self._fd is not None:
                if not select.select([self._fd], [], [], READ_TIMEOUT_S)[0]:
                    return b""
                return bytes(self._device.read(4096))  # raises at EOF, never drops bytes
            data = bytes(self._device.read(1))
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(f"{self.url}: lost the device: {exc}") from exc
        try:
            waiting = self._device.in_waiting if data else 0  # type: ignore[attr-defined]
            return data + bytes(self._device.read(waiting)) if waiting else data
        except (serial.SerialException, OSError):
            return data  # keep this byte; the next read reports the loss

    def write(self, data: bytes) -> None:
        try:
            self._device.write(data)
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(f"{self.url}: write failed: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(serial.SerialException, OSError):  # gone with the cable
            self._device.close()


def _fileno(device: serial.SerialBase) -> int | None:
    try:
        return int(device.fileno())
    except (AttributeError, OSError, ValueError):
        return None


class SerialPort:
    def __init__(self, url: str, baudrate: int) -> None:
        self.url, self.baudrate = url, baudrate

    def open(self) -> Transport:
        try:
            device = serial.serial_for_url(self.url, baudrate=self.baudrate,
                                           timeout=READ_TIMEOUT_S, write_timeout=1.0)
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(f"{self.url}: cannot open: {exc}") from exc
        except ValueError as exc:
            raise DeviceUrlError(f"replica URL {self.url!r}: {exc}") from exc
        return SerialTransport(self.url, device)

    def close(self) -> None:
        pass

    def check(self) -> None:
        pass  # a real device's troubles show as a lost link, not here


class SocketTransport:
    """The host side of a `sim:` cable."""

    def __init__(self, url: str, sock: socket.socket) -> None:
        self.url, self._sock = url, sock

    def read(self) -> bytes:
        try:
            ready, _, _ = select.select([self._sock], [], [], READ_TIMEOUT_S)
            if not ready:
                return b""
            data = self._sock.recv(65536)
        except OSError as exc:
            raise DeviceUnavailable(f"{self.url}: read failed: {exc}") from exc
        if not data:
            raise DeviceUnavailable(f"{self.url}: the replica was unplugged")
        return data

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise DeviceUnavailable(f"{self.url}: write failed: {exc}") from exc

    def close(self) -> None:
        self._sock.close()


class SimPort:
    """`sim:?model=pistol&id=P1&faults=corrupt:0.01&seed=3&rate=0.5&lane=1`: an emulated
    replica on an in-process cable, started at the first open. `rate` is trigger pulls
    per second at random times (0: only when `emulator.pull()` is called)."""

    PARAMS = ("model", "id", "faults", "seed", "rate", "lane")

    def __init__(self, url: str, clock: Clock) -> None:
        self.url = url
        params = _sim_params(url)
        model = params.get("model", "pistol")
        if model not in MODELS:
            raise DeviceUrlError(f"{url}: model expected one of {', '.join(MODELS)}, "
                                 f"found {model!r}")
        self.rate = number_param(url, params, "rate", 0.0, 0, MAX_RATE_HZ)
        self._endpoint = SocketEndpoint(url)
        try:
            self.emulator = ReplicaEmulator(
                MODELS[model](), self._endpoint, params.get("id", f"{model}-sim"),
                faults=Faults.parse(params.get("faults", ""), f"{url}: faults"),
                seed=whole_param(url, params, "seed", 0, 0, MAX_SEED), clock=clock,
                lane=whole_param(url, params, "lane", 0, 0, MAX_LANE))
        except ProtocolError as exc:  # an id the HELLO cannot carry
            raise DeviceUrlError(f"{url}: {exc}") from None
        self._started = False

    def open(self) -> Transport:
        if not self._started:
            self._started = True
            self.emulator.start()
            if self.rate > 0:
                self.emulator.auto_fire(self.rate)
        return SocketTransport(self.url, self._endpoint.take())

    def close(self) -> None:
        self.emulator.stop()

    def check(self) -> None:
        self.emulator.check()


def _sim_params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    if parts.path or parts.netloc:
        raise DeviceUrlError(f"{url}: expected sim:?name=value&..., found {parts.path!r} "
                             "before the '?'")
    try:
        pairs = parse_qsl(parts.query, strict_parsing=bool(parts.query))
    except ValueError:
        raise DeviceUrlError(f"{url}: expected name=value pairs after '?'") from None
    for name, _ in pairs:
        if name not in SimPort.PARAMS:
            raise DeviceUrlError(f"{url}: unknown parameter {name!r}; expected one of "
                                 f"{', '.join(SimPort.PARAMS)}")
    return dict(pairs)

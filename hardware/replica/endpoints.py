"""The device side of an emulated serial cable: a pty pair (a real tty device a serial
program can open by path) or an in-process socket pair (for `sim:` URLs). Both can be
unplugged and plugged back in."""

from __future__ import annotations

import os
import socket
import threading
import tty
from pathlib import Path
from typing import Protocol

from hardware.errors import DeviceUnavailable


class Endpoint(Protocol):
    def plug(self) -> int:
        """Create the cable; return the device side's file descriptor (non-blocking)."""
        ...

    def unplug(self) -> None: ...

    @property
    def device_path(self) -> str: ...


class PtyEndpoint:
    """A pseudo-terminal pair. The host opens the slave by path; when `link_path` is given
    it is a symlink to the current slave, so the path survives an unplug and replug the
    way `/dev/serial/by-id/...` does for real adapters."""

    def __init__(self, link_path: Path | None = None) -> None:
        self.link_path = link_path
        self._master = -1
        self._slave = -1
        self._slave_name = ""

    @property
    def device_path(self) -> str:
        return str(self.link_path) if self.link_path else self._slave_name

    def plug(self) -> int:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing: bytes pass through unchanged
        os.set_blocking(master, False)
        # The emulator keeps the slave open too: otherwise reading the master fails with
        # EIO whenever no host has the port open.
        self._master, self._slave, self._slave_name = master, slave, os.ttyname(slave)
        if self.link_path is not None:
            temp = self.link_path.with_name(self.link_path.name + ".new")
            temp.unlink(missing_ok=True)
            os.symlink(self._slave_name, temp)
            os.replace(temp, self.link_path)
        return master

    def unplug(self) -> None:
        if self.link_path is not None:
            self.link_path.unlink(missing_ok=True)
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1


class SocketEndpoint:
    """A socket pair inside this process; the link takes the host side with `take()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._device: socket.socket | None = None
        self._host: socket.socket | None = None

    @property
    def device_path(self) -> str:
        return self.url

    def plug(self) -> int:
        device, host = socket.socketpair()
        device.setblocking(False)
        with self._lock:
            self._device, self._host = device, host
        return device.fileno()

    def unplug(self) -> None:
        with self._lock:
            for sock in (self._device, self._host):
                if sock is not None:
                    sock.close()
            self._device = self._host = None

    def take(self) -> socket.socket:
        """The host side of the current cable; each plug-in can be taken once."""
        with self._lock:
            host, self._host = self._host, None
        if host is None:
            raise DeviceUnavailable(f"{self.url}: the emulated replica is unplugged")
        return host

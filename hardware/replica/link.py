"""A live link to one replica: a thin reader thread around `core.LinkCore`.

The thread only reads the port, stamps each read with the host clock (`rx_ns`), hands the
bytes to the core, writes the frames the core asks for (WHO, pings) and reopens the port
after an unplug. Everything the link decides (holding, naming, stamping, counting) is the
core's, and is tested there without threads.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from hardware.clock import Clock, MonotonicClock
from hardware.errors import DeviceUnavailable, LinkError
from hardware.replica.core import LinkCore, LinkEvent, Step
from hardware.replica.ports import Port, Transport, port_for_url
from hardware.replica.protocol import HostMessage, encode

BACKOFF_FIRST_S = 0.02
BACKOFF_MAX_S = 0.25  # keeps a replugged replica back well within a second


class ReplicaLink:
    def __init__(
        self,
        url: str | Port,
        clock: Clock | None = None,
        on_event: Callable[[LinkEvent], None] | None = None,
        ping_interval_s: float = 0.05,
    ) -> None:
        self.clock: Clock = clock or MonotonicClock()
        self.port = port_for_url(url, self.clock) if isinstance(url, str) else url
        self.url = self.port.url
        self.core = LinkCore(self.url, int(ping_interval_s * 1e9))
        self._on_event = on_event
        self._events: queue.Queue[LinkEvent] = queue.Queue()
        self._transport: Transport | None = None
        # Held while the core runs and its frames are written, so host frames leave in
        # the order they were numbered and `send` from another thread cannot interleave.
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None  # what stopped the reader, if anything

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> ReplicaLink:
        """Open the device (raising DeviceUnavailable if it is not there) and start reading."""
        try:
            self._connect(self.port.open())
        except DeviceUnavailable:
            self._take_transport()
            self.port.close()  # an emulator behind a sim: URL stops with it
            raise
        self._thread = threading.Thread(target=self._run, name=f"link {self.url}", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        with self._lock:
            transport = self._take_transport()
            step = self.core.close(self.clock.now_ns())
        if transport is not None:
            transport.close()
        self._publish(step)
        self.port.close()

    def __enter__(self) -> ReplicaLink:
        return self.start() if self._thread is None else self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._transport is not None

    # -- consuming ------------------------------------------------------------------------

    def get(self, timeout_s: float = 1.0) -> LinkEvent | None:
        try:
            return self._events.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def drain(self) -> Iterator[LinkEvent]:
        while True:
            try:
                yield self._events.get_nowait()
            except queue.Empty:
                return

    def send(self, message: HostMessage) -> None:
        """Send a command (recoil, lockout, malfunction); the core numbers it."""
        with self._lock:
            self._writable().write(encode(self.core.command(message)))

    def write(self, data: bytes) -> None:
        """Raw bytes to the device: for `loop://` tests and diagnostics."""
        with self._lock:
            self._writable().write(data)

    def check(self) -> None:
        """Raise the error that stopped the device behind the link (an emulator), or the
        reader thread, if one did. The device first: a device that died takes the link
        down with it, and which of the two threads noticed first is the scheduler's
        choice, so the cause is said, not its consequence."""
        self.port.check()
        if self._failure is not None:
            raise LinkError(f"{self.url}: the link stopped reading: {self._failure}")

    def error_counters(self) -> dict[str, int]:
        with self._lock:
            return self.core.error_counters()

    # -- the reader thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._read_until_stopped()
        except Exception as exc:  # kept for check(): a reader must not die unheard
            self._failure = exc

    def _read_until_stopped(self) -> None:
        while not self._stop.is_set():
            transport = self._transport
            if transport is None:
                self._reconnect()
                continue
            try:
                self._read(transport)
            except DeviceUnavailable as exc:
                self._lost(str(exc))

    def _read(self, transport: Transport) -> None:
        data = transport.read()
        rx_ns = self.clock.now_ns()
        with self._lock:
            step = self.core.feed(data, rx_ns) if data else Step()
            step.then(self.core.tick(self.clock.now_ns()))
            failure = self._write(transport, step)
        self._publish(step)
        if failure is not None:
            raise failure

    def _connect(self, transport: Transport) -> None:
        with self._lock:
            self._transport = transport
            step = self.core.connect(self.clock.now_ns())
            failure = self._write(transport, step)
        self._publish(step)
        if failure is not None:
            raise failure

    def _lost(self, detail: str) -> None:
        with self._lock:
            transport = self._take_transport()
            step = self.core.disconnect(self.clock.now_ns(), detail)
        if transport is not None:
            transport.close()
        self._publish(step)

    def _reconnect(self) -> None:
        delay = BACKOFF_FIRST_S
        while not self._stop.wait(delay):
            try:
                transport = self.port.open()
            except DeviceUnavailable:
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            try:
                self._connect(transport)
            except DeviceUnavailable as exc:
                self._lost(str(exc))
                continue
            return

    # -- helpers (the caller holds the lock where it says so) -----------------------------

    def _write(self, transport: Transport, step: Step) -> DeviceUnavailable | None:
        """Write the step's frames; the failure is returned, so the step's events are
        still published before the link reports the loss."""
        try:
            for message in step.send:
                transport.write(encode(message))
        except DeviceUnavailable as exc:
            return exc
        return None

    def _writable(self) -> Transport:
        if self._transport is None:
            raise DeviceUnavailable(f"{self.url}: not connected")
        return self._transport

    def _take_transport(self) -> Transport | None:
        transport, self._transport = self._transport, None
        return transport

    def _publish(self, step: Step) -> None:
        for event in step.events:
            self._events.put(event)
            if self._on_event is not None:
                self._on_event(event)

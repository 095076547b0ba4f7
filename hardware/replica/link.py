"""A live link to one replica: a reader thread that parses, stamps, syncs clocks and
reconnects after an unplug.

Every message becomes a `LinkEvent` stamped with the host time its bytes were read
(`rx_ns`) and, when it carries a device time, that time mapped to the host clock
(`t_ns`). Trigger pulls also become `TriggerEvent`s (wrapped in `TriggerReport` with what
fusion needs: laser colour, lane, cartridge).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from hardware.clock import Clock, MonotonicClock
from hardware.errors import DeviceUnavailable
from hardware.events import TriggerEvent
from hardware.replica.clocksync import ClockMap
from hardware.replica.parser import Parser, StreamReset
from hardware.replica.ports import Port, Transport, port_for_url
from hardware.replica.protocol import (
    PROTOCOL_VERSION,
    Cartridge,
    DeviceMessage,
    Hello,
    HostMessage,
    Message,
    Ping,
    Pong,
    Query,
    Trigger,
    Unknown,
    encode,
)

BACKOFF_FIRST_S = 0.02
BACKOFF_MAX_S = 0.25  # keeps a replugged replica back well within a second
HOLD_MAX_NS = 500_000_000  # longest wait for HELLO and the first pong after a connect
_FAMILY = {"m26": "x26", "x26": "x26", "x26p": "x26", "x2": "x26"}
DEFAULT_TASER7_BAYS = {1: "cq", 2: "so"}


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """Not a wire frame: the cable came or went."""

    state: str  # "connected", "disconnected", "incompatible" (a newer protocol version)
    detail: str


@dataclass(frozen=True, slots=True)
class TriggerReport:
    """A trigger pull with what fusion needs beyond `TriggerEvent`."""

    event: TriggerEvent
    weapon: str  # the Shot weapon name: "pistol", "x26", "taser7-cq", "taser7-so", "taser10"
    fired: bool
    laser: str
    lane: int
    pulse_us: int
    rx_ns: int
    synced: bool  # False: no pong yet, so t_ns fell back to the receipt time


@dataclass(frozen=True, slots=True)
class LinkEvent:
    rx_ns: int  # host monotonic time the bytes were read
    t_ns: int  # device time mapped to host time; rx_ns if none or not synced yet
    replica_id: str
    message: DeviceMessage | Unknown | StreamReset | LinkStatus
    trigger: TriggerReport | None = None


@dataclass(slots=True)
class ReplicaInfo:
    replica_id: str
    model: str = "unknown"
    laser: str = "red"
    lane: int = 0
    pulse_us: int = 1000
    firmware: str = ""


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
        self.parser = Parser()
        self.clock_map = ClockMap()
        self.info = ReplicaInfo(self.url)
        self.bays = dict(DEFAULT_TASER7_BAYS)
        self.counters = {"connects": 0, "disconnects": 0, "pings": 0, "pongs": 0,
                         "stale_pongs": 0, "triggers": 0, "proto_mismatch": 0}
        self._on_event = on_event
        self._events: queue.Queue[LinkEvent] = queue.Queue()
        self._ping_ns = int(ping_interval_s * 1e9)
        self._pings: dict[int, int] = {}  # token -> host send time
        self._token = 0
        self._next_ping = 0
        self._cmd_seq = 0
        self._transport: Transport | None = None
        self._held: list[tuple[DeviceMessage | Unknown | StreamReset, int]] = []
        self._identified = False
        self._hold_from_ns = 0  # connect or device reset: hold events until identified and synced
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> ReplicaLink:
        """Open the device (raising DeviceUnavailable if it is not there) and start reading."""
        try:
            self._connect(self.port.open())
        except DeviceUnavailable:
            self._drop_transport()
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
        self._release(self.clock.now_ns(), force=True)
        if self._drop_transport():
            now = self.clock.now_ns()
            self._publish(LinkEvent(now, now, self.info.replica_id,
                                    LinkStatus("disconnected", f"{self.url}: closed")))
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
        """Send a command (recoil, lockout, malfunction); its seq is assigned here."""
        with self._write_lock:
            transport = self._transport
            if transport is None:
                raise DeviceUnavailable(f"{self.url}: not connected")
            self._cmd_seq += 1
            transport.write(encode(_with_seq(message, self._cmd_seq)))

    def write(self, data: bytes) -> None:
        """Raw bytes to the device: for `loop://` tests and diagnostics."""
        with self._write_lock:
            if self._transport is None:
                raise DeviceUnavailable(f"{self.url}: not connected")
            self._transport.write(data)

    def error_counters(self) -> dict[str, int]:
        return {**self.parser.stats.as_dict(), **self.counters,
                "clock_samples": self.clock_map.samples}

    # -- the reader thread ----------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            transport = self._transport
            if transport is None:
                self._reconnect()
                continue
            try:
                data = transport.read()
                rx_ns = self.clock.now_ns()
                if data:
                    self._handle(self.parser.feed(data), rx_ns)
                self._release(rx_ns)
                if rx_ns >= self._next_ping:
                    self._ping(rx_ns)
            except DeviceUnavailable as exc:
                self._lost(str(exc))

    def _connect(self, transport: Transport) -> None:
        with self._write_lock:
            self._transport = transport
        self.counters["connects"] += 1
        now = self._hold_from_ns = self.clock.now_ns()
        self._publish(LinkEvent(now, now, self.info.replica_id, LinkStatus("connected", self.url)))
        self.send(Query(0))  # the replica answers with HELLO: who it is, and whether it rebooted
        self._ping(self.clock.now_ns())

    def _lost(self, detail: str) -> None:
        self._release(self.clock.now_ns(), force=True)
        self._drop_transport()
        self.parser.forget_partial()
        self.counters["disconnects"] += 1
        now = self.clock.now_ns()
        self._publish(LinkEvent(now, now, self.info.replica_id, LinkStatus("disconnected", detail)))

    def _drop_transport(self) -> bool:
        """Close the transport; False if there was none."""
        with self._write_lock:
            transport, self._transport = self._transport, None
        if transport is None:
            return False
        transport.close()
        return True

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

    def _ping(self, now: int) -> None:
        self._token = (self._token + 1) % (1 << 32)
        self._pings = {k: v for k, v in self._pings.items() if now - v < 1_000_000_000}
        self._next_ping = now + self._ping_ns
        tx_ns = self.clock.now_ns()
        self._pings[self._token] = tx_ns
        self.send(Ping(0, self._token))
        self.counters["pings"] += 1

    # -- messages -------------------------------------------------------------------------

    def _handle(self, messages: list[Message | StreamReset], rx_ns: int) -> None:
        for message in messages:
            if isinstance(message, Pong):
                self._pong(message, rx_ns)
                continue
            if isinstance(message, StreamReset):
                self.clock_map.reset()
                self._hold_from_ns = rx_ns
                self.bays = dict(DEFAULT_TASER7_BAYS)
            elif isinstance(message, Hello):
                self._identified = True
                if message.proto != PROTOCOL_VERSION:
                    self.counters["proto_mismatch"] += 1
                    self._publish(LinkEvent(rx_ns, rx_ns, message.replica_id, LinkStatus(
                        "incompatible", f"{self.url}: the replica speaks protocol "
                        f"{message.proto}, this host {PROTOCOL_VERSION}")))
                self.info = ReplicaInfo(message.replica_id, message.model, message.laser,
                                        message.lane, message.pulse_us, message.firmware)
            elif isinstance(message, Cartridge) and message.state == "loaded":
                self.bays[message.bay] = message.kind
            if isinstance(message, HostMessage):
                continue  # the parser never returns these from a device; for the type checker
            self._held.append((message, rx_ns))

    def _release(self, now: int, force: bool = False) -> None:
        """Publish held messages once the replica is identified and its clock synced, or
        HOLD_MAX_NS after a connect or device reset: a pull reported in the first moments
        still gets its weapon, replica id and mapped time."""
        if not self._held:
            return
        ready = self._identified and self.clock_map.ready
        if ready or force or now - self._hold_from_ns > HOLD_MAX_NS:
            held, self._held = self._held, []
            for message, rx_ns in held:
                self._publish(self._stamp(message, rx_ns))

    def _pong(self, pong: Pong, rx_ns: int) -> None:
        tx_ns = self._pings.pop(pong.token, None)
        if tx_ns is None:
            self.counters["stale_pongs"] += 1
            return
        self.counters["pongs"] += 1
        self.clock_map.add(tx_ns, pong.device_us, rx_ns)

    def _stamp(self, message: DeviceMessage | Unknown | StreamReset, rx_ns: int) -> LinkEvent:
        device_us = getattr(message, "device_us", None)
        synced = self.clock_map.ready and device_us is not None
        t_ns = self.clock_map.to_host_ns(device_us) if synced and device_us is not None else rx_ns
        report = None
        if isinstance(message, Trigger):
            self.counters["triggers"] += 1
            report = self._report(message, t_ns, rx_ns, synced)
        return LinkEvent(rx_ns, t_ns, self.info.replica_id, message, report)

    def _report(self, trig: Trigger, t_ns: int, rx_ns: int, synced: bool) -> TriggerReport:
        info = self.info
        family = _FAMILY.get(info.model, info.model)
        weapon = family
        if family == "taser7":
            weapon = f"taser7-{self.bays.get(trig.bay, DEFAULT_TASER7_BAYS.get(trig.bay, 'cq'))}"
        event = TriggerEvent(t_ns, info.replica_id, family, trig.n, trig.device_us)
        return TriggerReport(event, weapon, trig.fired, info.laser, info.lane, info.pulse_us,
                             rx_ns, synced)

    def _publish(self, event: LinkEvent) -> None:
        self._events.put(event)
        if self._on_event is not None:
            self._on_event(event)


def _with_seq(message: HostMessage, seq: int) -> HostMessage:
    return replace(message, seq=seq)

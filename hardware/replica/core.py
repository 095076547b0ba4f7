"""The replica link without I/O or threads: bytes and times in, events and frames to
send out (docs/serial-protocol.md). `link.ReplicaLink` drives it from a reader thread;
tests drive it with the times of a `hardware.clock.ManualClock`.

- `connect(now_ns)`: the port was (re)opened; `disconnect(now_ns, detail)`: it went away;
  `close(now_ns)`: the host is done with it.
- `feed(data, rx_ns)`: bytes read at host time `rx_ns`.
- `tick(now_ns)`: time passed: a ping may be due, held events may be released.
- `command(message)`: a host command, numbered, for the caller to write.

Each of the first four returns a `Step`: the events to publish and the host frames to
write, both in order. After every connect and every device reset, who is on the cable is
unknown until its HELLO: events are held until the HELLO and a clock mapping are in (at
most `hold_max_ns`), then published in arrival order under that replica's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TypeVar

from hardware.events import LinkStatus, TriggerEvent
from hardware.replica.clocksync import ClockMap, PingSchedule
from hardware.replica.condition import Condition
from hardware.replica.identity import (
    ReplicaInfo,
    learn_cartridge,
    trigger_event,
)
from hardware.replica.parser import Parser
from hardware.replica.protocol import (
    PROTOCOL_VERSION,
    SEQ_MODULUS,
    Cartridge,
    DeviceMessage,
    Hello,
    HostMessage,
    Ping,
    Pong,
    Query,
    Trigger,
    Unknown,
)
from hardware.replica.sequence import SequenceTracker, StreamReset

HOLD_MAX_NS = 500_000_000  # longest wait for the HELLO and a clock mapping
MAX_HELD_PONGS = 64  # round trips kept while the replica is unknown

Held = DeviceMessage | Unknown | StreamReset
_Host = TypeVar("_Host", bound=HostMessage)


@dataclass(frozen=True, slots=True)
class LinkEvent:
    rx_ns: int  # host monotonic time the bytes were read
    t_ns: int  # device time mapped to host time; rx_ns if none or not synced yet
    replica_id: str  # the link's URL while the replica is unknown
    message: Held | LinkStatus
    trigger: TriggerEvent | None = None  # a trigger pull from a known replica

    @property
    def status(self) -> LinkStatus | None:
        return self.message if isinstance(self.message, LinkStatus) else None


@dataclass(slots=True)
class Step:
    events: list[LinkEvent] = field(default_factory=list)
    send: list[HostMessage] = field(default_factory=list)  # numbered, to write in order

    def then(self, other: Step) -> Step:
        self.events += other.events
        self.send += other.send
        return self


class LinkCore:
    def __init__(self, url: str, ping_interval_ns: int = 50_000_000,
                 hold_max_ns: int = HOLD_MAX_NS) -> None:
        self.url = url
        self.parser = Parser()
        self.sequence = SequenceTracker()
        self.clock_map = ClockMap()
        self.info: ReplicaInfo | None = None  # None: unknown since the connect or reset
        self.incompatible = False  # the replica's HELLO named another protocol version
        self.bays: dict[int, str] = {}  # bay -> the cartridge kind CART said is in it
        self.condition = Condition()  # what its reports tell of why a pull may be dry
        self.counters = {"connects": 0, "disconnects": 0, "pings": 0, "pongs": 0,
                         "stale_pongs": 0, "triggers": 0, "unattributed": 0,
                         "proto_mismatch": 0, "ignored": 0}
        self.is_connected = False
        self._hold_max_ns = hold_max_ns
        self._pings = PingSchedule(ping_interval_ns)
        self._held: list[tuple[Held, int]] = []
        self._held_pongs: list[tuple[int, int, int]] = []  # (tx_ns, device_us, rx_ns)
        self._hold_from_ns: int | None = None  # None: not holding
        self._host_seq = 0

    # -- the cable ------------------------------------------------------------------------

    def connect(self, now_ns: int) -> Step:
        self.is_connected = True
        self.counters["connects"] += 1
        self.sequence.reconnected()
        self._pings.forget()
        self._unknown(now_ns)
        step = Step([LinkEvent(now_ns, now_ns, self.url, LinkStatus("connected", self.url))])
        step.send.append(self.command(Query(0)))  # the HELLO says who is there now
        return step.then(self.tick(now_ns))

    def disconnect(self, now_ns: int, detail: str) -> Step:
        self.counters["disconnects"] += 1
        self.parser.forget_partial()
        return self._down(now_ns, detail)

    def close(self, now_ns: int) -> Step:
        return self._down(now_ns, f"{self.url}: closed") if self.is_connected else Step()

    def _down(self, now_ns: int, detail: str) -> Step:
        step = Step()
        self._release(now_ns, step, force=True)
        self.is_connected = False
        step.events.append(LinkEvent(now_ns, now_ns, self._name(),
                                     LinkStatus("disconnected", detail)))
        return step

    # -- bytes and time -------------------------------------------------------------------

    def feed(self, data: bytes, rx_ns: int) -> Step:
        step = Step()
        for message in self.parser.feed(data):
            if isinstance(message, HostMessage):
                continue  # the parser counts these as unexpected; for the type checker
            for item in self.sequence.accept(message):
                self._handle(item, rx_ns, step)
        self._release(rx_ns, step)
        return step

    def tick(self, now_ns: int) -> Step:
        step = Step()
        if self.is_connected and self._pings.due(now_ns):
            step.send.append(self.command(Ping(0, self._pings.send(now_ns))))
            self.counters["pings"] += 1
        self._release(now_ns, step)
        return step

    def command(self, message: _Host) -> _Host:
        """The message with the host's next sequence number."""
        self._host_seq = (self._host_seq + 1) % SEQ_MODULUS
        self.condition.sent(message)
        return replace(message, seq=self._host_seq)

    def error_counters(self) -> dict[str, int]:
        return {**self.parser.stats.as_dict(), **self.sequence.stats.as_dict(),
                **self.counters, "clock_samples": self.clock_map.samples}

    # -- messages -------------------------------------------------------------------------

    def _handle(self, item: Held, rx_ns: int, step: Step) -> None:
        if isinstance(item, Pong):
            self._pong(item, rx_ns)
            return
        if isinstance(item, StreamReset):
            self._reset(item, rx_ns, step)
        elif isinstance(item, Hello):
            self._hello(item, rx_ns, step)
        elif self.incompatible:
            self.counters["ignored"] += 1  # its fields may not mean what ours do
            return
        self._held.append((item, rx_ns))

    def _reset(self, reset: StreamReset, rx_ns: int, step: Step) -> None:
        if self.info is not None:
            self._release(rx_ns, step, force=True)  # held events belong to the run that ended
        self.clock_map.reset()
        if self._hold_from_ns is None:
            self._hold_from_ns = rx_ns  # until a HELLO and the new clock are in
        if reset.cause == "sequence":  # no HELLO came with it: ask who it is now
            self._held_pongs.clear()  # they may time the clock from before the restart
            self._unknown(rx_ns)
            step.send.append(self.command(Query(0)))

    def _hello(self, hello: Hello, rx_ns: int, step: Step) -> None:
        self.info = ReplicaInfo.from_hello(hello)
        self.incompatible = hello.proto != PROTOCOL_VERSION
        if self.incompatible:
            self.counters["proto_mismatch"] += 1
            self.counters["ignored"] += sum(1 for m, _ in self._held
                                            if not isinstance(m, StreamReset))
            self._held.clear()
            self._held_pongs.clear()
            self._hold_from_ns = None
            step.events.append(LinkEvent(rx_ns, rx_ns, hello.replica_id, LinkStatus(
                "incompatible", f"{self.url}: the replica speaks protocol {hello.proto}, "
                f"this host {PROTOCOL_VERSION}")))
            return
        for tx_ns, device_us, pong_rx_ns in self._held_pongs:
            self.clock_map.add(tx_ns, device_us, pong_rx_ns)
        self._held_pongs.clear()

    def _pong(self, pong: Pong, rx_ns: int) -> None:
        tx_ns = self._pings.answered(pong.token)
        if tx_ns is None:
            self.counters["stale_pongs"] += 1
            return
        self.counters["pongs"] += 1
        if self.info is None:  # whose clock this is, only the HELLO will say
            self._held_pongs = [*self._held_pongs[-MAX_HELD_PONGS + 1:],
                                (tx_ns, pong.device_us, rx_ns)]
        else:
            self.clock_map.add(tx_ns, pong.device_us, rx_ns)

    # -- holding and stamping -------------------------------------------------------------

    def _unknown(self, now_ns: int) -> None:
        self.info, self.incompatible = None, False
        self._hold_from_ns = now_ns

    def _release(self, now_ns: int, step: Step, force: bool = False) -> None:
        if self._hold_from_ns is not None:
            ready = self.info is not None and self.clock_map.ready
            if not (ready or force or now_ns - self._hold_from_ns > self._hold_max_ns):
                return
            self._hold_from_ns = None
        held, self._held = self._held, []
        step.events += [self._stamp(message, rx_ns) for message, rx_ns in held]

    def _stamp(self, message: Held, rx_ns: int) -> LinkEvent:
        # Bays change in stream order, so each pull is named by the cartridges loaded
        # before it, even when both were held.
        if isinstance(message, StreamReset):
            self.bays, self.condition = {}, Condition()
        else:
            self.condition.seen(message)
        if isinstance(message, Cartridge):
            learn_cartridge(self.bays, message)
        device_us: int | None = getattr(message, "device_us", None)
        synced = self.clock_map.ready and device_us is not None
        t_ns = self.clock_map.to_host_ns(device_us) if synced and device_us is not None \
            else rx_ns
        trigger = None
        if isinstance(message, Trigger):
            dry = self.condition.cause(message)
            self.counters["triggers"] += 1
            if self.info is None:
                self.counters["unattributed"] += 1  # no HELLO in time: no weapon, no lane
            else:
                trigger = trigger_event(self.info, self.bays, message, t_ns, rx_ns, synced,
                                        dry)
        return LinkEvent(rx_ns, t_ns, self._name(), message, trigger)

    def _name(self) -> str:
        return self.info.replica_id if self.info is not None else self.url

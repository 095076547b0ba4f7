"""What the console shows of the rig: each replica as its link reports it (identity, lane
and laser colour from its HELLO, battery, cartridges and magazine from its status
frames, the link's state and error counters, the answers to the console's commands), and
the camera's frame rate and dropped frames. Built from the link events the rig passes
on, so a real rig and the simulated one show the same things."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hardware.events import LinkStatus
from hardware.replica.core import LinkEvent
from hardware.replica.protocol import Ack, Battery, Cartridge, Hello, Magazine

# Commands the protocol has, by the capability a replica's HELLO must name for each.
COMMAND_CAPS = {"lock": "lock", "unlock": "lock", "malfunction": "malf", "recoil": "recoil"}
MALFUNCTIONS = ("jam", "misfire", "dud", "none")


@dataclass(slots=True)
class ReplicaStatus:
    url: str
    replica_id: str = ""
    model: str = ""
    firmware: str = ""
    lane: int = 0
    laser: str = ""
    caps: tuple[str, ...] = ()
    battery_pct: int | None = None
    battery_mv: int | None = None
    cartridges: dict[int, str] = field(default_factory=dict)  # bay -> "cq loaded"
    magazine: str | None = None
    link: str = "waiting"
    link_detail: str = ""
    last_ack: str = ""
    errors: dict[str, int] = field(default_factory=dict)

    def took(self, event: LinkEvent) -> None:
        message = event.message
        if isinstance(message, LinkStatus):
            self.link, self.link_detail = message.state, message.detail
        elif isinstance(message, Hello):
            self.replica_id, self.model, self.firmware = (message.replica_id, message.model,
                                                          message.firmware)
            self.lane, self.laser, self.caps = message.lane, message.laser, tuple(
                sorted(message.caps))
            self.link = "connected"
        elif isinstance(message, Battery):
            self.battery_pct, self.battery_mv = message.percent, message.millivolts
        elif isinstance(message, Cartridge):
            self.cartridges[message.bay] = f"{message.kind} {message.state}"
        elif isinstance(message, Magazine):
            self.magazine = f"{message.state}, {message.rounds} rounds"
        elif isinstance(message, Ack):
            self.last_ack = f"{message.cmd} {'done' if message.ok else 'not supported'}"

    def commands(self) -> list[str]:
        return [name for name, cap in COMMAND_CAPS.items() if cap in self.caps]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "id": self.replica_id or "(no HELLO yet)", "model": self.model,
            "firmware": self.firmware, "lane": self.lane, "laser": self.laser,
            "battery": (f"{self.battery_pct}% ({self.battery_mv} mV)"
                        if self.battery_pct is not None else "not reported"),
            "cartridges": {str(bay): state for bay, state in sorted(self.cartridges.items())},
            "magazine": self.magazine or "not reported", "link": self.link,
            "link_detail": self.link_detail, "last_command": self.last_ack,
            "errors": {k: v for k, v in self.errors.items() if v and k in ERROR_COUNTERS},
            "commands": self.commands(),
        }


# The counters that mean something went wrong (the rest count normal traffic).
ERROR_COUNTERS = ("noise_bytes", "bad_crc", "malformed", "oversized", "unknown", "unexpected",
                  "lost", "duplicates", "resets", "disconnects", "stale_pongs",
                  "unattributed", "proto_mismatch")


class RigWatch:
    """The rig's status, fed by its link events (on the live loop's thread)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.replicas: dict[str, ReplicaStatus] = {}
        self.camera: dict[str, Any] = {}
        self.alignment = ""

    def link_event(self, url: str, event: LinkEvent) -> None:
        self.replicas.setdefault(url, ReplicaStatus(url)).took(event)

    def counters(self, url: str, counters: dict[str, int]) -> None:
        self.replicas.setdefault(url, ReplicaStatus(url)).errors = dict(counters)

    def replica_url(self, replica_id: str) -> str | None:
        return next((url for url, r in self.replicas.items()
                     if replica_id in (r.replica_id, url)), None)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "camera": self.camera, "alignment": self.alignment,
                "replicas": [r.to_dict() for r in self.replicas.values()]}


def check_replica_command(rig: dict[str, Any], url: str, detail: str) -> None:
    """Refuse, in one line, a command the rig's status says the replica cannot take."""
    from range.station.console import ConsoleError

    replicas = {r["url"]: r for r in rig.get("replicas", [])}
    if url not in replicas:
        raise ConsoleError(f"replica: expected one of {sorted(replicas)}, found {url!r}"
                           if replicas else "replica: this run has no rig (mouse input)")
    name, _, value = detail.partition(":")
    if name not in COMMAND_CAPS:
        raise ConsoleError(f"replica command: expected one of {sorted(COMMAND_CAPS)}, found "
                           f"{name!r}")
    if name not in replicas[url]["commands"]:
        raise ConsoleError(f"replica {url}: its HELLO names no {COMMAND_CAPS[name]!r} "
                           f"capability, so it cannot {name}")
    if name == "malfunction" and value not in MALFUNCTIONS:
        raise ConsoleError(f"malfunction: expected one of {list(MALFUNCTIONS)}, found "
                           f"{value!r}")
    if name == "recoil" and not (value.isdigit() and 1 <= int(value) <= 1000):
        raise ConsoleError(f"recoil: expected 1 to 1000 ms, found {value!r}")

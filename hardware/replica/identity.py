"""Who is on the cable, as its HELLO said, and the weapon each of its trigger pulls
fires: the names that cross to the range side (`hardware.events.WeaponName`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hardware.events import Colour, DryCause, TriggerEvent, WeaponName
from hardware.replica.protocol import Cartridge, Hello, Trigger

# HELLO `model` -> replica family (an M26 fires as an X26: the same cartridge geometry)
FAMILY = {"pistol": "pistol", "x26": "x26", "m26": "x26", "x26p": "x26p", "x2": "x2",
          "taser7": "taser7", "taser10": "taser10"}
_ONE_WEAPON: dict[str, WeaponName] = {"pistol": "pistol", "x26": "x26", "x26p": "x26p",
                                      "taser10": "taser10"}
# A two-bay device's shot is named by the cartridge in the bay that fired (`CART` kind);
# only these fit each device.
BAY_CARTRIDGES: dict[str, dict[str, WeaponName]] = {
    "taser7": {"cq": "taser7-cq", "so": "taser7-so"},
    "x2": {"15ft": "x2-15ft", "25ft": "x2-25ft"},
}
DEFAULT_BAYS: dict[str, dict[int, str]] = {"taser7": {1: "cq", 2: "so"},
                                           "x2": {1: "25ft", 2: "25ft"}}


@dataclass(frozen=True, slots=True)
class ReplicaInfo:
    replica_id: str
    model: str  # the family: "pistol", "x26", "x26p", "x2", "taser7", "taser10"
    laser: Colour
    lane: int
    pulse_us: int
    firmware: str
    boot: int

    @classmethod
    def from_hello(cls, hello: Hello) -> ReplicaInfo:
        return cls(hello.replica_id, FAMILY.get(hello.model, hello.model), hello.laser,
                   hello.lane, hello.pulse_us, hello.firmware, hello.boot)


def weapon_name(model: str, bay: int, bays: Mapping[int, str]) -> WeaponName:
    """What a pull of this replica fired: for a two-bay device, the cartridge `CART`
    said is loaded in that bay (else the device's default). A pull without a bay (it fired
    nothing) is named by bay 1's cartridge."""
    family = FAMILY.get(model, model)
    if family in BAY_CARTRIDGES:
        fits, bay = BAY_CARTRIDGES[family], bay or 1
        kind = bays.get(bay, "")
        return fits[kind if kind in fits else DEFAULT_BAYS[family][bay]]
    try:
        return _ONE_WEAPON[family]
    except KeyError:
        raise ValueError(f"replica model {model!r}: expected one of {', '.join(FAMILY)}") \
            from None


def learn_cartridge(bays: dict[int, str], cart: Cartridge) -> None:
    """`CART ... state=loaded` says which cartridge now sits in a bay."""
    if cart.state == "loaded" and any(cart.kind in fits for fits in BAY_CARTRIDGES.values()):
        bays[cart.bay] = cart.kind


def trigger_event(info: ReplicaInfo, bays: Mapping[int, str], trig: Trigger, t_ns: int,
                  rx_ns: int, synced: bool, dry: DryCause | None = None) -> TriggerEvent:
    return TriggerEvent(
        t_ns=t_ns, replica_id=info.replica_id, weapon=weapon_name(info.model, trig.bay, bays),
        model=info.model, n=trig.n, device_us=trig.device_us, fired=trig.fired,
        laser=info.laser, lane=info.lane, pulse_us=info.pulse_us, rx_ns=rx_ns, synced=synced,
        dry=None if trig.fired else dry or "no_discharge")

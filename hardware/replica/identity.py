"""Who is on the cable, as its HELLO said, and the weapon each of its trigger pulls
fires: the names that cross to the range side (`hardware.events.WeaponName`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hardware.events import Colour, TriggerEvent, WeaponName
from hardware.replica.protocol import Cartridge, Hello, Trigger

# HELLO `model` -> replica family (the X26 family answers to several names)
FAMILY = {"pistol": "pistol", "x26": "x26", "m26": "x26", "x26p": "x26", "x2": "x26",
          "taser7": "taser7", "taser10": "taser10"}
_ONE_WEAPON: dict[str, WeaponName] = {"pistol": "pistol", "x26": "x26", "taser10": "taser10"}
# A TASER 7 shot is named by the cartridge in the bay that fired; only these two fit it.
TASER7_CARTRIDGES: dict[str, WeaponName] = {"cq": "taser7-cq", "so": "taser7-so"}
DEFAULT_TASER7_BAYS = {1: "cq", 2: "so"}


@dataclass(frozen=True, slots=True)
class ReplicaInfo:
    replica_id: str
    model: str  # the family: "pistol", "x26", "taser7", "taser10"
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
    """What a pull of this replica fired. A TASER 7 pull without a bay (it fired nothing)
    is named by bay 1's cartridge."""
    family = FAMILY.get(model, model)
    if family == "taser7":
        return TASER7_CARTRIDGES[bays.get(bay or 1, DEFAULT_TASER7_BAYS[bay or 1])]
    try:
        return _ONE_WEAPON[family]
    except KeyError:
        raise ValueError(f"replica model {model!r}: expected one of {', '.join(FAMILY)}") \
            from None


def learn_cartridge(bays: dict[int, str], cart: Cartridge) -> None:
    """`CART ... state=loaded` says which cartridge now sits in a bay."""
    if cart.state == "loaded" and cart.kind in TASER7_CARTRIDGES:
        bays[cart.bay] = cart.kind


def trigger_event(info: ReplicaInfo, bays: Mapping[int, str], trig: Trigger, t_ns: int,
                  rx_ns: int, synced: bool) -> TriggerEvent:
    return TriggerEvent(
        t_ns=t_ns, replica_id=info.replica_id, weapon=weapon_name(info.model, trig.bay, bays),
        model=info.model, n=trig.n, device_us=trig.device_us, fired=trig.fired,
        laser=info.laser, lane=info.lane, pulse_us=info.pulse_us, rx_ns=rx_ns, synced=synced)

"""The officer's loads: rounds left in the pistol's magazine, its reloads, and the TASER
cartridges used, so each pull is logged with the load it came from, and a pull on an
empty pistol, or one still being reloaded, is a dry pull that fires nothing."""

from __future__ import annotations

from dataclasses import dataclass

from range.world.weapons import Firearm, Weapon

Dry = str  # why a pull fired nothing: "empty" or "reloading"


@dataclass(slots=True)
class Magazine:
    capacity: int
    left: int
    load: int = 1  # which magazine, from 1
    ready_tick: int = 0  # the reload seats the new magazine on this tick


class Loads:
    """`counts_rounds`: False for a live trainee, whose pistol keeps its own magazine (a
    replica reports its own dry pulls): then a new magazine follows each full one."""

    def __init__(self, magazine: int, counts_rounds: bool = True) -> None:
        self._capacity = magazine
        self._counts = counts_rounds
        self._magazines: dict[str, Magazine] = {}
        # Cartridges (or probes) fired per device: a TASER 7's two bays hold one load
        # whatever cartridge is in each (a CQ and an SO are one duo load).
        self._cartridges: dict[str, int] = {}

    def pull(self, name: str, weapon: Weapon, tick: int, uses_load: bool,
             reported: Dry | None = None) -> tuple[int, Dry | None]:
        """A trigger pull: the load it comes from, and why it is dry (None: it fires).
        `uses_load`: it spends a round or a cartridge (not an unconfirmed spot, nor a
        re-energising pull or a drive stun); `reported`: the replica said it fired
        nothing (a jam, spent cartridges), so it spends nothing."""
        if reported is not None:
            return self.pull(name, weapon, tick, False)[0], reported
        if isinstance(weapon, Firearm):
            magazine = self._magazine(name)
            if not uses_load:
                return magazine.load, None
            if tick < magazine.ready_tick:
                return magazine.load, "reloading"
            if magazine.left == 0 and not self._counts:
                self.reload(name, tick, 0)
            elif magazine.left == 0:
                return magazine.load, "empty"
            magazine.left -= 1
            return magazine.load, None
        fired = self._cartridges.get(weapon.device, 0)
        if not uses_load:
            return max(fired - 1, 0) // weapon.per_load + 1, None
        self._cartridges[weapon.device] = fired + 1
        return fired // weapon.per_load + 1, None

    def reload(self, name: str, tick: int, took_ticks: int) -> int:
        """A fresh magazine, seated `took_ticks` from now; the rounds left in the one
        dropped."""
        magazine = self._magazine(name)
        left = magazine.left
        magazine.left = magazine.capacity
        magazine.load += 1
        magazine.ready_tick = tick + took_ticks
        return left

    def _magazine(self, name: str) -> Magazine:
        return self._magazines.setdefault(name, Magazine(self._capacity, self._capacity))

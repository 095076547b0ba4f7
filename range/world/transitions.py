"""The officer's changes of weapon: a pull with another device than his last (or his
first, from the holster) is timed against the least a person takes to change to it
(domain-facts C.1); a script or a mouse can be faster, and the log says so."""

from __future__ import annotations

from range.run.events import WeaponTransition
from range.scenario.model import Officer
from range.vocabulary import ForceOption


class Transitions:
    def __init__(self, officer: Officer, step_s: float) -> None:
        self._officer = officer
        self._step_s = step_s
        self._last: tuple[str, ForceOption, int] | None = None  # device, force, tick

    def pulled(self, shot: int, device: str, force: ForceOption,
               tick: int) -> WeaponTransition | None:
        """The transition this pull made, if it changed device (or drew from the holster)."""
        last = self._last
        self._last = (device, force, tick)
        if last is not None and last[0] == device:
            return None
        timing = self._officer.timing
        if last is None:
            if self._officer.start != "holstered":
                return None
            least, since = timing.draw_and_fire, 0
        else:
            since = last[2]
            least = {("taser", "firearm"): timing.taser_to_firearm,
                     ("firearm", "taser"): timing.firearm_to_taser}.get(
                (last[1], force), timing.taser_to_taser)
        took = (tick - since) * self._step_s
        return WeaponTransition(tick=tick, shot=shot,
                                from_device=None if last is None else last[0],
                                to_device=device, took_s=took, least_s=least,
                                too_fast=took < least - 1e-9)

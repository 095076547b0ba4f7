"""Screenshots of every shipped scenario at its key moment, for docs/screenshots:

    python -m range.views.screenshots docs/screenshots

Each is the projector frame at 1920x1080 drawn off-screen and scaled to 960x540."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

SIZE = (960, 540)


@dataclass(frozen=True, slots=True)
class Moment:
    scenario: str
    inputs: str | None  # a shipped script's short name, or None for no officer input
    at_s: float
    shows: str
    name: str | None = None  # the file's name, if not the scenario's (a second moment)


MOMENTS = (
    Moment("armed-drops-weapon", "good", 3.2, "hands up, the pistol on the ground"),
    Moment("bystander-behind", "poor", 2.4, "aiming; the first round marked on the bystander"),
    Moment("crisis-knife", "poor", 9.62, "rushing down the hallway; TASER 7 probes and wires"),
    Moment("knife-charge", "poor", 2.5, "the charge; X26 probes and wires"),
    Moment("phone-not-gun", None, 2.9, "holding out a phone, its screen lit"),
    Moment("traffic-stop-draw", "poor", 3.27, "firing across his car: the muzzle flash"),
    Moment("winter-jacket", "good", 1.6, "advancing; TASER 10 probes in the legs"),
    Moment("suicidal-knife", "poor", 5.8, "the knife raised as the officer crowds him"),
    Moment("intoxicated-man", "poor", 3.0, "the unarmed drunk man squaring up"),
    Moment("street-crisis", "poor", 2.5, "a man in crisis among bystanders"),
    Moment("waistband-two", "poor", 1.9, "two men; one reaches for his waistband"),
    Moment("juvenile-replica", "poor", 2.0, "a boy with a replica gun"),
    Moment("domestic-second-person", "good", 6.0, "the second person appears in the doorway"),
    Moment("traffic-stop-draw", "cover", 2.0, "walking to the corner, turning to the driver",
           "traffic-stop-draw-walking"),
    Moment("traffic-stop-draw", "cover", 3.25, "behind the building's corner as he fires",
           "traffic-stop-draw-cover"),
    Moment("traffic-stop-draw", "poor", 3.9, "a hit on the officer: the red frame, HIT",
           "traffic-stop-draw-hit"),
)


def shoot(moment: Moment, folder: Path) -> Path:
    from range.run.scripted import ScriptedRun
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
    from range.views.projector import png_bytes
    from range.views.scene import scene_frame

    scenario, base = load_scenario_arg(moment.scenario)
    inputs = [] if moment.inputs is None else load_inputs_arg(moment.inputs, scenario,
                                                              base).input
    world = ScriptedRun(scenario, inputs, 0).advance_to(moment.at_s)
    path = folder / f"{moment.name or moment.scenario}.png"
    path.write_bytes(png_bytes(scene_frame(world.snapshot()), size=SIZE))
    return path


def main(argv: list[str]) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    folder = Path(argv[0] if argv else "docs/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for moment in MOMENTS:
        print(f"{shoot(moment, folder)}  {moment.scenario} at {moment.at_s:g} s: {moment.shows}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

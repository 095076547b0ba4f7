"""A scenario for the engine benchmark: a crowd of actors who walk, approach and
mill about, with shots in flight, so the step does the work a busy scene does."""

from __future__ import annotations

from typing import Any

from range.scenario.model import Scenario
from range.scenario.validation import validate_model


def crowd_scenario(count: int, duration_s: float = 20.0) -> Scenario:
    actors: list[dict[str, Any]] = []
    for index in range(count):
        x = -6.0 + 12.0 * (index % 10) / 9
        y = 8.0 + 1.5 * (index // 10)
        actors.append({
            "id": f"a{index}", "role": "subject" if index % 3 else "bystander",
            "position": [x, y], "initial": "walk",
            "states": {
                "walk": {"action": "walk_to", "threat": "passive_resistance",
                         "target": [-x, y + 2.0],
                         "transitions": [{"after": 3.0, "to": "close"}]},
                "close": {"action": "approach", "threat": "active_aggression",
                          "stop_at": 3.0, "transitions": [{"after": 4.0, "to": "walk"}]},
            },
        })
    data = {"schema_version": 1, "id": "bench-crowd", "title": f"{count} actors",
            "duration": duration_s, "actors": actors,
            "cover": [{"id": "car", "kind": "vehicle", "center": [2.0, 6.0],
                       "size": [4.5, 1.8], "height": 1.4}]}
    return validate_model(Scenario, data, "bench")

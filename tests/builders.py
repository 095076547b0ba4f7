"""Small scenarios built in code for engine tests."""

from __future__ import annotations

from typing import Any

from range.scenario.model import Scenario
from range.scenario.validation import validate_model

STANDING = {"stand": {"action": "idle", "threat": "passive_resistance"}}
CHARGING = {"run": {"action": "charge", "threat": "deadly_force", "speed": "4.3 m/s"}}


def actor(actor_id: str = "subject", position: tuple[Any, Any] = (0.0, 6.4008),
          states: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    states = states or STANDING
    return {"id": actor_id, "position": list(position), "initial": next(iter(states)),
            "states": states, **fields}


def scenario(*actors: dict[str, Any], duration: float = 3.0, **fields: Any) -> Scenario:
    data = {"schema_version": 1, "id": "test", "title": "test", "duration": duration,
            "officer": {"weapons": ["pistol", "x26", "taser7-cq", "taser7-so", "taser10"]},
            "actors": list(actors) or [actor()], **fields}
    return validate_model(Scenario, data, "test")

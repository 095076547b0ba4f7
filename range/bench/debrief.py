"""`holdfire bench debrief`: the debrief of a long drill's log, beside reading its lines as
plain JSON in the same run.

The drill is an hour of two subjects whose threat rises and falls every 0.15 s (12,000
threat cues), with a command every third change and a shot, with its hit, every seventh:
far more than a session holds, so any cost that grows faster than the log shows here."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from range.run.events import (
    ActorStateChanged,
    BulletHit,
    Event,
    OfficerCommand,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
)
from range.vocabulary import ThreatLabel
from range.world.engine import STEP_S

CHANGE_TICKS = 36  # 0.15 s at 240 Hz: 24,000 changes in an hour


def drill_events(changes: int = 24_000) -> list[Event]:
    """A drill log of `changes` state changes, every other one a threat cue."""
    events: list[Event] = [ScenarioStarted(
        tick=0, scenario="drill", title="threat drill", seed=0, step_s=STEP_S,
        policy="default", actors={"a": "subject", "b": "subject"})]
    levels: tuple[ThreatLabel, ThreatLabel] = ("passive_resistance", "active_aggression")
    shot = 0
    for index in range(changes):
        tick = (index + 1) * CHANGE_TICKS
        actor = "ab"[index % 2]
        level, previous = levels[(index // 2) % 2], levels[(index // 2 + 1) % 2]
        events.append(ActorStateChanged(
            tick=tick, actor=actor, role="subject", state=f"s{index % 2}", action="idle",
            threat=level, previous_state=None if index < 2 else "s",
            previous_threat=None if index < 2 else previous, cause="after",
            distance_m=5.0, position=(0.0, 5.0)))
        if index % 3 == 0:
            events.append(OfficerCommand(tick=tick + 10, command="stop",
                                         distances={"a": 5.0, "b": 5.0}))
        if index % 7 == 0:
            shot += 1
            events.append(ShotFired(tick=tick + 20, shot=shot, weapon="pistol",
                                    force="firearm", point=(960.0, 540.0),
                                    distances={"a": 5.0, "b": 5.0}))
            events.append(BulletHit(tick=tick + 21, shot=shot, actor=actor, role="subject",
                                    zone="upper_torso", distance_m=5.0, height_m=1.3))
    events.append(ScenarioEnded(tick=(changes + 1) * CHANGE_TICKS, reason="duration"))
    return events


def run_bench() -> Iterator[str]:
    from range.analysis.decisions import analyse
    from range.cli.debrief_commands import read_event_log
    from range.run.codec import to_json
    from range.scenario.policy import load_policy

    events = drill_events()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drill.jsonl"
        path.write_text("".join(to_json(e, STEP_S) + "\n" for e in events), encoding="utf-8")
        started = time.perf_counter()
        for line in path.read_text(encoding="utf-8").splitlines():
            json.loads(line)
        plain = time.perf_counter() - started
        started = time.perf_counter()
        report = analyse(read_event_log(path), load_policy("default"))
        debrief = time.perf_counter() - started
    yield f"drill log: {len(events)} events, {len(report.cues)} threat cues, 1 h simulated"
    yield f"baseline: read and json.loads every line  {plain:7.3f} s"
    yield f"debrief: read, check and analyse          {debrief:7.3f} s  (target: under 5 s)"

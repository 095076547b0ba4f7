"""`holdfire bench review`: seeking to a random moment of a 10-minute session, beside
replaying the same session from its start to the same moments, in the same run.

Two 10-minute drills of six people: walking their lanes and turning, and crossing through
one another and closing on the officer (bodies in contact most of the time, the worst
case: a keyframe with a contact is not restored bit for bit, so seeks step on from an
earlier one), the officer firing at one of them every five seconds, with a frame shown
every 1/60 s as a live session logs them. Opening the review replays it once and keeps its
keyframes; each seek restores the nearest keyframe and steps from there."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator

SESSION_S = 600.0
ACTORS = 6
SHOT_EVERY_S = 5.0
SEEKS = 40
FROM_START = 4  # replays from the start: each is most of the session's cost
TARGET_MS = 100.0
FRAME_TICKS = 4  # a 60 Hz projector at the 240 Hz step


def session(crowd: str = "walking") -> tuple[list[object], object]:
    from range.bench.engine import contact_scenario, walking_scenario
    from range.run.events import FrameShown
    from range.run.scripted import simulate
    from range.scenario.inputs import ScriptedInput

    scenario = (walking_scenario if crowd == "walking" else contact_scenario)(ACTORS,
                                                                              SESSION_S)
    ids = [a.id for a in scenario.actors]
    shots = [ScriptedInput(at=i * SHOT_EVERY_S, fire="pistol",
                           aim=f"{ids[i % len(ids)]}.upper_torso")
             for i in range(1, int(SESSION_S / SHOT_EVERY_S))]
    events = simulate(scenario, shots, seed=1).events
    # The frames a live session would have logged, between the world's events.
    merged: list[object] = []
    frames = iter(range(FRAME_TICKS, events[-1].tick, FRAME_TICKS))
    next_frame = next(frames, None)
    for event in events:
        while next_frame is not None and next_frame <= event.tick:
            merged.append(FrameShown(tick=next_frame, flip_s=round(next_frame / 240, 6)))
            next_frame = next(frames, None)
        merged.append(event)
    return merged, scenario


def run_bench(budget_s: float | None = None) -> Iterator[str]:
    for crowd in ("walking", "in contact"):
        yield from _bench(crowd)


def _bench(crowd: str) -> Iterator[str]:
    from range.run.replay import inputs_of
    from range.scenario.policy import load_policy
    from range.station.exports import Pictures
    from range.station.review import Review
    from range.world.engine import World

    events, scenario = session(crowd)
    yield (f"session: {SESSION_S / 60:.0f} min, {ACTORS} people {crowd}, a shot every "
           f"{SHOT_EVERY_S:g} s, {len(events):,} events")
    began = time.perf_counter()
    review = Review(events, scenario, load_policy("default"), "bench")  # type: ignore[arg-type]
    exact = review.exact_keyframes / max(1, review.keyframes)
    yield (f"  open (replay once, keep {review.keyframes} keyframes, {exact:.0%} without a "
           f"contact): {time.perf_counter() - began:.2f} s; replay matches the log: "
           f"{review.differs_at is None}")
    rng = random.Random(7)
    seeks = []
    for _ in range(SEEKS):
        tick = rng.randrange(review.end_tick)
        review._cursor = None  # a jump, not playing on: the cursor never helps
        began = time.perf_counter()
        review.snapshot_at(tick)
        seeks.append((time.perf_counter() - began) * 1000)
    seeks.sort()
    yield (f"  seek to a random moment ({SEEKS}): median {statistics.median(seeks):.1f} ms, "
           f"p95 {seeks[int(0.95 * len(seeks)) - 1]:.1f} ms, worst {seeks[-1]:.1f} ms "
           f"(target < {TARGET_MS:.0f} ms)")
    pictures = Pictures(review)
    drawn = []
    for _ in range(10):
        tick = rng.randrange(review.end_tick)
        began = time.perf_counter()
        pictures.png(tick)
        drawn.append((time.perf_counter() - began) * 1000)
    yield (f"  seek and draw the trainee's view with its marks (960x540 PNG, as the page "
           f"asks): median {statistics.median(drawn):.0f} ms")
    baseline = []
    for _ in range(FROM_START):
        tick = rng.randrange(review.end_tick)
        began = time.perf_counter()
        world = World(scenario, review.start.seed)  # type: ignore[arg-type]
        inputs_of(events).drive(world, tick)  # type: ignore[arg-type]
        world.snapshot()
        baseline.append((time.perf_counter() - began) * 1000)
    mean = statistics.fmean(baseline)
    yield (f"  baseline, replay from the start to a random moment ({len(baseline)}): mean "
           f"{mean:.0f} ms; seeking is {mean / statistics.median(seeks):.0f}x faster")
    verdict = "met" if seeks[-1] < TARGET_MS else "NOT met"
    yield f"  target (worst seek < {TARGET_MS:.0f} ms): {verdict}"

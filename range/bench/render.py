"""`holdfire bench render`: projector frames per second at 1920x1080 for the busiest
shipped scene (the screenshot moment with the most shapes), beside a plain full-screen
blit measured in the same run. A frame is the whole per-frame cost: `scene_frame` from
the snapshot, then drawing it with a kept `SceneRenderer`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

TARGET_FPS = 60.0


def _rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of `work`, run for about `seconds`."""
    work()  # the first call may fill caches
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        work()
        count += 1
    return count / elapsed


def run_bench(seconds: float) -> Iterator[str]:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from range.run.scripted import ScriptedRun
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
    from range.views.projector import SceneRenderer
    from range.views.scene import scene_frame
    from range.views.screenshots import MOMENTS
    from range.world.snapshot import WorldSnapshot

    def snapshot_of(index: int) -> WorldSnapshot:
        moment = MOMENTS[index]
        scenario, base = load_scenario_arg(moment.scenario)
        inputs = [] if moment.inputs is None else load_inputs_arg(
            moment.inputs, scenario, base).input
        return ScriptedRun(scenario, inputs, 0).advance_to(moment.at_s).snapshot()

    snapshots = [snapshot_of(i) for i in range(len(MOMENTS))]
    busiest = max(snapshots, key=lambda s: sum(len(f.shapes) for f in scene_frame(s).figures)
                  + 20 * len(s.cover))
    surface = pygame.Surface(busiest.projection.resolution)
    plain = pygame.Surface(busiest.projection.resolution)
    renderer = SceneRenderer()

    def frame() -> None:
        renderer.draw(surface, scene_frame(busiest))

    share = max(0.5, seconds / 2)
    blit_fps = _rate(lambda: surface.blit(plain, (0, 0)), share)
    frame_fps = _rate(frame, share)
    width, height = busiest.projection.resolution
    yield f"scene: {busiest.title} at {busiest.time_s:.2f} s, {width}x{height}"
    yield f"plain full-screen blit: {blit_fps:8.1f} fps"
    yield (f"projector frame:        {frame_fps:8.1f} fps  "
           f"({'meets' if frame_fps >= TARGET_FPS else 'below'} the {TARGET_FPS:g} fps target; "
           f"{frame_fps / blit_fps:.0%} of a blit's rate)")

"""The projector view, rendered headless and read back pixel by pixel where the projection
model puts a person's head, his clothes, the object in his hand and a car."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from range.cli import main
from range.run.scripted import ScriptedRun
from range.scenario.catalogue import find
from range.scenario.inputs import parse_inputs
from range.scenario.model import parse_scenario
from range.views.cover_art import PAINT
from range.views.figure import HEAD_Z, STANDARD_HEIGHT
from range.views.projector import MARK_COLOURS, PROBE_COLOUR, draw
from range.views.scene import SceneFrame, scene_frame
from range.world.snapshot import ActorView, WorldSnapshot


def run_to(name: str, script: str, seconds: float) -> WorldSnapshot:
    scenario = parse_scenario(*find(name))
    inputs = parse_inputs(*find(f"{name}-{script}", "inputs"), scenario).input
    return ScriptedRun(scenario, inputs, 0).advance_to(seconds).snapshot()


def frame_at(name: str, script: str, seconds: float) -> SceneFrame:
    return scene_frame(run_to(name, script, seconds))


def drawn(frame: SceneFrame) -> pygame.Surface:
    surface = pygame.Surface(frame.resolution)
    draw(surface, frame)
    return surface


def colour_at(surface: pygame.Surface, point: tuple[float, float]) -> tuple[int, int, int]:
    r, g, b, _ = surface.get_at((round(point[0]), round(point[1])))
    return (r, g, b)


def head_point(snapshot: WorldSnapshot, actor: ActorView) -> tuple[float, float]:
    z = HEAD_Z * actor.height / STANDARD_HEIGHT
    point = snapshot.projection.world_to_screen(*actor.position, z)
    assert point is not None
    return point


def test_heads_and_clothes_are_drawn_life_size_where_the_engine_has_them() -> None:
    snapshot = run_to("bystander-behind", "poor", 2.31)
    frame = scene_frame(snapshot)
    surface = drawn(frame)
    for actor in snapshot.actors:
        fig = next(f for f in frame.figures if f.actor == actor.id)
        assert fig.head == pytest.approx(head_point(snapshot, actor), abs=1.0)
        assert colour_at(surface, fig.head) == actor.appearance.rgb("skin")
    subject = snapshot.actor("subject")
    x, y = subject.position
    chest = snapshot.projection.world_to_screen(x + 0.12, y, 1.15)
    assert chest is not None
    assert colour_at(surface, chest) == subject.appearance.rgb("top")
    # 0.30 m to his side at belt height is past his 0.34 m-wide hips: the street shows.
    beside = snapshot.projection.world_to_screen(x + 0.30, y, 0.8)
    assert beside is not None
    assert colour_at(surface, beside) not in (subject.appearance.rgb("top"),
                                              subject.appearance.rgb("trousers"))
    # The nearer subject is drawn over the bystander behind him.
    assert frame.drawables[-1].actor == "subject"  # type: ignore[union-attr]


def test_the_shot_mark_sits_on_the_bystander_it_hit() -> None:
    snapshot = run_to("bystander-behind", "poor", 2.31)
    frame = scene_frame(snapshot)
    (mark,) = frame.marks
    bystander = snapshot.actor("bystander")
    left = snapshot.projection.world_to_screen(bystander.position[0] - 0.22,
                                               bystander.position[1], 1.5)
    right = snapshot.projection.world_to_screen(bystander.position[0] + 0.22,
                                                bystander.position[1], 1.0)
    assert left is not None and right is not None
    assert left[0] <= mark.point[0] <= right[0] and left[1] <= mark.point[1] <= right[1]
    assert colour_at(drawn(frame), mark.point) == MARK_COLOURS["firearm"]


def test_the_car_is_drawn_and_hides_the_driver_below_the_waist() -> None:
    snapshot = run_to("traffic-stop-draw", "good", 1.0)
    frame = scene_frame(snapshot)
    car = next(c for c in frame.cover if c.cover == "car")  # the building is off screen
    driver = snapshot.actor("driver")
    assert frame.drawables.index(car) > frame.drawables.index(frame.figures[0])  # nearer
    surface = drawn(frame)
    knee = snapshot.projection.world_to_screen(*driver.position, 0.5)
    assert knee is not None
    assert colour_at(surface, knee) != driver.appearance.rgb("trousers")
    # The car's near flank, half-way up its body, is its paint (lit from the side).
    cover = next(c for c in snapshot.cover if c.id == "car")
    near_y = cover.center[1] - cover.size[1] / 2
    flank = snapshot.projection.world_to_screen(cover.center[0], near_y, 0.7)
    assert flank is not None
    r, g, b = colour_at(surface, flank)
    assert r > 2 * g and r > 2 * b and r <= PAINT[0]
    # His head is above the roof and seen.
    assert colour_at(surface, head_point(snapshot, driver)) == driver.appearance.rgb("skin")


def test_probes_and_their_wires_are_drawn_on_the_subject() -> None:
    snapshot = run_to("crisis-knife", "poor", 9.62)  # a TASER 7 standoff pair
    assert len(snapshot.probes) == 2 and {p.actor for p in snapshot.probes} == {"man"}
    frame = scene_frame(snapshot)
    surface = drawn(frame)
    seen = [p for p in frame.probes if snapshot.projection.on_screen(*p.point)]
    assert seen
    for probe in seen:
        assert colour_at(surface, probe.point) == PROBE_COLOUR
        assert probe.wire[-1] == probe.point


def test_render_command_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "view.png"
    assert main(["render", "knife-charge", "--at", "1.0", "--out", str(out)]) == 0
    image = pygame.image.load(str(out))
    assert image.get_size() == (1920, 1080)
    assert "knife-charge at 1.000 s" in capsys.readouterr().out
    assert main(["render", "knife-charge", "--at", "99", "--out", str(out)]) == 2
    assert "--at: expected a time between 0 and the scenario's 7 s" in capsys.readouterr().err


def test_shot_marks_fade_after_two_seconds() -> None:
    at_shot = frame_at("crisis-knife", "poor", 4.5)
    later = frame_at("crisis-knife", "poor", 6.1)
    assert [m.shot for m in at_shot.marks] == [1]
    assert later.marks == ()

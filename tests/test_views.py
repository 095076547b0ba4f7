"""The projector view, rendered headless and read back pixel by pixel."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from range.cli import main
from range.run.scripted import ScriptedRun
from range.scenario.catalogue import find
from range.scenario.inputs import parse_inputs
from range.scenario.model import parse_scenario
from range.views.projector import MARK_COLOURS, ZONE_COLOURS, draw
from range.views.scene import SceneFrame, scene_frame


def frame_at(name: str, script: str, seconds: float) -> SceneFrame:
    scenario = parse_scenario(*find(name))
    inputs = parse_inputs(*find(f"{name}-{script}", "inputs"), scenario).input
    return scene_frame(ScriptedRun(scenario, inputs, 0).advance_to(seconds).snapshot())


def centre(rect: tuple[float, float, float, float]) -> tuple[int, int]:
    return round(rect[0] + rect[2] / 2), round(rect[1] + rect[3] / 2)


def test_figures_are_drawn_life_size_where_the_engine_has_them() -> None:
    frame = frame_at("bystander-behind", "poor", 2.31)
    subject = next(f for f in frame.figures if f.actor == "subject")
    torso = dict(subject.zones)["upper_torso"]
    # 0.44 m wide at 6.4 m, on a 3.0 m / 1920 px screen 4.5 m away.
    assert torso[2] == pytest.approx(0.44 * 4.5 / 6.4008 * 1920 / 3.0, rel=1e-6)
    surface = pygame.Surface(frame.resolution)
    draw(surface, frame)
    assert tuple(surface.get_at(centre(torso)))[:3] == ZONE_COLOURS["subject"]["upper_torso"]
    bystander = next(f for f in frame.figures if f.actor == "bystander")
    head = dict(bystander.zones)["head"]
    assert tuple(surface.get_at(centre(head)))[:3] == ZONE_COLOURS["bystander"]["head"]
    # The nearer subject is drawn over the bystander behind him.
    assert frame.drawables[-1] is subject


def test_the_shot_mark_sits_on_the_bystander_it_hit() -> None:
    frame = frame_at("bystander-behind", "poor", 2.31)
    (mark,) = frame.marks
    bystander = next(f for f in frame.figures if f.actor == "bystander")
    left, top, width, height = dict(bystander.zones)["upper_torso"]
    assert left <= mark.point[0] <= left + width and top <= mark.point[1] <= top + height
    surface = pygame.Surface(frame.resolution)
    draw(surface, frame)
    point = (round(mark.point[0]), round(mark.point[1]))
    assert tuple(surface.get_at(point))[:3] == MARK_COLOURS["firearm"]


def test_cover_hides_the_lower_body(tmp_path: Path) -> None:
    frame = frame_at("traffic-stop-draw", "good", 1.0)
    (car,) = frame.cover
    driver = frame.figures[0]
    assert frame.drawables.index(car) > frame.drawables.index(driver)  # car is nearer
    legs = dict(driver.zones)["legs"]
    surface = pygame.Surface(frame.resolution)
    draw(surface, frame)
    assert tuple(surface.get_at(centre(legs)))[:3] != ZONE_COLOURS["subject"]["legs"]


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

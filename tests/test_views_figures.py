"""Figures from hand-made snapshots: the object in the hand at 21 ft, poses by action, a
subject nearer than the screen and one lying below its bottom edge."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from range.scenario.model import Appearance
from range.views.figure import HEAD_Z, STANDARD_HEIGHT, skeleton
from range.views.objects import PARTS
from range.views.projector import draw
from range.views.scene import scene_frame
from range.vocabulary import Action, HeldObject
from range.world.behaviour import pose_of
from range.world.projection import Projection
from range.world.snapshot import ActorView, WorldSnapshot

FT = 0.3048
LOOK = Appearance(top="#204080", trousers="#303030", skin="#d0a080", hair="#302010")


def person(action: Action = "idle", held: HeldObject = "none", y: float = 21 * FT,
           state_s: float = 1.0, velocity: tuple[float, float] = (0.0, 0.0)) -> ActorView:
    facing = -1.5707963 if velocity == (0.0, 0.0) else 1.5707963
    return ActorView("s", "subject", "st", action, pose_of(action), "compliant", (0.0, y),
                     facing, held, 1.78, False, velocity=velocity, state_s=state_s,
                     appearance=LOOK)


def snapshot(*actors: ActorView, time_s: float = 1.0) -> WorldSnapshot:
    return WorldSnapshot(round(time_s * 240), time_s, 1 / 240, "t", Projection(), actors, (),
                         (), False)


def surface_of(world: WorldSnapshot) -> pygame.Surface:
    surface = pygame.Surface(world.projection.resolution)
    draw(surface, scene_frame(world))
    return surface


def rgb(surface: pygame.Surface, point: tuple[float, float]) -> tuple[int, int, int]:
    r, g, b, _ = surface.get_at((round(point[0]), round(point[1])))
    return (r, g, b)


@pytest.mark.parametrize(("held", "action"), [("handgun", "aim"), ("knife", "idle"),
                                              ("phone", "idle"), ("bat", "idle"),
                                              ("knife", "charge"), ("handgun", "idle")])
def test_the_held_object_is_drawn_in_the_hand_in_its_own_colour(held: HeldObject,
                                                                action: Action) -> None:
    world = snapshot(person(action, held))
    (fig,) = scene_frame(world).figures
    assert fig.held is not None
    assert rgb(surface_of(world), fig.held) == PARTS[held][-1].colour


def test_a_pistol_at_21_ft_is_drawn_its_true_size() -> None:
    world = snapshot(person("aim", "handgun"))
    (fig,) = scene_frame(world).figures
    pistol = fig.shapes  # the slide is the darkest part of the figure
    black = [s for s in pistol if s.colour == PARTS["handgun"][1].colour]
    (slide,) = black
    us = [u for u, _ in slide.points]
    vs = [v for _, v in slide.points]
    # Pointed at the officer the slide is seen end on: 25 mm across, 34 mm high, plus the
    # length foreshortened; at 6.4 m on a 640 px/m screen 4.5 m away, 1 mm is 0.45 px.
    px_per_m = 1920 / 3.0 * 4.5 / (21 * FT)
    assert max(us) - min(us) == pytest.approx(0.025 * px_per_m, rel=0.35)
    assert max(vs) - min(vs) >= 0.034 * px_per_m * 0.9


def test_hands_go_up_above_the_head_and_come_down_at_rest() -> None:
    up = skeleton(person("comply"), 1.0).joints
    rest = skeleton(person("idle"), 1.0).joints
    assert up["hand_r"][2] > up["head"][2] > rest["hand_r"][2] + 0.5


def test_the_gait_comes_from_position_and_time_not_a_clock() -> None:
    walking = person("walk_to", velocity=(0.0, -1.4))
    assert skeleton(walking, 2.0) == skeleton(walking, 2.0)
    stepped = replace(walking, position=(0.0, walking.position[1] - 0.35))  # a quarter stride
    assert skeleton(stepped, 2.0).joints["foot_r"] != skeleton(walking, 2.0).joints["foot_r"]


def test_a_subject_between_the_eye_and_the_screen_is_drawn_larger_than_the_screen() -> None:
    near = person("idle", y=1.2)
    world = snapshot(near)
    (fig,) = scene_frame(world).figures
    surface = surface_of(world)
    head = world.projection.world_to_screen(0.0, 1.2, HEAD_Z)
    chest = world.projection.world_to_screen(0.0, 1.2, 1.30)
    assert head is not None and chest is not None
    assert world.projection.on_screen(*chest) and not fig.below_screen
    assert rgb(surface, head) == LOOK.rgb("skin")
    assert rgb(surface, chest) == LOOK.rgb("top")
    # His legs fall below the screen's bottom edge, as they would below the eye's view.
    knee = world.projection.world_to_screen(0.0, 1.2, 0.5)
    assert knee is not None and knee[1] > world.projection.resolution[1]


def test_a_body_lying_below_the_screen_edge_is_shown_by_a_band_on_that_edge() -> None:
    lying = person("down", y=2.5, state_s=3.0)
    world = snapshot(lying)
    (fig,) = scene_frame(world).figures
    assert fig.below_screen
    width, height = world.projection.resolution
    assert rgb(surface_of(world), (width / 2 + 60, height - 3)) == LOOK.rgb("top")
    farther = scene_frame(snapshot(replace(lying, position=(0.0, 8.0)))).figures[0]
    assert not farther.below_screen


def test_a_falling_body_goes_from_standing_to_lying() -> None:
    heights = [skeleton(person("down", state_s=t), 1.0).joints["head"][2]
               for t in (0.0, 0.3, 0.6, 2.0)]
    assert heights[0] == pytest.approx(HEAD_Z * 1.78 / STANDARD_HEIGHT)
    assert heights[0] > heights[1] > heights[2] and heights[3] < 0.2


def test_a_muzzle_flash_shows_just_after_a_shot_and_not_later() -> None:
    firing = replace(person("fire", "handgun"), last_attack_s=1.0, attack_interval_s=0.4)
    assert skeleton(firing, 1.02).flash
    assert not skeleton(firing, 1.2).flash


def test_a_taser_arc_crackles_between_the_pair_that_connected_during_its_cycle() -> None:
    """winter-jacket good: the X26 fails on the parka (0.9 s); TASER 10 pulls at 1.3 and
    1.45 s put two probes in his thighs and he is under power from then for 5 s."""
    from range.run.scripted import ScriptedRun
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
    from range.views.scene import scene_frame

    scenario, base = load_scenario_arg("winter-jacket")
    script = load_inputs_arg("good", scenario, base).input
    before = scene_frame(ScriptedRun(scenario, script, 0).advance_to(1.2).snapshot())
    during = scene_frame(ScriptedRun(scenario, script, 0).advance_to(1.7).snapshot())
    assert before.arcs == () and len(before.probes) == 2
    (arc,) = during.arcs
    assert (arc[0], arc[-1]) == (during.probes[-2].point, during.probes[-1].point)
    later = scene_frame(ScriptedRun(scenario, script, 0).advance_to(1.75).snapshot())
    assert later.arcs[0][1:-1] != arc[1:-1]  # it flickers from frame to frame

"""The officer steps back or to cover where the scenario allows: the world, the view and
the debrief follow where he stands. Figures are worked out here from the geometry."""

from __future__ import annotations

import math
from typing import Any

import pytest

from range.analysis.decisions import analyse
from range.analysis.text import render_text
from range.errors import InputsError, ScenarioError
from range.run.codec import to_json
from range.run.events import BulletHit, Event, OfficerAttacked, ShotFired
from range.run.officer_events import OfficerArrived, OfficerMoved
from range.run.replay import replay
from range.run.scripted import simulate
from range.scenario.inputs import inputs_from_data
from range.scenario.model import FOOTPRINT_RADIUS_M, Scenario, scenario_from_data
from range.scenario.policy import load_policy
from range.views.scene import scene_frame
from range.world.engine import World
from tests.builders import CHARGING, actor, scenario_data

STEP = 1 / 240
WALL = {"id": "wall", "kind": "wall", "center": ["2 m", "2 m"], "size": ["1 m", "0.6 m"],
        "height": "2.5 m"}
# Behind the wall from the subject at (2 m, 6.4 m): the wall sits on the line between.
BEHIND_WALL = {"id": "corner", "at": ["2 m", "0.5 m"], "cover": "wall"}
FIRING = {"fire": {"action": "fire", "threat": "deadly_force", "interval": "0.5 s"}}


def moving(*actors: dict[str, Any], movement: dict[str, Any] | None = None,
           duration: float = 8.0, **fields: Any) -> Scenario:
    data = scenario_data(*(actors or (actor(),)), duration=duration, **fields)
    data["officer"]["movement"] = movement if movement is not None else {
        "room_behind": "4 m", "step": "2 m", "back_speed": "1 m/s", "speed": "2 m/s",
        "places": [BEHIND_WALL]}
    data.setdefault("cover", [WALL])
    return scenario_from_data(data, "test")


def script(scenario: Scenario, *inputs: dict[str, Any]) -> list[Any]:
    data = {"schema_version": 1, "scenario": scenario.id, "input": list(inputs)}
    return inputs_from_data(data, "inputs", scenario).input


def of(events: list[Event], kind: type[Any]) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def test_a_step_back_walks_him_back_at_his_speed_and_no_farther_than_the_room() -> None:
    scenario = moving()
    world = simulate(scenario, script(scenario, {"at": "1 s", "move": "back"},
                                      {"at": "4 s", "move": "back"},
                                      {"at": "7 s", "move": "back"}), 0)
    moved, arrived = of(world.events, OfficerMoved), of(world.events, OfficerArrived)
    # 2 m back at 1 m/s: there 2 s after each start; the room behind him ends at -4 m.
    assert [(m.start, m.to) for m in moved] == [((0.0, 0.0), (0.0, -2.0)),
                                                ((0.0, -2.0), (0.0, -4.0)),
                                                ((0.0, -4.0), (0.0, -4.0))]
    assert [m.takes_s for m in moved] == pytest.approx([2.0, 2.0, 0.0])
    assert [a.tick * STEP for a in arrived] == pytest.approx([3.0, 6.0, 7.0], abs=STEP)
    subject_y = 6.4008
    assert arrived[0].distances["subject"] == pytest.approx(subject_y + 2.0, abs=1e-3)
    assert world.officer.stance.position == (0.0, -4.0)


def test_a_charging_subject_runs_at_where_he_stands_now() -> None:
    scenario = moving(actor(states=CHARGING))
    world = simulate(scenario, script(scenario, {"at": "0 s", "move": "back"}), 0)
    # He stops at arm's length (0.7 m) from the officer, who ended 2 m back.
    view = world.snapshot().actor("subject")
    assert view.position[1] == pytest.approx(-2.0 + 0.7, abs=0.02)
    assert world.snapshot().distance(view) == pytest.approx(0.7, abs=0.02)


def test_his_rounds_leave_from_where_he_stands() -> None:
    subject = actor(position=("4 m", "6 m"))
    place = {"id": "right", "at": ["4 m", "0 m"]}
    scenario = moving(subject, movement={"places": [place], "speed": "2 m/s"}, cover=[])
    world = simulate(scenario, script(scenario, {"at": "0 s", "move": "right"},
                                      {"at": "3 s", "fire": "pistol",
                                       "aim": "subject.upper_torso"}), 0)
    shot = of(world.events, ShotFired)[0]
    hit = of(world.events, BulletHit)[0]
    # From (4, 0) the subject stands 6 m straight ahead: the round enters his footprint
    # one radius short of his centre (a straight-ahead aim is at his centre line).
    assert shot.distances["subject"] == pytest.approx(6.0, abs=1e-3)
    assert hit.distance_m == pytest.approx(6.0 - FOOTPRINT_RADIUS_M, abs=0.02)
    assert hit.zone == "upper_torso"


def test_behind_the_wall_his_shots_stop_on_it_and_in_the_open_they_reach_him() -> None:
    shooter = actor(position=("2 m", "6.4 m"), states=FIRING, aim_error="0 deg",
                    weapon="handgun")
    scenario = moving(shooter, duration=4.0)
    world = simulate(scenario, script(scenario, {"at": "1.2 s", "move": "corner"}), 0)
    attacks = of(world.events, OfficerAttacked)
    arrived = of(world.events, OfficerArrived)[0]
    # To the corner: from (0, 0) to (2, 0.5), 2.06 m at 2 m/s.
    assert arrived.tick * STEP == pytest.approx(1.2 + math.hypot(2, 0.5) / 2, abs=STEP)
    assert arrived.cover == "wall"
    before = [a for a in attacks if a.tick <= round(1.2 / STEP)]
    behind = [a for a in attacks if a.tick >= arrived.tick]
    # In the open, from (2, 6.4) to (0, 0), the line passes x = 1.38..1.44 at the wall's
    # y span: clear of its 1.5..2.5 m width. Aimed dead on, each shot hits him.
    assert before and all(a.outcome == "hit" for a in before)
    assert behind and all((a.outcome, a.by) == ("stopped", "wall") for a in behind)
    assert world.snapshot().officer_cover == "wall"


def test_the_view_follows_him_and_the_subject_is_drawn_smaller_farther_off() -> None:
    scenario = moving()
    world = World(scenario, 0)
    near = _figure_height(world)
    world.move("back")
    while world.officer.stance.moving:
        world.step()
    far = _figure_height(world)
    # Life size on a screen at 4.5 m: height in pixels goes as 1 / distance.
    assert far / near == pytest.approx(6.4008 / 8.4008, rel=0.02)
    # A point of the world is drawn where the moved eye sees it.
    p = world.projection
    u, v = p.world_to_screen(1.0, 6.0, 1.0) or (0.0, 0.0)
    scale = p.distance / (6.0 + 2.0)
    assert u == pytest.approx((1.0 * scale / p.screen_width + 0.5) * p.resolution[0])
    assert v == pytest.approx((1 - (p.eye_height + (1.0 - p.eye_height) * scale - p.bottom)
                               / p.screen_height) * p.resolution[1])


def _figure_height(world: World) -> float:
    frame = scene_frame(world.snapshot())
    rows = [v for shape in frame.figures[0].shapes for _, v in shape.points]
    return max(rows) - min(rows)


def test_the_debrief_states_the_distance_created_and_the_time_behind_cover() -> None:
    shooter = actor(position=("2 m", "6.4 m"), states=FIRING, aim_error="0 deg",
                    weapon="handgun")
    scenario = moving(shooter, duration=6.0)
    world = simulate(scenario, script(scenario, {"at": "0.5 s", "move": "back"},
                                      {"at": "1.5 s", "move": "corner"},
                                      {"at": "5 s", "fire": "pistol", "point": [960, 500]}), 0)
    report = analyse(world.events, load_policy("default", None))
    d = report.de_escalation
    assert d is not None and d.moves_recorded
    # Back for 1 s at 1 m/s (cut short at (0, -1)), then to the corner, sqrt(4 + 2.25) m;
    # positions are on the tick grid, so within a tick's walk.
    corner = math.hypot(2.0, 1.5)
    assert d.moved_m == pytest.approx(1.0 + corner, abs=2 * STEP)
    there = 1.5 + corner / 2.0
    assert d.behind_cover_from_s == pytest.approx(there, abs=STEP)
    assert d.behind_cover_s == pytest.approx(6.0 - there, abs=2 * STEP)
    assert d.cover == "wall"  # behind it at the first force, at 5 s
    text = render_text(report)
    assert "Cover: behind wall at the first force." in text
    assert f"Moves: 2, {d.moved_m:.2f} m walked in all; behind cover" in text
    assert "at 0.500 s stepped back, 1.00 m, cut short by his next move" in text
    # The subject's distance as he set off to the corner and when he got there.
    assert (f"moved to corner (behind wall), {corner:.2f} m, there at {there:.3f} s; "
            "subject") in text


def test_a_log_with_moves_replays_byte_for_byte() -> None:
    shooter = actor(position=("2 m", "6.4 m"), states=FIRING, weapon="handgun")
    scenario = moving(shooter, duration=4.0)
    world = simulate(scenario, script(scenario, {"at": "0.5 s", "move": "back"},
                                      {"at": "1 s", "move": "corner"}), 3)
    again = replay(world.events, scenario)
    assert [to_json(e, STEP) for e in again.events] == [to_json(e, STEP) for e in world.events]


@pytest.mark.parametrize(("movement", "move", "expected"), [
    ({}, "back", "leaves no room_behind"),
    ({"room_behind": "2 m"}, "cornr", "expected a move the scenario allows ['back']"),
    ({"places": [BEHIND_WALL]}, "cornr", "did you mean 'corner'"),
])
def test_a_move_the_scenario_does_not_allow_is_refused(movement: dict[str, Any], move: str,
                                                        expected: str) -> None:
    scenario = moving(movement=movement)
    with pytest.raises(InputsError, match=r"input\[0\]\.move") as caught:
        script(scenario, {"at": "1 s", "move": move})
    assert expected in str(caught.value)


@pytest.mark.parametrize(("place", "expected"), [
    ({"id": "a", "at": ["0 m", "0 m"], "cover": "car"}, "expected a cover id"),
    ({"id": "a", "at": ["2 m", "2 m"]}, "clear of cover 'wall'"),
])
def test_a_place_behind_no_cover_or_inside_it_is_refused(place: dict[str, Any],
                                                         expected: str) -> None:
    with pytest.raises(ScenarioError, match=r"officer\.movement\.places\[0\]") as caught:
        moving(movement={"places": [place]})
    assert expected in str(caught.value)


def test_at_a_place_facing_him_the_screen_turns_and_its_centre_aims_at_him() -> None:
    subject = actor(position=("3 m", "6 m"))
    place = {"id": "side", "at": ["-1 m", "1 m"], "facing": ["3 m", "6 m"]}
    scenario = moving(subject, movement={"places": [place]}, cover=[])
    world = simulate(scenario, script(scenario, {"at": "0 s", "move": "side"},
                                      {"at": "3 s", "fire": "pistol", "point": [960, 470]}), 0)
    p = world.projection
    # Turned to face (3, 6) from (-1, 1): left of +y by atan2(-4, 5).
    assert p.heading == pytest.approx(math.atan2(-4.0, 5.0))
    u, _ = p.world_to_screen(3.0, 6.0, 1.3) or (0.0, 0.0)
    assert u == pytest.approx(p.resolution[0] / 2, abs=1e-6)
    # The screen's centre column fires straight at him: 6.4 m off, less a footprint.
    (hit,) = of(world.events, BulletHit)
    assert hit.distance_m == pytest.approx(math.hypot(4.0, 5.0) - FOOTPRINT_RADIUS_M,
                                           abs=0.02)


def test_the_shipped_traffic_stop_lets_him_reach_the_corner_and_its_wall_stops_the_rounds(
        ) -> None:
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg

    scenario, base = load_scenario_arg("traffic-stop-draw")
    inputs = load_inputs_arg("cover", scenario, base).input
    world = simulate(scenario, inputs, 0)
    arrived = of(world.events, OfficerArrived)[0]
    place = scenario.officer.movement.places[0]
    building = next(c for c in scenario.cover if c.id == "building")
    driver = scenario.actors[0].position
    # The driver's line to the corner crosses the building's footprint (a slab test).
    assert _crosses(driver, place.at, building.center, building.size)
    shots = [a for a in of(world.events, OfficerAttacked) if a.tick >= arrived.tick]
    assert shots and all((a.outcome, a.by) == ("stopped", "building") for a in shots)


def _crosses(a: tuple[float, float], b: tuple[float, float], centre: tuple[float, float],
             size: tuple[float, float]) -> bool:
    near, far = 0.0, 1.0
    for axis in (0, 1):
        d = b[axis] - a[axis]
        low, high = centre[axis] - size[axis] / 2, centre[axis] + size[axis] / 2
        if abs(d) < 1e-12:
            if not low <= a[axis] <= high:
                return False
            continue
        t1, t2 = (low - a[axis]) / d, (high - a[axis]) / d
        near, far = max(near, min(t1, t2)), min(far, max(t1, t2))
    return near <= far


def test_from_a_place_he_steps_straight_back_from_the_way_he_faces() -> None:
    place = {"id": "side", "at": ["-1 m", "1 m"], "facing": ["3 m", "6 m"]}
    scenario = moving(actor(position=("3 m", "6 m")), cover=[], movement={
        "places": [place], "room_behind": "3 m", "step": "2 m"})
    world = simulate(scenario, script(scenario, {"at": "0 s", "move": "side"},
                                      {"at": "3 s", "move": "back"},
                                      {"at": "6 s", "move": "back"}), 0)
    # Facing (4, 5)/|(4, 5)| from (-1, 1): back is the other way, 2 m, then the 1 m left of
    # the 3 m room behind the place.
    ahead = (4 / math.hypot(4, 5), 5 / math.hypot(4, 5))
    backs = [m for m in of(world.events, OfficerMoved) if m.move == "back"]
    for move, gone in zip(backs, (2.0, 3.0), strict=True):
        assert move.to == pytest.approx((-1 - ahead[0] * gone, 1 - ahead[1] * gone), abs=1e-6)


def test_the_stations_timeline_lists_his_moves() -> None:
    from range.station.timeline import entries

    scenario = moving()
    world = simulate(scenario, script(scenario, {"at": "1 s", "move": "corner"}), 0)
    moves = [e.text for e in entries(world.events, STEP) if e.kind == "move"]
    assert moves == [f"officer moves to corner ({math.hypot(2, 0.5) / 2:.1f} s)",
                     "officer in place, behind wall"]


def test_the_map_draws_each_shot_from_where_he_stood_at_the_pull() -> None:
    from range.station.mapview import map_view
    from range.station.rounds import rounds

    turned = {"id": "side", "at": ["3 m", "-2 m"], "facing": ["10 m", "-2 m"]}
    scenario = moving(actor(position=("1 m", "6 m")), cover=[], movement={
        "room_behind": "4 m", "step": "2 m", "back_speed": "1 m/s", "speed": "2 m/s",
        "places": [turned]})
    world = simulate(scenario, script(scenario, {"at": "0 s", "move": "back"},
                                      {"at": "3 s", "fire": "pistol",
                                       "aim": "subject.upper_torso"},
                                      {"at": "3.5 s", "move": "side"}), 0)
    (shot,), (hit,) = of(world.events, ShotFired), of(world.events, BulletHit)
    assert (shot.origin, shot.heading) == ((0.0, -2.0), 0.0)
    snapshot = world.snapshot()
    # He has since walked to (3, -2) and turned to face +x: the line stays where it was.
    assert snapshot.projection.origin == (3.0, -2.0)
    assert snapshot.projection.heading == pytest.approx(-math.pi / 2)
    view = map_view(snapshot, rounds(world.events, {"subject": "subject"}))
    (line,) = view["shots"]
    # From (0, -2) straight at the subject's centre line at (1, 6), into his footprint.
    to_him = (1.0, 8.0)
    reach = math.hypot(*to_him) - FOOTPRINT_RADIUS_M
    assert hit.distance_m == pytest.approx(reach, abs=0.02)
    assert line["from"] == [0.0, -2.0]
    assert line["end"] == pytest.approx([to_him[0] / math.hypot(*to_him) * reach,
                                         -2.0 + to_him[1] / math.hypot(*to_him) * reach],
                                        abs=0.02)
    assert line["fate"] == "subject"
    # The screen is drawn where he stands now: 4.5 m to his +x, 3 m wide across it.
    left, right = view["screen"]["ends"]
    assert left + right == pytest.approx([7.5, -0.5, 7.5, -3.5], abs=1e-3)


def test_a_log_before_1_5_draws_its_shots_from_the_fixed_origin() -> None:
    import dataclasses

    from range.run.codec import read_log
    from range.scenario.catalogue import load_scenario_arg
    from range.station.mapview import map_view
    from range.station.rounds import rounds
    from tests.conftest import REPO_ROOT

    path = REPO_ROOT / "tests" / "data" / "logs" / "knife-charge-poor-v1.0.jsonl"
    events = list(read_log(path.read_text().splitlines()))
    assert all(e.origin is None and e.heading is None for e in of(events, ShotFired))
    (hit,) = of(events, BulletHit)
    scenario, _ = load_scenario_arg("knife-charge")
    world = World(scenario, 0)
    while world.tick <= events[-1].tick and not world.ended:
        world.step()
    # Even drawn on a moment where he stands elsewhere: that log's officer never moved.
    snapshot = world.snapshot()
    moved = dataclasses.replace(snapshot, projection=snapshot.projection.at((2.0, -3.0), 0.5))
    lines = map_view(moved, rounds(events, {"subject": "subject"}))["shots"]
    assert [line["from"] for line in lines] == [[0.0, 0.0]] * len(of(events, ShotFired))
    # The pistol's hit was fired down the screen's centre column: straight up +y.
    (line,) = [line for line in lines if line["shot"] == hit.shot]
    assert line["end"] == pytest.approx([0.0, hit.distance_m], abs=1e-3)


def test_after_a_step_back_the_review_marks_a_round_where_it_landed_seen_from_there() -> None:
    from range.station.rounds import rounds

    scenario = moving(actor(position=("1 m", "6 m")), cover=[], movement={
        "room_behind": "4 m", "step": "2 m", "back_speed": "1 m/s"})
    world = simulate(scenario, script(scenario, {"at": "0.5 s", "fire": "pistol",
                                                 "aim": "subject.upper_torso"},
                                      {"at": "1 s", "move": "back"}), 0)
    snapshot = world.snapshot()
    (fired,) = rounds(world.events, {"subject": "subject"})
    (hit,) = of(world.events, BulletHit)
    assert snapshot.projection.origin == (0.0, -2.0) and fired.origin == (0.0, 0.0)
    p = snapshot.projection
    # The landing: down the line from (0, 0) towards (1, 6), at the line's height there.
    ahead = (1 / math.hypot(1, 6), 6 / math.hypot(1, 6))
    landed = (ahead[0] * hit.distance_m, ahead[1] * hit.distance_m)
    x0 = ((fired.point or (0.0, 0.0))[0] / p.resolution[0] - 0.5) * p.screen_width
    z0 = p.bottom + (1 - (fired.point or (0.0, 0.0))[1] / p.resolution[1]) * p.screen_height
    height = p.eye_height + (z0 - p.eye_height) * hit.distance_m / math.hypot(x0, p.distance)
    # Seen from 2 m farther back: nearer the centre, by the distances' ratio.
    scale = p.distance / (landed[1] + 2.0)
    u, v = fired.mark(p, snapshot.tick) or (0.0, 0.0)
    assert u == pytest.approx((landed[0] * scale / p.screen_width + 0.5) * p.resolution[0],
                              abs=0.5)
    assert v == pytest.approx((1 - (p.eye_height + (height - p.eye_height) * scale - p.bottom)
                               / p.screen_height) * p.resolution[1], abs=0.5)
    # While he stood where he fired, it is marked at the pixel fired at.
    assert fired.mark(p.at((0.0, 0.0)), snapshot.tick) == fired.point
    # Turned away from it, it is out of his view.
    assert fired.mark(p.at((0.0, -2.0), math.pi), snapshot.tick) is None

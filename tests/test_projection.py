from __future__ import annotations

import math

import pytest

from range.world.projection import Projection

RIG = Projection()  # 3.0 m x 1.7 m screen 4.5 m away, 1920x1080


def test_screen_centre_ray_goes_straight_ahead() -> None:
    ray = RIG.ray(960, 540)
    assert ray.direction == pytest.approx((0.0, 1.0))
    # The screen centre is at 0.3 + 0.85 = 1.15 m: below a 1.65 m eye.
    assert ray.height_at(4.5) == pytest.approx(1.15)


@pytest.mark.parametrize("point", [(3.0, 9.0, 1.2), (-1.5, 6.4, 0.4), (0.2, 20.0, 1.7)])
def test_world_point_and_screen_ray_agree(point: tuple[float, float, float]) -> None:
    x, y, z = point
    screen = RIG.world_to_screen(x, y, z)
    assert screen is not None
    ray = RIG.ray(*screen)
    ground = math.hypot(x, y)
    assert ray.ground_point(ground) == pytest.approx((x, y), abs=1e-9)
    assert ray.height_at(ground) == pytest.approx(z, abs=1e-9)


def test_a_target_at_the_screen_distance_is_drawn_life_size() -> None:
    top = RIG.world_to_screen(0.0, 4.5, 1.78)
    feet = RIG.world_to_screen(0.0, 4.5, 0.5)
    assert top is not None and feet is not None
    metres_per_row = RIG.screen_height / RIG.resolution[1]
    assert (feet[1] - top[1]) * metres_per_row == pytest.approx(1.28)


def test_points_behind_the_eye_and_off_the_screen() -> None:
    assert RIG.world_to_screen(0.0, -1.0, 1.0) is None
    assert not RIG.on_screen(1920, 10)
    assert RIG.on_screen(0, 0)


def test_tilted_ray_drops_by_the_probe_angle() -> None:
    level = RIG.ray(*RIG.plane_to_screen(0.0, 1.65))
    lower = level.tilted(math.radians(8))
    assert level.slope == pytest.approx(0.0)
    assert lower.height_at(6.4008) == pytest.approx(1.65 - 6.4008 * math.tan(math.radians(8)))

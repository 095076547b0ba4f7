"""ShootOFF's statement of the calibrated area, and the legacy corner finder behind it."""

from __future__ import annotations

import cv2
import numpy as np

from hardware.vision.calibration import calibrate, chessboard_image, find_corners
from hardware.vision.shootoff_bounds import legacy_corners, peer_bounds, shootoff_bounds

# The outer corners OpenCV 2.4's finder gives on the peer's turned screen grab
# (tight-calibration-pattern-turned.png), read off OpenCV 3.4.0's copy of that finder.
TURNED_OUTER = {0: (195.8844, 101.4987), 8: (465.0119, 142.0244),
                45: (176.5182, 292.6397), 53: (489.5507, 314.4907)}


BLURRED_VIEW_BOUNDS = (63, -1, 514, 364)  # the board fills the view: the box reaches its edge


def _board(outer: dict[int, tuple[float, float]]) -> np.ndarray:
    """A 9x6 grid through the four outer corners."""
    grid = np.array([[i, j] for j in range(6) for i in range(9)], np.float32)
    src = grid[[0, 8, 45, 53]]
    h = cv2.getPerspectiveTransform(src, np.array([outer[k] for k in (0, 8, 45, 53)],
                                                  np.float32))
    return np.asarray(cv2.perspectiveTransform(grid[None], h)[0])


def test_turned_board_gives_the_peers_bounds() -> None:
    assert shootoff_bounds(_board(TURNED_OUTER)) == (137, 66, 402, 280)


def test_bounds_do_not_hang_on_rounding() -> None:
    # this board's two smallest enclosing rectangles have exactly the same area; OpenCV's
    # minAreaRect picks one or the other as the corners move by 1e-4 px
    corners = _board(TURNED_OUTER).astype(np.float64)
    rng = np.random.default_rng(7)
    results = {shootoff_bounds(corners + rng.uniform(-1e-4, 1e-4, corners.shape))
               for _ in range(40)}
    assert results == {(137, 66, 402, 280)}


def test_bounds_are_the_same_whichever_end_the_corners_start_from() -> None:
    corners = _board(TURNED_OUTER)
    assert shootoff_bounds(corners[::-1]) == shootoff_bounds(corners)


def test_width_and_height_are_even() -> None:
    for shift in np.linspace(0, 1, 7):
        _, _, w, h = shootoff_bounds(_board({k: (x + shift, y + shift / 3)
                                             for k, (x, y) in TURNED_OUTER.items()}))
        assert w % 2 == 0 and h % 2 == 0


def test_upright_board_reaches_one_square_and_the_edge_beyond_its_corners() -> None:
    # 40 px squares: 40 x 1.065476 = 42.6 px out from the outer corners on every side,
    # floor / ceil to whole pixels, then width and height up to even
    outer = {0: (100.0, 100.0), 8: (420.0, 100.0), 45: (100.0, 300.0), 53: (420.0, 300.0)}
    assert shootoff_bounds(_board(outer)) == (57, 57, 408, 288)


def _view(blur: float = 0.0) -> np.ndarray:
    view = cv2.resize(chessboard_image((1280, 720)), (640, 360), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(view, cv2.COLOR_BGR2GRAY)
    return cv2.GaussianBlur(gray, (0, 0), blur) if blur else gray


def _legacy_offset(blur: float) -> float:
    gray = _view(blur)
    board = find_corners(gray)
    legacy = legacy_corners(gray, board)
    assert legacy is not None
    return float(np.abs(legacy - board).max())


def test_legacy_corners_sit_on_a_sharp_board() -> None:
    assert _legacy_offset(0) < 0.5


def test_on_a_blurred_board_the_old_finder_stays_off_the_true_corners() -> None:
    # its 5x5 refinement cannot pull a corner across a blur wider than the window, which
    # is why ShootOFF's bounds differ from the true pattern on blurred camera views
    assert _legacy_offset(4) > 2 * _legacy_offset(0)


def test_legacy_finder_refuses_a_board_it_was_not_given() -> None:
    gray = _view()
    assert legacy_corners(gray, find_corners(gray) + np.float32(30)) is None


def test_the_judge_states_the_bounds_for_the_view_a_calibration_was_fitted_on() -> None:
    gray = _view(2)
    legacy = legacy_corners(gray, find_corners(gray))
    assert legacy is not None
    bounds = peer_bounds(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), calibrate(gray, (1280, 720)))
    assert bounds == shootoff_bounds(legacy) == BLURRED_VIEW_BOUNDS

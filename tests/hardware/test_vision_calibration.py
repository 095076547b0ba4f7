"""Calibration on synthetic views with a known homography; rigs and the alignment check."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from hardware.errors import CalibrationError
from hardware.vision.calibration import (
    board_layout,
    calibrate,
    chessboard_image,
    find_corners,
    parse_size,
)
from hardware.vision.rig import (
    calibrate_source,
    check_alignment,
    from_json,
    load_rig,
    save_rig,
    to_json,
)
from hardware.vision.synthetic import SceneSpec, SyntheticSource

PROJ = (1280, 720)


def _truth_error(seed: int, **scene: object) -> tuple[float, float]:
    """Mean and max error of the fitted mapping over the whole projector, projector px."""
    url = f"synthetic:?seed={seed}&content=chessboard&frames=2" + "".join(
        f"&{k}={v}" for k, v in scene.items())
    cal = calibrate_source(url, PROJ)
    src = SyntheticSource(SceneSpec(seed=seed, **scene))  # type: ignore[arg-type]
    grid = np.array([[x, y] for x in np.linspace(0, PROJ[0], 33)
                     for y in np.linspace(0, PROJ[1], 19)], np.float32)
    cam = cv2.perspectiveTransform(grid[None], src.proj_to_cam)[0]
    err = np.linalg.norm(cal.to_projector(cam) - grid, axis=1)
    return float(err.mean()), float(err.max())


def test_projected_board_is_where_the_layout_says():
    corners = find_corners(chessboard_image(PROJ))
    if corners[0].sum() > corners[-1].sum():
        corners = corners[::-1]
    expected, _, _ = board_layout(PROJ)
    assert np.abs(corners - expected).max() < 0.25


@pytest.mark.parametrize("seed", range(5))
def test_synthetic_mapping_is_under_a_projector_pixel(seed):
    mean, worst = _truth_error(seed, noise=3)
    assert mean < 1.0 and worst < 2.0


def test_mapping_holds_with_a_sharper_camera_and_a_steeper_angle():
    mean, _ = _truth_error(3, width=1280, height=720, tilt=0.15)
    assert mean < 0.5


def test_board_running_off_the_view_is_rejected_with_the_side():
    spec = SceneSpec(seed=1, content="chessboard", frames=1, noise=0)
    view = SyntheticSource(spec).read()
    assert view is not None
    cut = view.image[:, 150:]  # lose the left part of the view
    with pytest.raises(CalibrationError, match=r"cut off at the left|no complete"):
        calibrate(cut, PROJ, "cut view")


def test_no_board_is_a_clear_error():
    with pytest.raises(CalibrationError, match=r"grey view: no complete 9x6-corner chessboard"):
        calibrate(np.full((480, 640, 3), 90, np.uint8), PROJ, "grey view")


def test_rig_round_trip_and_alignment_check(tmp_path):
    url = "synthetic:?seed=2&content=chessboard&frames=2"
    cal = calibrate_source(url, PROJ)
    path = save_rig(tmp_path, "range-1", cal)
    assert path.name == "range-1.json"
    again = load_rig(tmp_path, "range-1")
    assert np.allclose(again.camera_to_projector, cal.camera_to_projector)
    assert again.corners == cal.corners and again.projector_size == PROJ
    same = check_alignment(again, url)
    assert same.ok and same.mean_px < 1.0
    moved = check_alignment(again, "synthetic:?seed=3&content=chessboard&frames=2")
    assert not moved.ok and moved.mean_px > 5 and "MOVED" in moved.summary()


def test_a_rig_holds_holdfires_own_fit_only():
    # ShootOFF's bounds are the judge's business (shootoff_bounds), not a rig's
    cal = calibrate_source("synthetic:?seed=2&content=chessboard&frames=1", PROJ)
    saved = json.loads(to_json(cal))
    assert set(saved) == {"format", "camera_to_projector", "projector_size", "camera_size",
                          "area_quad", "residual_px", "max_residual_px", "corners", "left_out"}
    # a rig saved before, with the bounds in it, still loads
    older = from_json(json.dumps({**saved, "shootoff_bounds": [1, 2, 3, 4]}), "old.json")
    assert older.corners == cal.corners and older.left_out == cal.left_out


def test_bad_rigs_and_sizes_are_named(tmp_path):
    with pytest.raises(CalibrationError, match="rig name"):
        save_rig(tmp_path, "../evil", calibrate_source(
            "synthetic:?seed=2&content=chessboard&frames=1", PROJ))
    with pytest.raises(CalibrationError, match=r"r\.json: not a valid rig file"):
        from_json('{"format": "holdfire-rig/1"}', "r.json")
    with pytest.raises(CalibrationError, match="expected the rig file of 'nobody', found no "
                       "such file"):
        load_rig(tmp_path, "nobody")
    for text, place in (("[1, 2, 3]", "the file: input should be an object"),
                        ("null", "the file: input should be an object"),
                        ("[" * 3000 + "]" * 3000, "the file: invalid json: recursion limit"),
                        ('{"format": "holdfire-rig/1", "projector_size": [-5, 720]}',
                         "camera_to_projector: field required")):
        with pytest.raises(CalibrationError) as caught:
            from_json(text, "r.json")
        assert str(caught.value).startswith(f"r.json: not a valid rig file ({place}")
    good = json.loads(to_json(calibrate_source(
        "synthetic:?seed=4&content=chessboard&frames=1", PROJ)))
    for key, value, place in (("projector_size", [-5, 720], "projector_size.0"),
                              ("residual_px", float("nan"), "residual_px"),
                              ("camera_to_projector", [[1, 0, 0], [0, 1, 0]],
                               "camera_to_projector.2")):
        with pytest.raises(CalibrationError, match=rf"\({place}: "):
            from_json(json.dumps({**good, key: value}), "r.json")
    with pytest.raises(CalibrationError, match="WIDTHxHEIGHT"):
        parse_size("1280by720")
    assert from_json(to_json(calibrate_source(
        "synthetic:?seed=4&content=chessboard&frames=1", PROJ)), "x").projector_size == PROJ


def test_mask_covers_the_projection_in_the_camera_view():
    cal = calibrate_source("synthetic:?seed=2&content=chessboard&frames=1", PROJ)
    mask = cal.mask()
    quad = np.array(cal.area_quad)
    cx, cy = quad.mean(axis=0)
    assert mask.shape == (480, 640) and mask[int(cy), int(cx)] == 255 and mask[2, 2] == 0


def _synthetic_view(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    src = SyntheticSource(SceneSpec(seed=seed, content="chessboard", frames=1, noise=2))
    frame = src.read()
    assert frame is not None
    return frame.image.copy(), src.proj_to_cam


def _paper_board(width: int) -> np.ndarray:
    board = chessboard_image((1280, 720))[40:-40]  # a printed 9x6 board with a margin
    return cv2.resize(board, (width, width * board.shape[0] // board.shape[1]),
                      interpolation=cv2.INTER_AREA)


def _mapping_error(cal, proj_to_cam) -> float:
    grid = np.array([[x, y] for x in np.linspace(0, PROJ[0], 17)
                     for y in np.linspace(0, PROJ[1], 9)], np.float32)
    cam = cv2.perspectiveTransform(grid[None], proj_to_cam)[0]
    return float(np.linalg.norm(cal.to_projector(cam) - grid, axis=1).mean())


def test_a_printed_board_alone_is_not_taken_for_the_projection():
    view = np.full((480, 640, 3), 120, np.uint8)
    paper = _paper_board(110)
    view[300:300 + paper.shape[0], 400:510] = paper
    with pytest.raises(CalibrationError, match=r"too small to be the projected pattern"):
        calibrate(view, PROJ, "paper only")


def test_the_projected_board_wins_over_a_printed_one_beside_it():
    view, truth = _synthetic_view()
    alone = calibrate(view, PROJ)
    paper = _paper_board(90)
    view[400:400 + paper.shape[0], 20:110] = paper  # held up below the projection
    both = calibrate(view, PROJ)
    assert _mapping_error(both, truth) < 1.0
    assert np.allclose(both.area_quad, alone.area_quad, atol=0.5)


def test_corners_under_something_in_front_are_left_out_of_the_fit():
    view, truth = _synthetic_view()
    corners = find_corners(view)
    for x, y in corners[[20, 21]]:  # a notice over two corners, off-centre
        cv2.rectangle(view, (int(x) - 6, int(y) - 14), (int(x) + 14, int(y) + 3),
                      (200, 200, 200), -1)
    cal = calibrate(view, PROJ)
    hidden = corners[[20, 21]]
    left_out = np.array([cal.corners[i] for i in cal.left_out])
    assert 1 <= len(left_out) <= 2
    assert all(np.linalg.norm(hidden - p, axis=1).min() < 8 for p in left_out)
    assert _mapping_error(cal, truth) < 1.0 and "left out" in cal.summary()


def test_a_board_with_many_corners_hidden_is_refused():
    view, _ = _synthetic_view()
    corners = find_corners(view)
    for x, y in np.vstack([corners[18:27:2], corners[36:45:2]]):  # ten corners smudged
        cv2.rectangle(view, (int(x) - 4, int(y) - 12), (int(x) + 12, int(y) + 4),
                      (200, 200, 200), -1)
    with pytest.raises(CalibrationError, match=r"do not fit a flat board|no complete"):
        calibrate(view, PROJ, "smudged")

"""The photometric model of projector and camera, fitted from frames without spots."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.vision.calibration import calibrate, chessboard_image
from hardware.vision.frames import Frame
from hardware.vision.prediction import FLOOR, Photometry, ProjectionPrediction, grey_ramp
from hardware.vision.projected import ProjectedCamera, Pulse

SIZE = (1280, 720)


def _rig(response: Photometry) -> tuple[ProjectedCamera, ProjectionPrediction]:
    camera = ProjectedCamera(SIZE, seed=5, response=response)
    board = np.ascontiguousarray(chessboard_image(SIZE)[..., ::-1])
    prediction = ProjectionPrediction(calibrate(camera.capture(board, 0).image, SIZE), SIZE)
    prediction.fit([(camera.capture(p, 0), p) for p in (board, grey_ramp(SIZE))])
    return camera, prediction


def test_the_fit_recovers_the_cameras_response() -> None:
    truth = Photometry(gain=(0.7, 0.95, 0.85), offset=(20.0, 8.0, 15.0),
                       gamma=(1.3, 1.0, 1.15), blur=1.4)
    _, prediction = _rig(truth)
    fitted = prediction.photometry
    assert fitted.blur == truth.blur
    assert np.allclose(fitted.gamma, truth.gamma, atol=0.06)
    assert np.allclose(fitted.gain, truth.gain, atol=0.04)
    assert np.allclose(fitted.offset, truth.offset, atol=3.0)


def test_a_scene_cut_is_explained_and_a_dot_is_not() -> None:
    camera, prediction = _rig(ProjectedCamera(SIZE).response)
    cut = np.zeros((720, 1280, 3), np.uint8)
    cut[:, :640] = (40, 160, 220)  # a new scene: half the screen lit up at once
    camera.pulse(Pulse(900.0, 300.0, 33_000_000, 1_000_000, "red"))
    left = prediction.unexplained(camera.capture(cut, 40_000_000), cut).image.astype(int)
    mask = prediction._mask > 0
    dot = left.max(axis=2)
    inside = dot[mask]
    assert inside.max() >= 250  # the dot
    assert np.percentile(inside, 99.5) < 100  # the cut: explained, edges and noise left


@pytest.mark.parametrize("exposure", [0.85, 1.0, 1.15])
def test_content_the_picture_drives_past_the_top_stays_explained_as_the_exposure_moves(
        exposure: float) -> None:
    """An over-exposed camera clips a white patch whatever its exposure does; scaled
    after the model had clipped, the prediction fell under the top with the exposure,
    and the patch read as light the projection left unexplained (up to 255)."""
    _, prediction = _rig(Photometry(gain=(1.4, 1.4, 1.4), offset=(12.0, 12.0, 12.0)))
    shown = np.full((720, 1280, 3), 120, np.uint8)
    shown[200:500, 300:700] = 255  # white: about 370 levels before the sensor clips
    levels = (12.0 + 1.4 * prediction.warp(shown).astype(np.float32)) * exposure
    frame = Frame(np.clip(np.rint(levels), 0, 255).astype(np.uint8), 0, 0)
    left = prediction.unexplained(frame, shown).image
    inside = cv2.erode(prediction._mask, np.ones((9, 9), np.uint8)) > 0
    patch = left[inside & (frame.image.min(axis=2) == 255)]
    assert patch.size > 10_000 and np.percentile(patch, 99) == FLOOR
    assert abs(np.median(left[inside]) - FLOOR) <= 2  # the grey: explained too

"""Projector-camera calibration from a projected chessboard.

The projector shows a chessboard (`chessboard_image`); the camera view is searched for its
inner corners (OpenCV `findChessboardCorners`, refined by `cornerSubPix`). From the
corners we fit the board-to-camera homography, find the edge of the projected area just
outside the board, and fit the camera-to-projector homography; the residual says how well
the corners fit. A pattern that is cut off by the frame, or only partly visible, is
rejected with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.errors import CalibrationError
from hardware.vision.frames import Image

PATTERN = (9, 6)  # inner corners across, down
# White edge around the board, in squares. The same proportion as the peer's pattern
# (11 px edge on 168 px squares), so `pattern_bounds` means the same as its bounds.
EDGE = 11 / 168
Points = npt.NDArray[Any]  # N x 2 float32
_SUBPIX = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 40, 0.01)


@dataclass(frozen=True, slots=True)
class Calibration:
    """Camera-to-projector mapping for one rig."""

    camera_to_projector: npt.NDArray[Any]  # 3x3 homography
    projector_size: tuple[int, int]
    camera_size: tuple[int, int]
    bounds: tuple[int, int, int, int]  # pattern area in camera px: x, y, w, h
    area_quad: tuple[tuple[float, float], ...]  # projector frame in camera px (TL TR BR BL)
    residual_px: float  # mean corner misfit, projector px
    max_residual_px: float

    def to_projector(self, pts: Points) -> Points:
        """Camera pixels (N x 2) to projector pixels."""
        return _warp(self.camera_to_projector, pts)

    def to_camera(self, pts: Points) -> Points:
        return _warp(np.linalg.inv(self.camera_to_projector), pts)

    def mask(self) -> Image:
        """255 inside the projected area (for the detector), 0 outside."""
        w, h = self.camera_size
        out = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(out, np.round(np.array(self.area_quad)).astype(np.int32), 255)
        return out

    def summary(self) -> str:
        x, y, w, h = self.bounds
        return (f"projected area at x {x} y {y}, {w} x {h} camera px; corner residual "
                f"{self.residual_px:.3f} projector px mean, {self.max_residual_px:.3f} max")


def parse_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    if not sep or not w.isdigit() or not h.isdigit() or int(w) < 16 or int(h) < 16:
        raise CalibrationError(f"projector size {text!r}: expected WIDTHxHEIGHT, e.g. 1280x720")
    return int(w), int(h)


def board_layout(projector_size: tuple[int, int]) -> tuple[Points, float, tuple[float, float]]:
    """Inner-corner positions in projector px for the board we project (10x7 squares and
    a white edge, filling the projector): the corners, square size, board top-left."""
    pw, ph = projector_size
    cols, rows = PATTERN[0] + 1, PATTERN[1] + 1
    square = min(pw / (cols + 2 * EDGE), ph / (rows + 2 * EDGE))
    x0, y0 = (pw - cols * square) / 2, (ph - rows * square) / 2
    grid = np.array([[x0 + (i + 1) * square, y0 + (j + 1) * square]
                     for j in range(PATTERN[1]) for i in range(PATTERN[0])], np.float32)
    return grid, square, (x0, y0)


def chessboard_image(projector_size: tuple[int, int], oversample: int = 4) -> Image:
    """The pattern to project: 10x7 squares and a white edge, filling the projector. Drawn
    oversampled and averaged down so square edges sit exactly where `board_layout` says
    (pixel centres at integer coordinates), not rounded to whole pixels."""
    pw, ph = projector_size
    k = oversample
    _, square, (x0, y0) = board_layout(projector_size)
    big = np.full((ph * k, pw * k), 255, np.uint8)

    def hi(v: float) -> int:  # full-res edge coordinate -> first hi-res pixel past it
        return round(k * v + k / 2)

    for j in range(PATTERN[1] + 1):
        for i in range(PATTERN[0] + 1):
            if (i + j) % 2 == 0:
                a = (hi(x0 + i * square), hi(y0 + j * square))
                b = (hi(x0 + (i + 1) * square) - 1, hi(y0 + (j + 1) * square) - 1)
                cv2.rectangle(big, a, b, 0, thickness=-1)
    img = cv2.resize(big, (pw, ph), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)


def find_corners(view: Image, where: str = "camera view") -> Points:
    """The 9x6 inner corners, ordered from the projector's top-left, sub-pixel."""
    gray = view if view.ndim == 2 else cv2.cvtColor(view, cv2.COLOR_BGR2GRAY)
    flags = cv2.CALIB_CB_ADAPTIVE_THRESH | cv2.CALIB_CB_NORMALIZE_IMAGE
    ok, corners = cv2.findChessboardCorners(gray, PATTERN, flags=flags)
    if not ok or corners is None:
        raise CalibrationError(
            f"{where}: no complete {PATTERN[0]}x{PATTERN[1]}-corner chessboard found "
            "(pattern partly hidden, cut off, or out of focus)")
    corners = cv2.cornerSubPix(gray, corners, (5, 5), (-1, -1), _SUBPIX)
    return np.asarray(corners, np.float32).reshape(-1, 2)


def _grid() -> Points:
    return np.array([[i, j] for j in range(PATTERN[1]) for i in range(PATTERN[0])], np.float32)


def _warp(h: npt.NDArray[Any], pts: Points) -> Points:
    out = cv2.perspectiveTransform(np.asarray(pts, np.float32).reshape(1, -1, 2), h)
    return np.asarray(out, np.float32).reshape(-1, 2)




def _oriented(corners: Points, gray: Image) -> Points:
    """Corners ordered from the board's top-left as projected. OpenCV may return them
    rotated by 180 degrees; the outer top-left square of our board is dark."""
    h, _ = cv2.findHomography(_grid(), corners)
    probe = _warp(h, np.array([[-0.5, -0.5], [0.5, -0.5]], np.float32))
    vals = [float(gray[round(float(y)), round(float(x))]) if 0 <= x < gray.shape[1]
            and 0 <= y < gray.shape[0] else 0.0 for x, y in probe]
    return corners if vals[0] <= vals[1] else corners[::-1].copy()


def pattern_bounds(corners: Points) -> tuple[int, int, int, int]:
    """The pattern's area in camera px estimated from the four outer inner corners: in
    the board's own (de-rotated) frame, one square plus the edge beyond each side, as an
    axis-aligned box. This is how the peer (ShootOFF) states bounds, so the two can be
    compared."""
    if corners[0].sum() > corners[-1].sum():  # OpenCV's order may start bottom-right
        corners = corners[::-1]
    quad = np.array([corners[0], corners[PATTERN[0] - 1], corners[-1],
                     corners[-PATTERN[0]]], np.float32)
    (_, _), (bw, bh), angle = cv2.minAreaRect(quad)
    angle = angle + 90.0 if bh > bw else angle
    angle = (angle + 45.0) % 90.0 - 45.0  # the board's tilt, whatever OpenCV's convention
    m = cv2.moments(quad.reshape(-1, 1, 2))
    centre = (m["m10"] / m["m00"], m["m01"] / m["m00"])
    rot = cv2.getRotationMatrix2D(centre, angle, 1.0)
    tl, tr, br, bl = np.hstack([quad, np.ones((4, 1), np.float32)]) @ rot.T
    grow = 1.0 + EDGE
    top, bottom = grow * np.hypot(*(tr - tl)) / 8, grow * np.hypot(*(br - bl)) / 8
    left, right = grow * np.hypot(*(bl - tl)) / 5, grow * np.hypot(*(br - tr)) / 5
    est = np.array([[tl[0] - top, tl[1] - left], [tr[0] + top, tr[1] - right],
                    [br[0] + bottom, br[1] + right], [bl[0] - bottom, bl[1] + left]], np.float32)
    box = cv2.boxPoints(cv2.minAreaRect(est))
    x0, y0 = int(np.floor(box[:, 0].min())), int(np.floor(box[:, 1].min()))
    w = int(np.ceil(box[:, 0].max())) - x0 + 1
    h = int(np.ceil(box[:, 1].max())) - y0 + 1
    return x0, y0, w, h


def verify_board_in_view(corners: Points, size: tuple[int, int], where: str) -> float:
    """Reject a board whose outer squares run off the frame; return the corner misfit of
    a flat board (camera px)."""
    h, _ = cv2.findHomography(_grid(), corners)
    fit = float(np.linalg.norm(_warp(h, _grid()) - corners, axis=1).mean())
    outer = _warp(h, np.array([[-1, -1], [PATTERN[0], -1], [PATTERN[0], PATTERN[1]],
                               [-1, PATTERN[1]]], np.float32))  # the outer squares' corners
    w, hgt = size
    sides = []
    if outer[:, 0].min() < 0:
        sides.append("left")
    if outer[:, 0].max() > w - 1:
        sides.append("right")
    if outer[:, 1].min() < 0:
        sides.append("top")
    if outer[:, 1].max() > hgt - 1:
        sides.append("bottom")
    if sides:
        raise CalibrationError(
            f"{where}: the pattern is cut off at the {' and '.join(sides)} edge of the camera "
            "view (its outer squares are not all in view); move the camera or zoom out")
    if fit > MAX_FLAT_MISFIT_PX:
        raise CalibrationError(
            f"{where}: the corners do not fit a flat board (misfit {fit:.2f} camera px, "
            f"expected under {MAX_FLAT_MISFIT_PX}); the pattern is partly hidden or warped")
    return fit


MAX_FLAT_MISFIT_PX = 1.0


def calibrate(view: Image, projector_size: tuple[int, int], where: str = "camera view"
              ) -> Calibration:
    """Fit the camera-to-projector homography from one view of our projected board."""
    gray = view if view.ndim == 2 else cv2.cvtColor(view, cv2.COLOR_BGR2GRAY)
    corners = _oriented(find_corners(gray, where), gray)
    size = (gray.shape[1], gray.shape[0])
    verify_board_in_view(corners, size, where)
    proj, _, _ = board_layout(projector_size)
    h, _ = cv2.findHomography(corners, proj)
    if h is None:
        raise CalibrationError(f"{where}: the corners give no usable homography")
    err = np.linalg.norm(_warp(h, corners) - proj, axis=1)
    pw, ph = projector_size
    frame = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    quad = _warp(np.linalg.inv(h), frame)
    return Calibration(h, projector_size, size, pattern_bounds(corners),
                       tuple((float(x), float(y)) for x, y in quad),
                       float(err.mean()), float(err.max()))


def calibrate_frames(frames: Iterable[Image], projector_size: tuple[int, int], where: str
                     ) -> Calibration:
    """The first frame of a clip or camera in which the board is found and accepted."""
    last: CalibrationError | None = None
    n = 0
    for n, image in enumerate(frames, start=1):
        try:
            return calibrate(image, projector_size, f"{where} frame {n - 1}")
        except CalibrationError as exc:
            last = exc
    if last is None:
        raise CalibrationError(f"{where}: no frames to calibrate from")
    raise CalibrationError(f"{where}: no usable pattern in {n} frames; last: {last}")

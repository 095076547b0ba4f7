"""Projector-camera calibration from a projected chessboard.

The projector shows a chessboard (`chessboard_image`); the camera view is searched for its
inner corners (OpenCV `findChessboardCorners`, refined by `cornerSubPix`); a smaller board
in view (a printed one held up to measure distance) is set aside. From the corners we fit
the camera-to-projector homography; the residual says how well the corners fit. A pattern
that is cut off by the frame, or only partly visible, is rejected with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.errors import CalibrationError
from hardware.vision.frames import Image

PATTERN = (9, 6)  # inner corners across, down: ShootOFF's board, and ours
# White edge around the board, in squares: the proportion of ShootOFF's pattern (11 px
# edge on 168 px squares), so a range can show either pattern.
EDGE = 11 / 168
# A board narrower than this share of the view in both directions is not the projection
# (ShootOFF's test for a printed paper pattern).
MIN_PROJECTED_SHARE = 0.25
Points = npt.NDArray[Any]  # N x 2 float32
_SUBPIX = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 40, 0.01)
MIN_PROJECTOR_PX = 16
_BAND_ROWS = 256
MIN_VIEW_PX = 32  # below about this, OpenCV's search fails (under 15 px) or finds nothing
PREVIEW_PX = 1280  # a larger view is first searched at this size (longest side)
MAX_PROJECTOR_PX = 16384  # per side: as a rig file's; beyond any projector made
_SIZE = re.compile(r"([0-9]{1,6})[xX]([0-9]{1,6})", re.ASCII)


@dataclass(frozen=True, slots=True)
class Calibration:
    """Camera-to-projector mapping for one rig."""

    camera_to_projector: npt.NDArray[Any]  # 3x3 homography
    projector_size: tuple[int, int]
    camera_size: tuple[int, int]
    area_quad: tuple[tuple[float, float], ...]  # projector frame in camera px (TL TR BR BL)
    residual_px: float  # mean corner misfit, projector px
    max_residual_px: float
    corners: tuple[tuple[float, float], ...]  # the board's inner corners found, camera px
    left_out: tuple[int, ...]  # those off the flat board (hidden by something): not fitted

    def to_projector(self, pts: Points) -> Points:
        """Camera pixels (N x 2) to projector pixels."""
        return _warp(self.camera_to_projector, pts)

    def mask(self) -> Image:
        """255 inside the projected area (for the detector), 0 outside."""
        w, h = self.camera_size
        out = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(out, np.round(np.array(self.area_quad)).astype(np.int32), 255)
        return out

    def summary(self) -> str:
        quad = np.array(self.area_quad)
        (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
        left_out = (f" ({len(self.left_out)} hidden corners left out)"
                    if self.left_out else "")
        return (f"projected area x {x0:.1f}..{x1:.1f} y {y0:.1f}..{y1:.1f} camera px; corner "
                f"residual {self.residual_px:.3f} projector px mean, "
                f"{self.max_residual_px:.3f} max{left_out}")


def parse_size(text: str) -> tuple[int, int]:
    """`WIDTHxHEIGHT` in ASCII digits ('1280x72²' is refused: `int` would read the '²'),
    each side from MIN_PROJECTOR_PX to MAX_PROJECTOR_PX."""
    match = _SIZE.fullmatch(text)
    w, h = (int(match[1]), int(match[2])) if match else (0, 0)
    if not all(MIN_PROJECTOR_PX <= side <= MAX_PROJECTOR_PX for side in (w, h)):
        raise CalibrationError(
            f"projector size {text!r}: expected WIDTHxHEIGHT with each side from "
            f"{MIN_PROJECTOR_PX} to {MAX_PROJECTOR_PX} px, e.g. 1280x720")
    return w, h


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

    def hi(v: float) -> int:  # full-res edge coordinate -> first hi-res pixel past it
        return round(k * v + k / 2)

    img = np.empty((ph, pw), np.uint8)
    # In bands of rows: averaging k x k blocks down is the same band by band, and a large
    # projector's oversampled board (16384 px a side: 4 GiB) never has to fit at once.
    for top in range(0, ph, _BAND_ROWS):
        rows = min(_BAND_ROWS, ph - top)
        big = np.full((rows * k, pw * k), 255, np.uint8)
        for j in range(PATTERN[1] + 1):
            for i in range(PATTERN[0] + 1):
                if (i + j) % 2 == 0:
                    a = (hi(x0 + i * square), hi(y0 + j * square) - top * k)
                    b = (hi(x0 + (i + 1) * square) - 1, hi(y0 + (j + 1) * square) - 1 - top * k)
                    cv2.rectangle(big, a, b, 0, thickness=-1)
        img[top:top + rows] = cv2.resize(big, (pw, rows), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)


def find_corners(view: Image, where: str = "camera view") -> Points:
    """The 9x6 inner corners of the projected board, sub-pixel. Where several boards are
    in view, the largest is the projection; one too small to be it is refused."""
    gray = to_gray(view)
    h, w = gray.shape[:2]
    if min(w, h) < MIN_VIEW_PX:
        raise CalibrationError(
            f"{where}: the view is {w}x{h} px; expected at least {MIN_VIEW_PX} px a side to "
            f"find a {PATTERN[0]}x{PATTERN[1]}-corner chessboard in")
    try:
        boards = _find_boards(gray)
    except cv2.error as exc:  # a view OpenCV cannot search at all: say so in one line
        raise CalibrationError(f"{where}: the chessboard search failed: {exc.err}") from None
    if not boards:
        raise CalibrationError(
            f"{where}: no complete {PATTERN[0]}x{PATTERN[1]}-corner chessboard found "
            "(pattern partly hidden, cut off, or out of focus)")
    outline, corners = max(((_outer_squares(c), c) for c in boards),
                           key=lambda pair: cv2.contourArea(pair[0]))
    w, h = np.ptp(outline, axis=0)
    if w < MIN_PROJECTED_SHARE * gray.shape[1] and h < MIN_PROJECTED_SHARE * gray.shape[0]:
        raise CalibrationError(
            f"{where}: the largest chessboard in view is {w:.0f} x {h:.0f} px, too small to "
            "be the projected pattern (a printed board?); show the pattern on the projector")
    return corners


def to_gray(view: Image) -> Image:
    return view if view.ndim == 2 else cv2.cvtColor(view, cv2.COLOR_BGR2GRAY)


def _preview(gray: Image) -> tuple[Image, float, float]:
    """The view at most PREVIEW_PX a side, and how much larger the view is across and down.
    The search's time grows faster than the image: on 16 MP of noise it ran for over
    400 s, on the preview in about two. A view no larger (every peer view) is unchanged."""
    h, w = gray.shape[:2]
    scale = PREVIEW_PX / max(w, h)
    if scale >= 1:
        return gray, 1.0, 1.0
    size = (max(MIN_VIEW_PX, round(w * scale)), max(MIN_VIEW_PX, round(h * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), w / size[0], h / size[1]


def _full_size(gray: Image, corners: Points, fx: float, fy: float) -> Points:
    """Corners found on the preview placed on the full view and refined there."""
    at = (corners + 0.5) * np.array([fx, fy], np.float32) - 0.5  # pixel centres
    win = max(5, int(np.ceil(2 * max(fx, fy))))  # reaches past the preview's rounding
    refined = cv2.cornerSubPix(gray, at.reshape(-1, 1, 2), (win, win), (-1, -1), _SUBPIX)
    return np.asarray(refined, np.float32).reshape(-1, 2)


def _chessboard(gray: Image) -> Points | None:
    # no CALIB_CB_FAST_CHECK: its quick look misses a pale projected board beside a printed one
    flags = cv2.CALIB_CB_ADAPTIVE_THRESH | cv2.CALIB_CB_NORMALIZE_IMAGE
    ok, corners = cv2.findChessboardCorners(gray, PATTERN, flags=flags)
    return corners if ok and corners is not None else None


def _find_boards(view: Image, most: int = 3) -> list[Points]:
    """Every board in view (up to `most`): each one found is blanked before looking again."""
    gray, fx, fy = _preview(view)
    boards: list[Points] = []
    search = gray
    while len(boards) < most:
        corners = _chessboard(search)
        if corners is None:
            break
        corners = cv2.cornerSubPix(search, corners, (5, 5), (-1, -1), _SUBPIX)
        boards.append(np.asarray(corners, np.float32).reshape(-1, 2))
        search = search.copy()
        hull = np.round(_outer_squares(boards[-1])).astype(np.int32)
        cv2.fillConvexPoly(search, hull, int(np.median(search)))
    if gray is view:
        return boards
    return [_full_size(view, board, fx, fy) for board in boards]


def _outer_squares(corners: Points) -> Points:
    """The board's outline, one square beyond its outer inner corners."""
    h, _ = cv2.findHomography(_grid(), corners)
    return _warp(h, np.array([[-1, -1], [PATTERN[0], -1], [PATTERN[0], PATTERN[1]],
                              [-1, PATTERN[1]]], np.float32))


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


def verify_board_in_view(corners: Points, size: tuple[int, int], where: str
                         ) -> npt.NDArray[np.bool_]:
    """Reject a board whose outer squares run off the frame, or too many of whose corners
    are off a flat board; return which corners lie on it."""
    outer = _outer_squares(corners)
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
    return _flat_corners(corners, where)


# A corner further than this (in squares) from the flat board through the others is left
# out. A webcam lens bends a board filling the view by 1-2 px (up to 3 % of a square in
# the peer's recordings); a corner under something in front of the pattern (a browser's
# full-screen notice, a person) is off by several.
MAX_CORNER_MISFIT = 0.05
MAX_LEFT_OUT = 0.1  # more than this share of the corners left out: refuse the view


def _flat_corners(corners: Points, where: str) -> npt.NDArray[np.bool_]:
    limit = MAX_CORNER_MISFIT * _square_side(corners)
    keep = np.ones(len(corners), bool)
    while True:
        h, _ = cv2.findHomography(_grid()[keep], corners[keep])
        misfit = np.where(keep, np.linalg.norm(_warp(h, _grid()) - corners, axis=1), -1.0)
        worst = int(np.argmax(misfit))
        if misfit[worst] <= limit:
            return keep
        keep[worst] = False
        if (~keep).sum() > MAX_LEFT_OUT * len(corners):
            raise CalibrationError(
                f"{where}: {(~keep).sum()} of {len(corners)} corners do not fit a flat board "
                f"(off by more than {limit:.1f} camera px); the pattern is partly hidden or "
                "warped")


def _square_side(corners: Points) -> float:
    grid = corners.reshape(PATTERN[1], PATTERN[0], 2)
    across = np.linalg.norm(np.diff(grid, axis=1), axis=2).mean()
    down = np.linalg.norm(np.diff(grid, axis=0), axis=2).mean()
    return float((across + down) / 2)


def calibrate(view: Image, projector_size: tuple[int, int], where: str = "camera view"
              ) -> Calibration:
    """Fit the camera-to-projector homography from one view of our projected board."""
    gray = to_gray(view)
    corners = _oriented(find_corners(gray, where), gray)
    size = (gray.shape[1], gray.shape[0])
    flat = verify_board_in_view(corners, size, where)
    proj, _, _ = board_layout(projector_size)
    h, _ = cv2.findHomography(corners[flat], proj[flat])
    if h is None:
        raise CalibrationError(f"{where}: the corners give no usable homography")
    err = np.linalg.norm(_warp(h, corners[flat]) - proj[flat], axis=1)
    pw, ph = projector_size
    frame = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    quad = _warp(np.linalg.inv(h), frame)
    return Calibration(h, projector_size, size, tuple((float(x), float(y)) for x, y in quad),
                       float(err.mean()), float(err.max()),
                       tuple((float(x), float(y)) for x, y in corners),
                       tuple(int(i) for i in np.flatnonzero(~flat)))


def calibrate_frames(frames: Iterable[Image], projector_size: tuple[int, int], where: str
                     ) -> tuple[Calibration, Image]:
    """The first frame of a clip or camera in which the board is found and accepted, and
    its calibration."""
    last: CalibrationError | None = None
    n = 0
    for n, image in enumerate(frames, start=1):
        try:
            return calibrate(image, projector_size, f"{where} frame {n - 1}"), image
        except CalibrationError as exc:
            last = exc
    if last is None:
        raise CalibrationError(f"{where}: no frames to calibrate from")
    raise CalibrationError(f"{where}: no usable pattern in {n} frames; last: {last}")

"""The projected pattern's bounds as ShootOFF states them.

ShootOFF (the open laser range whose recordings and calibration results we are judged on)
reports a calibration as `bounds` [x, y, w, h] in camera pixels, and its calibration views
are judged by them. This is judging code (`evaluate.judge_calibration`), not part of
calibrating: our own mapping never uses these bounds, it rests on the accurate corners of
`calibration.find_corners`, and rigs do not store them.

ShootOFF's bounds depend on *its* corners, and on a blurred camera view those sit where
OpenCV 2.4's chessboard finder left them, up to 3 px from the true corners: the finder
equalises the image, binarises it with an adaptive threshold and a growing dilation,
takes each inner corner as the midpoint of the two nearest vertices of the black squares
meeting there, and refines it only in a 5x5 window. A board whose squares are spread
wider than the window by the blur keeps the midpoint. So we repeat those steps
(`legacy_corners`) on the board already found, and apply ShootOFF's rule
(`shootoff_bounds`). Checked against OpenCV 3.4.0's copy of that finder, built from
source: the same corners to 0.02 px on the peer's calibration views.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.vision.calibration import PATTERN, Calibration, to_gray
from hardware.vision.frames import Image

BORDER = 0.065476  # ShootOFF's white edge, 11 px on 168 px squares, as it rounds it
_REFINE = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 15, 0.1)
Points = npt.NDArray[Any]


def peer_bounds(view: Image, cal: Calibration) -> tuple[int, int, int, int] | None:
    """ShootOFF's bounds for the view `cal` was fitted on; None where its finder would not
    have found the board."""
    legacy = legacy_corners(to_gray(view), np.array(cal.corners, np.float32))
    return None if legacy is None else shootoff_bounds(legacy)


def legacy_corners(gray: Image, board: Points) -> Points | None:
    """The 9x6 corners of `board` (found by us, N x 2) as OpenCV 2.4's finder placed them,
    in the same order; None when that finder would not have found this board."""
    once = cv2.equalizeHist(gray)
    twice = cv2.equalizeHist(once)  # the finder equalises again (CALIB_CB_NORMALIZE_IMAGE)
    square = 0  # the finder narrows its threshold window once it has seen squares
    for k in range(6):
        for dilations in range(8):
            binary = _binarise(twice, k, dilations, square)
            ok, found = cv2.findChessboardCorners(binary, PATTERN, flags=cv2.CALIB_CB_PLAIN)
            links = _QuadLinks(_quads(binary))
            if ok and _same_board(found.reshape(-1, 2), board):
                starts = links.nearest_shared(board)
                refined = cv2.cornerSubPix(twice, starts.reshape(-1, 1, 2), (2, 2), (-1, -1),
                                           _REFINE)
                return np.asarray(refined, np.float32).reshape(-1, 2)
            square = links.square_size() or square
    return None


def shootoff_bounds(corners: Points) -> tuple[int, int, int, int]:
    """ShootOFF's bounds from the 9x6 corners: turn the board's outer corners upright by
    the tilt of their smallest enclosing rectangle, reach out one square plus the white
    edge on each side, and take the axis-aligned box of that estimate's smallest enclosing
    rectangle, width and height rounded up to even (ShootOFF records video of the area)."""
    quad = _outer_quad(np.asarray(corners, np.float64).reshape(-1, 2))
    tilt, _ = _min_rect(quad)
    m = cv2.moments(quad.astype(np.float32).reshape(-1, 1, 2))
    turn = cv2.getRotationMatrix2D((m["m10"] / m["m00"], m["m01"] / m["m00"]), tilt, 1.0)
    tl, tr, br, bl = np.hstack([quad, np.ones((4, 1))]) @ turn.T
    grow = 1.0 + BORDER
    top, bottom = grow * _dist(tr, tl) / 8, grow * _dist(br, bl) / 8
    left, right = grow * _dist(bl, tl) / 5, grow * _dist(br, tr) / 5
    estimate = np.array([[tl[0] - top, tl[1] - left], [tr[0] + top, tr[1] - right],
                         [br[0] + bottom, br[1] + right], [bl[0] - bottom, bl[1] + left]])
    _, box = _min_rect(estimate)
    x0, y0 = int(np.floor(box[:, 0].min())), int(np.floor(box[:, 1].min()))
    w = int(np.ceil(box[:, 0].max())) - x0 + 1
    h = int(np.ceil(box[:, 1].max())) - y0 + 1
    return x0, y0, w + (w & 1), h + (h & 1)


def _binarise(twice: Image, k: int, dilations: int, square: int) -> Image:
    """The finder's k-th adaptive threshold (window 20 % or 10 % of the short side, or
    twice the square size seen so far; offset 0, 0, 5, 5, 10, 10) and its dilation."""
    window = square * 2 if square else min(twice.shape) * (0.2 if k % 2 == 0 else 0.1)
    binary = cv2.adaptiveThreshold(twice, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                   round(window) | 1, (k // 2) * 5)
    if dilations > 1:
        binary = cv2.dilate(binary, np.ones((3, 3), np.uint8), iterations=dilations - 1)
    return binary


def _same_board(found: Points, board: Points) -> bool:
    # the finder may list the corners from the other end
    return bool(min(np.abs(found - board).max(), np.abs(found[::-1] - board).max()) <= 4.0)


def _quads(binary: Image) -> list[Points]:
    """The black squares as the finder sees them: holes in the white, simplified to four
    vertices at the smallest tolerance (1 to 7 px) that allows, convex."""
    framed = binary.copy()  # a white frame so squares touching the edge close
    cv2.rectangle(framed, (0, 0), (framed.shape[1] - 1, framed.shape[0] - 1), 255, 3)
    contours, hierarchy = cv2.findContours(framed, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0], strict=True):
        _, _, w, h = cv2.boundingRect(contour)
        if parent < 0 or w * h < 25:
            continue
        poly = contour
        for level in range(1, 8):
            poly = cv2.approxPolyDP(contour, level, True)
            if len(poly) == 4:
                break
            poly = cv2.approxPolyDP(poly, level, True)  # once more: it may not simplify fully
            if len(poly) == 4:
                break
        if len(poly) == 4 and cv2.isContourConvex(poly):
            quads.append(poly.reshape(4, 2).astype(np.float32))
    return quads


class _QuadLinks:
    """The finder's pairing of square vertices into shared corners: in order, each free
    vertex joins the nearest free vertex of another square (no farther than the shorter
    side of either, and only where that pairing is mutual), and both move to their mean."""

    def __init__(self, quads: list[Points]) -> None:
        n = len(quads)
        self.pts = np.array(quads, np.float32).reshape(n, 4, 2)
        self.neighbour = np.full((n, 4), -1)
        self.count = np.zeros(n, int)
        self.shared: list[tuple[int, int]] = []
        sides = self.pts - np.roll(self.pts, -1, axis=1)
        self.edge = (sides ** 2).sum(axis=2).min(axis=1) if n else np.zeros(0, np.float32)
        for a in range(n):
            for i in range(4):
                if self.neighbour[a, i] < 0:
                    self._link(a, i)

    def _sq_dist(self, pt: Points) -> Points:
        d = self.pts - pt  # float32 throughout, as the finder computes
        return np.asarray(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1])

    def _link(self, a: int, i: int) -> None:
        pt = self.pts[a, i].copy()
        dist = self._sq_dist(pt)
        free = self.neighbour < 0
        free[a] = False
        # (the finder also refuses squares whose sides differ more than 1:32)
        ok = (free & (dist <= self.edge[a]) & (dist <= self.edge[:, None])
              & (self.edge[a] - self.edge <= 32 * self.edge)[:, None])
        if not ok.any():
            return
        b, j = np.unravel_index(int(np.argmin(np.where(ok, dist, np.inf))), dist.shape)
        best = dist[b, j]
        other = self.pts[b, j].copy()
        to_other = self._sq_dist(other)
        if (self.neighbour[a] == b).any() or (to_other[a] < best).any():
            return  # another vertex of this square is nearer: the wrong pairing
        if self.count[a] >= 4 or self.count[b] >= 4:
            return
        if (self.neighbour[b, :self.count[b]] == a).any():  # (the finder looks no further)
            return
        rivals = free.copy()
        rivals[b] = False
        if (rivals & (to_other < best)).any():
            return  # that vertex is nearer to a third square's
        self.pts[a, i] = self.pts[b, j] = (pt + other) * np.float32(0.5)
        self.neighbour[a, i], self.neighbour[b, j] = b, a
        self.count[a] += 1
        self.count[b] += 1
        self.shared.append((int(b), int(j)))

    def nearest_shared(self, board: Points) -> Points:
        shared = np.array([self.pts[b, j] for b, j in self.shared], np.float32).reshape(-1, 2)
        d = np.linalg.norm(shared[None, :, :] - board[:, None, :], axis=2)
        return np.asarray(shared[d.argmin(axis=1)], np.float32)

    def square_size(self) -> int:
        """About the square size the finder keeps from a failed attempt: the mean side,
        between shared corners, of the squares in the last linked group that holds a square
        linked on all four sides (the finder keeps its corners' mean spacing)."""
        n = len(self.count)
        group = np.full(n, -1)
        size = 0
        for seed in range(n):
            if self.count[seed] == 0 or group[seed] >= 0:
                continue
            members, stack = [seed], [seed]
            group[seed] = seed
            while stack:
                for other in self.neighbour[stack.pop()]:
                    if other >= 0 and self.count[other] > 0 and group[other] < 0:
                        group[other] = seed
                        members.append(other)
                        stack.append(other)
            if (self.count[members] == 4).any():
                sides = [_dist(self.pts[m, i], self.pts[m, (i + 1) % 4]) for m in members
                         for i in range(4)
                         if self.neighbour[m, i] >= 0 and self.neighbour[m, (i + 1) % 4] >= 0]
                size = round(float(np.mean(sides))) if sides else size
        return size


def _outer_quad(corners: Points) -> Points:
    """The four outer corners as top-left, top-right, bottom-right, bottom-left by their
    place around the centre (as ShootOFF sorts them)."""
    pts = corners[[0, PATTERN[0] - 1, len(corners) - 1, len(corners) - PATTERN[0]]]
    centre_y = pts[:, 1].mean()
    top = sorted((p for p in pts if p[1] < centre_y), key=lambda p: p[0])
    bottom = sorted((p for p in pts if p[1] >= centre_y), key=lambda p: p[0])
    if len(top) != 2:
        raise ValueError("the board's outer corners do not form a quadrilateral")
    return np.array([top[0], top[1], bottom[1], bottom[0]], np.float64)


def _min_rect(quad: Points) -> tuple[float, Points]:
    """The smallest rectangle around a convex quadrilateral (one side lies along one of its
    edges): its tilt in [-45, 45) degrees and its corners. Two edges can give rectangles
    of exactly the same area; then the smaller tilt wins, so the result does not hang on
    rounding (OpenCV's own choice there flips with a 1e-4 px change)."""
    best: tuple[float, float, Points] | None = None
    for j in range(4):
        dx, dy = quad[(j + 1) % 4] - quad[j]
        tilt = (np.degrees(np.arctan2(dy, dx)) + 45.0) % 90.0 - 45.0
        c, s = np.cos(np.radians(tilt)), np.sin(np.radians(tilt))
        upright = quad @ np.array([[c, -s], [s, c]])
        lo, hi = upright.min(axis=0), upright.max(axis=0)
        area = float(np.prod(hi - lo))
        box = np.array([lo, [hi[0], lo[1]], hi, [lo[0], hi[1]]]) @ np.array([[c, s], [-s, c]])
        if best is None or area < best[0] * (1 - 1e-9) or (
                area <= best[0] * (1 + 1e-9) and abs(tilt) < abs(best[1])):
            best = (area, tilt, box)
    assert best is not None
    return best[1], best[2]


def _dist(a: Points, b: Points) -> float:
    return float(np.hypot(*(a - b)))

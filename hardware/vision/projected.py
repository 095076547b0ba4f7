"""A simulated camera that watches what the projector shows: the frames actually
rendered, seen through a seeded perspective (where a camera on a tripod would see the
screen), with each laser pulse drawn where the replica was aimed, and sensor noise.

It is the camera of the simulated rig: its frames go through the real detector, and the
calibration is fitted on its view of the projected chessboard, as on a real range."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.events import Colour
from hardware.vision.frames import Frame, Image
from hardware.vision.prediction import Photometry

LASER_BGR = {"red": (0.25, 0.3, 1.0), "green": (0.35, 1.0, 0.3), "ir": (1.0, 1.0, 1.0)}


@dataclass(frozen=True, slots=True)
class Pulse:
    """A laser pulse on the screen: where (projector px), when, how long, which colour."""

    x: float
    y: float
    t_ns: int
    duration_ns: int
    colour: Colour


@dataclass(slots=True)
class ProjectedCamera:
    projector_size: tuple[int, int]
    camera_size: tuple[int, int] = (960, 540)
    fps: float = 30.0
    seed: int = 0
    noise: float = 2.0  # sensor noise, grey levels (sd)
    dot_px: float = 2.0  # the laser dot's radius (sd) in camera px
    power: float = 900.0  # peak rise of a dot's centre before clipping
    # The camera's response to what the projector shows, per channel (B, G, R): a real
    # camera is no identity (level = offset + gain * 255 * (shown / 255) ** gamma), and
    # its optics blur the picture. The prediction has to fit this, not assume it.
    response: Photometry = field(default_factory=lambda: Photometry(
        gain=(0.82, 0.9, 0.95), offset=(14.0, 10.0, 12.0), gamma=(1.2, 1.1, 1.15), blur=0.9))
    projector_to_camera: npt.NDArray[Any] = field(init=False)
    _rng: np.random.Generator = field(init=False)
    _noise: list[npt.NDArray[np.float32]] = field(init=False)
    _pulses: list[Pulse] = field(default_factory=list)
    _index: int = 0

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)
        self.projector_to_camera = _seeded_view(self.projector_size, self.camera_size,
                                                self._rng)
        # A few frames of sensor noise, drawn in turn at random: a fresh draw per frame
        # costs more than the rest of the capture.
        shape = (self.camera_size[1], self.camera_size[0], 3)
        self._noise = [self._rng.normal(0.0, self.noise, shape).astype(np.float32)
                       for _ in range(6)]

    @property
    def period_ns(self) -> int:
        return round(1e9 / self.fps)

    def pulse(self, pulse: Pulse) -> None:
        self._pulses.append(pulse)

    @property
    def sees(self) -> tuple[int, int]:
        """The size to hand the projector's picture in at: no finer than the camera
        resolves (the view is warped from it)."""
        return (min(self.projector_size[0], self.camera_size[0]),
                min(self.projector_size[1], self.camera_size[1]))

    def capture(self, shown_rgb: Image, t_ns: int) -> Frame:
        """The camera's frame exposed over the period ending at `t_ns`, of the projector
        image `shown_rgb` (height x width x 3, RGB; any size, scaled to the projector's)
        with the pulses lit meanwhile."""
        bgr = cv2.cvtColor(shown_rgb, cv2.COLOR_RGB2BGR)
        scale = np.diag([self.projector_size[0] / bgr.shape[1],
                         self.projector_size[1] / bgr.shape[0], 1.0])
        view = self.response.apply(cv2.warpPerspective(
            bgr, self.projector_to_camera @ scale, self.camera_size,
            flags=cv2.INTER_LINEAR)).astype(np.float32)
        start = t_ns - self.period_ns
        for pulse in self._pulses:
            lit = min(pulse.t_ns + pulse.duration_ns, t_ns) - max(pulse.t_ns, start)
            if lit > 0:
                self._add_dot(view, pulse)
        self._pulses = [p for p in self._pulses if p.t_ns + p.duration_ns > t_ns]
        view += self._noise[int(self._rng.integers(len(self._noise)))]
        frame = Frame(np.clip(view, 0, 255).astype(np.uint8), t_ns, self._index)
        self._index += 1
        return frame

    def _add_dot(self, view: npt.NDArray[np.float32], pulse: Pulse) -> None:
        point = np.array([[[pulse.x, pulse.y]]], np.float64)
        cx, cy = cv2.perspectiveTransform(point, self.projector_to_camera)[0, 0]
        r = int(np.ceil(4 * self.dot_px)) + 1
        x0, y0 = int(cx) - r, int(cy) - r
        h, w = view.shape[:2]
        xa, xb, ya, yb = max(0, x0), min(w, x0 + 2 * r + 1), max(0, y0), min(h, y0 + 2 * r + 1)
        if xa >= xb or ya >= yb:
            return  # aimed off the screen the camera sees
        ys, xs = np.mgrid[ya:yb, xa:xb].astype(np.float32)
        spot = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * self.dot_px**2))
        view[ya:yb, xa:xb] += spot[..., None] * np.array(LASER_BGR[pulse.colour],
                                                         np.float32) * self.power


def _seeded_view(projector: tuple[int, int], camera: tuple[int, int],
                 rng: np.random.Generator) -> npt.NDArray[Any]:
    """Projector px -> camera px: the screen filling most of the view, slightly turned and
    in perspective, as a camera set up beside the shooter's line sees it."""
    pw, ph = projector
    cw, ch = camera
    margin = np.array([0.08 * cw, 0.08 * ch])
    corners = np.array([[margin[0], margin[1]], [cw - margin[0], margin[1]],
                        [cw - margin[0], ch - margin[1]], [margin[0], ch - margin[1]]])
    corners += rng.uniform(-0.04, 0.04, corners.shape) * np.array([cw, ch])
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
    return np.asarray(cv2.getPerspectiveTransform(source.astype(np.float32),
                                                  corners.astype(np.float32)), np.float64)

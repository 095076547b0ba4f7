"""Projection-aware detection: on a range that renders what it projects, the camera
image can be predicted from the frame shown, through the calibration and a photometric
model of projector and camera, and only light the projection does not explain is looked
at. Moving people, scene cuts and flashes on the screen then never look like a laser dot.

The photometric model (`Photometry`) is, per channel, level = offset + gain * 255 *
(shown / 255) ** gamma after a Gaussian blur of the warped picture (the optics): three
numbers a channel and one for the blur, each a property of the projector's lamp and the
camera's exposure, white balance, response curve and focus. `fit_photometry` fits them on
frames without spots (the calibration views: the board, and a grey ramp), blur by the
least residual over a few widths, the curve per channel by least squares over a grid of
gammas (refined to 0.01). With no rendered frames (a recorded clip, a real camera) the
detector falls back to its temporal model.

`unexplained(frame, shown)` is the camera frame less its prediction, as the share of
each pixel's headroom the unexplained light used, on a dark-grey floor: the detector sees
a flat scene with the dots on it, and a dot on a pale shirt, where the camera clips after
a small rise, stands out as much as one on a dark coat. The prediction follows the
camera's exposure and white balance from frame to frame: each channel is scaled by the
median ratio of what was seen to what was predicted."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.vision.calibration import Calibration
from hardware.vision.frames import Frame, Image

FLOOR = 64  # grey level the explained light is put at: room for dots, none for shadows
MIN_HEADROOM = 32.0  # a pixel this close to clipping counts as having this much room
BLURS = (0.0, 0.5, 0.9, 1.4, 2.0)  # optics tried, px (sd)
GAMMAS = np.arange(0.5, 2.51, 0.1)  # a coarse search, then refined to 0.01
FIT_SAMPLES = 20_000  # pixels are plenty to fit four numbers a channel
Triple = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Photometry:
    """The camera's level for what the projector shows, per channel (B, G, R)."""

    gain: Triple = (1.0, 1.0, 1.0)
    offset: Triple = (0.0, 0.0, 0.0)
    gamma: Triple = (1.0, 1.0, 1.0)
    blur: float = 0.0  # Gaussian sd in camera px

    def curves(self) -> npt.NDArray[np.float64]:
        """Per channel, the level each level shown drives the sensor to (1 x 256 x 3),
        before it clips: past 255 where the picture alone takes it over the top."""
        x = np.arange(256, dtype=np.float64) / 255.0
        curves = [np.maximum(o + g * 255.0 * x ** gm, 0)
                  for g, o, gm in zip(self.gain, self.offset, self.gamma, strict=True)]
        return np.stack(curves, axis=-1).reshape(1, 256, 3)

    def lut(self) -> Image:
        return np.round(np.minimum(self.curves(), 255)).astype(np.uint8)

    def apply(self, warped_bgr: Image) -> Image:
        """What the camera records of a picture already warped into its view."""
        out: Image = cv2.LUT(self._blurred(warped_bgr), self.lut())
        return out

    def levels(self, warped_bgr: Image) -> npt.NDArray[np.float32]:
        """The levels a picture already warped into the camera's view drives its sensor
        to, before it clips (`apply` is what the camera then records)."""
        out = cv2.LUT(self._blurred(warped_bgr), self.curves().astype(np.float32))
        return np.asarray(out, np.float32)

    def _blurred(self, image: Image) -> Image:
        if self.blur <= 0:
            return image
        out: Image = cv2.GaussianBlur(image, (0, 0), self.blur)
        return out


def fit_photometry(warped: Sequence[Image], seen: Sequence[Image],
                   mask: Image | None = None) -> Photometry:
    """The model that best turns each warped picture (BGR, the camera's geometry) into
    what the camera saw of it, on the pixels inside `mask` that do not clip."""
    best: tuple[float, Photometry] | None = None
    for blur in BLURS:
        xs, ys = _samples([cv2.GaussianBlur(w, (0, 0), blur) if blur else w for w in warped],
                          seen, mask)
        fits = [_fit_channel(xs[:, c], ys[:, c]) for c in range(3)]
        residual = sum(f[3] for f in fits)
        model = Photometry(gain=_triple(f[0] for f in fits), offset=_triple(f[1] for f in fits),
                           gamma=_triple(f[2] for f in fits), blur=blur)
        if best is None or residual < best[0]:
            best = (residual, model)
    assert best is not None
    return best[1]


def _triple(values: Any) -> Triple:
    a, b, c = (float(v) for v in values)
    return (a, b, c)


def _samples(warped: Sequence[Image], seen: Sequence[Image], mask: Image | None
             ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    xs, ys = [], []
    for w, s in zip(warped, seen, strict=True):
        keep = s.max(axis=2) < 250  # clipped pixels say nothing of the curve
        if mask is not None:
            keep &= mask > 0
        xs.append(w[keep])
        ys.append(s[keep])
    x, y = np.concatenate(xs), np.concatenate(ys)
    step = max(1, len(x) // FIT_SAMPLES)
    return x[::step].astype(np.float64) / 255.0, y[::step].astype(np.float64)


def _fit_channel(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
                 ) -> tuple[float, float, float, float]:
    """(gain, offset, gamma, residual) of y = offset + gain * 255 * x ** gamma."""
    best = (1.0, 0.0, 1.0, float("inf"))
    for grid in (GAMMAS, None):
        if grid is None:  # refine around the best of the coarse search
            grid = np.arange(best[2] - 0.09, best[2] + 0.095, 0.01)
        for gamma in grid:
            basis = 255.0 * x ** gamma
            design = np.stack([basis, np.ones_like(basis)], axis=1)
            (gain, offset), *_ = np.linalg.lstsq(design, y, rcond=None)
            residual = float(np.mean((design @ np.array([gain, offset]) - y) ** 2))
            if residual < best[3]:
                best = (float(gain), float(offset), float(round(gamma, 2)), residual)
    return best


EXPOSURE_STEP = 8  # every 8th pixel each way: a few thousand, robust to a few dots


def _exposure_of(seen: Image, predicted: npt.NDArray[np.float32], mask: Image
                 ) -> npt.NDArray[np.float32]:
    """This frame's gain per channel over the fitted model: the median ratio of seen to
    predicted where both are well inside the range (auto exposure and white balance drift
    from frame to frame; a few dots barely move a median)."""
    s = seen[::EXPOSURE_STEP, ::EXPOSURE_STEP].astype(np.float32)
    p = predicted[::EXPOSURE_STEP, ::EXPOSURE_STEP]
    inside = (mask[::EXPOSURE_STEP, ::EXPOSURE_STEP] > 0)[..., None]
    usable = inside & (p > 32) & (p < 224) & (s < 250)
    gains = np.ones(3, np.float32)
    for c in range(3):
        ratio = s[..., c][usable[..., c]] / p[..., c][usable[..., c]]
        if ratio.size >= 64:
            gains[c] = float(np.median(ratio))
    return gains


def grey_ramp(size: tuple[int, int]) -> Image:
    """A projector picture (RGB) running from black to white left to right: every level
    once, to fit the camera's response on."""
    w, h = size
    ramp = np.linspace(0, 255, w).round().astype(np.uint8)
    return np.ascontiguousarray(np.broadcast_to(ramp[None, :, None], (h, w, 3)))


class ProjectionPrediction:
    def __init__(self, calibration: Calibration, projector_size: tuple[int, int],
                 photometry: Photometry | None = None) -> None:
        self._to_camera: npt.NDArray[Any] = np.linalg.inv(calibration.camera_to_projector)
        self._projector_size = projector_size
        self._camera_size = calibration.camera_size
        self._mask = calibration.mask()
        self.photometry = photometry or Photometry()

    def warp(self, shown_rgb: Image) -> Image:
        """The frame shown (RGB, any size) in the camera's geometry, as BGR."""
        bgr = cv2.cvtColor(shown_rgb, cv2.COLOR_RGB2BGR)
        scale = np.diag([self._projector_size[0] / bgr.shape[1],
                         self._projector_size[1] / bgr.shape[0], 1.0])
        out: Image = cv2.warpPerspective(bgr, self._to_camera @ scale, self._camera_size,
                                         flags=cv2.INTER_LINEAR)
        return out

    def fit(self, pairs: Sequence[tuple[Frame, Image]]) -> Photometry:
        """Fit the photometric model on (camera frame, frame shown) pairs without spots."""
        self.photometry = fit_photometry([self.warp(shown) for _, shown in pairs],
                                         [frame.image for frame, _ in pairs], self._mask)
        return self.photometry

    def _exposure(self, seen: Image, predicted: npt.NDArray[np.float32]
                  ) -> npt.NDArray[np.float32]:
        return _exposure_of(seen, predicted, self._mask)

    def predict(self, shown_rgb: Image) -> npt.NDArray[np.float32]:
        """The levels the frame shown (RGB, any size) should drive the camera's sensor to,
        as BGR, before it clips."""
        return self.photometry.levels(self.warp(shown_rgb))

    def unexplained(self, frame: Frame, shown_rgb: Image) -> Frame:
        """The light in `frame` that the picture shown does not explain (see the module).
        As in the camera, the exposure scales the sensor's levels and the sensor then
        clips: content the picture alone drives past the top is predicted at the top
        whatever the exposure does (scaled after clipping, it fell under the top as the
        exposure fell, and a clipped patch read as light)."""
        predicted = self.predict(shown_rgb)
        predicted *= self._exposure(frame.image, predicted)
        np.minimum(predicted, 255.0, out=predicted)
        headroom = np.maximum(255.0 - predicted, MIN_HEADROOM)
        used = (frame.image.astype(np.float32) - predicted) / headroom
        image: Image = np.clip(FLOOR + used * (255.0 - FLOOR), 0, 255).astype(np.uint8)
        return Frame(image, frame.t_ns, frame.index)


class ShownTimeline:
    """The pictures the projector showed, each with a time it was on screen by, for a
    camera on its own thread: the frame it grabbed at `t` is explained by the newest
    picture on screen by `t`. Thread-safe; keeps the last `keep` (a camera frame is
    searched within a few projector frames of its capture; one further behind finds
    none to explain it)."""

    def __init__(self, keep: int = 16) -> None:
        self._shown: deque[tuple[int, Image]] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def add(self, picture_rgb: Image, on_screen_ns: int) -> None:
        with self._lock:
            self._shown.append((on_screen_ns, picture_rgb))

    def at(self, t_ns: int) -> Image | None:
        """The picture on screen at `t_ns`, or None if none shown by then is kept."""
        with self._lock:
            on_screen = [picture for shown_ns, picture in self._shown if shown_ns <= t_ns]
        return on_screen[-1] if on_screen else None

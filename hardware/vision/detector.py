"""The laser shot detector: frames in, one `SpotEvent` per laser pulse out.

Per frame (cheap, whole image): brightness = max(R, G) (a laser adds to one of them; an
IR camera is mono so both are equal), its rise over a slow background, and the brightest
rise. Only when that passes the threshold does the expensive part run, on small regions:
blobs of risen pixels are measured (size, shape, peak, contrast against their ring in the
current frame, colour of the added light) and kept if they look like a laser dot. Dots
are tracked so that one pulse over several frames is reported once, at the time and place
of the first frame it appears in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cv2
import numpy as np

from hardware.events import Colour, SpotEvent
from hardware.vision.frames import Frame, Image
from hardware.vision.spots import Blob, DetectorConfig, measure_blobs


@dataclass(slots=True)
class _Track:
    x: float
    y: float
    last_t_ns: int
    last_index: int
    event: SpotEvent


@dataclass(slots=True)
class ShotDetector:
    """Stateful detector; feed frames in capture order with `feed`."""

    config: DetectorConfig = field(default_factory=DetectorConfig)
    mask: Image | None = None  # 255 inside the calibrated projection area
    mono: bool = False  # IR camera: report colour "ir"
    _bg: Image | None = None
    _prev: Image | None = None
    _activity: np.ndarray | None = None  # coarse running mean of |frame-to-frame change|
    _history: deque[Image] = field(default_factory=lambda: deque(maxlen=4))
    _tracks: list[_Track] = field(default_factory=list)
    _frames: int = 0
    last_blobs: list[Blob] = field(default_factory=list)  # for debug overlays

    def reset(self) -> None:
        self._bg = None
        self._history.clear()
        self._tracks.clear()
        self._frames = 0

    def feed(self, frame: Frame) -> list[SpotEvent]:
        """Spots that first appear in this frame."""
        image = frame.image
        bright = brightness(image)
        cfg = self.config
        if self._bg is None or self._bg.shape != bright.shape:
            self._bg = bright.copy()
            self._prev = bright
        change = coarse_mean(cv2.absdiff(bright, self._prev if self._prev is not None else bright))
        if self._activity is None or self._activity.shape != change.shape:
            self._activity = change
        rise = cv2.subtract(bright, self._bg)
        if self.mask is not None:
            rise = cv2.bitwise_and(rise, self.mask)
        _, peak, _, _ = cv2.minMaxLoc(rise)
        blobs: list[Blob] = []
        if peak >= cfg.min_rise and self._frames >= cfg.warmup_frames:
            ref = self._history[0] if self._history else image
            blobs = measure_blobs(image, ref, bright, self._activity, rise, cfg)
        self.last_blobs = blobs
        events = self._track(frame, blobs)
        cv2.addWeighted(bright, cfg.bg_rate, self._bg, 1.0 - cfg.bg_rate, 0.0, dst=self._bg)
        cv2.addWeighted(change, cfg.activity_rate, self._activity, 1.0 - cfg.activity_rate, 0.0,
                        dst=self._activity)
        self._prev = bright
        self._history.append(image)
        self._frames += 1
        return events

    def _track(self, frame: Frame, blobs: list[Blob]) -> list[SpotEvent]:
        cfg = self.config
        gap_ns = int(cfg.same_pulse_ms * 1e6)
        self._tracks = [
            t for t in self._tracks
            if frame.t_ns - t.last_t_ns <= gap_ns
            or frame.index - t.last_index <= cfg.same_pulse_frames
        ]
        events = []
        for b in blobs:  # any blob near a live track extends it: one pulse, one event
            track = self._nearest(b)
            if track is not None:
                track.x, track.y = b.x, b.y
                track.last_t_ns, track.last_index = frame.t_ns, frame.index
                continue
            if not b.accepted:
                continue
            colour: Colour = "ir" if self.mono else b.colour
            ev = SpotEvent(frame.t_ns, b.x, b.y, colour, frame.index, float(b.peak))
            self._tracks.append(_Track(b.x, b.y, frame.t_ns, frame.index, ev))
            events.append(ev)
        return events

    def _nearest(self, b: Blob) -> _Track | None:
        r2 = self.config.same_pulse_radius ** 2
        best = None
        for t in self._tracks:
            d2 = (t.x - b.x) ** 2 + (t.y - b.y) ** 2
            if d2 <= r2 and (best is None or d2 < best[0]):
                best = (d2, t)
        return best[1] if best else None


def coarse_mean(image: Image) -> np.ndarray:
    """Mean over 8x8 cells, as float32 (cheap: one area resize)."""
    h, w = image.shape
    small = cv2.resize(image, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32)


def brightness(image: Image) -> Image:
    """max(R, G): the channel a red or green laser adds to; equal channels for mono."""
    if image.ndim == 2:
        return image
    return cv2.max(cv2.extractChannel(image, 2), cv2.extractChannel(image, 1))

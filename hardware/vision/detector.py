"""The laser shot detector: frames in, one `SpotEvent` per laser pulse out.

Per frame (cheap, whole image): brightness = max(R, G) (a laser adds to one of them; an
IR camera is mono so both are equal), its rise over a slow background scaled by the
frame's overall gain, the brightest rise, a coarse map of recent motion, and the
brightest light of the last seconds (`memory`: content a person uncovers). Only when
the brightest rise passes the threshold does the expensive part run, on small regions:
blobs of risen pixels are measured (`spots`) and kept if they look like a laser dot. Dots
are tracked (`tracking`) so that one pulse over several frames is reported once, at the
time of the first frame it appears in. Frames 1200 px wide or more are searched at half
size and each shot is then placed on the full frame. See docs/vision.md.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from hardware.events import SpotEvent
from hardware.vision.channels import ChannelBalance
from hardware.vision.config import Blob, DetectorConfig
from hardware.vision.frames import Frame, Image
from hardware.vision.memory import Box, LightMemory
from hardware.vision.pixels import brightness, components
from hardware.vision.resolution import at_resolution
from hardware.vision.spots import blobs_in, measure_blobs
from hardware.vision.tracking import HOLDING, PulseTracker


@dataclass(slots=True)
class ShotDetector:
    """Stateful detector; feed frames in capture order with `feed`."""

    config: DetectorConfig = field(default_factory=DetectorConfig)
    mask: Image | None = None  # 255 inside the calibrated projection area
    mono: bool = False  # IR camera: report colour "ir"
    # The frames' channels share one scale (projection-aware: the unexplained light is a
    # share of each channel's headroom), so there is no channel balance to learn.
    shared_scale: bool = False
    _bg: Image | None = None
    _prev: np.ndarray | None = None  # the last frame's coarse brightness
    _bg_coarse: np.ndarray | None = None  # the background's, learnt alongside
    _activity: np.ndarray | None = None  # coarse running mean of |frame-to-frame change|
    _history: deque[Image] = field(default_factory=lambda: deque(maxlen=4))
    _recent: deque[Image] = field(init=False)  # the last frames' brightness: new light
    _full: deque[Image] = field(default_factory=lambda: deque(maxlen=2))  # full-size frames
    _mask_small: Image | None = None
    _tracker: PulseTracker = field(init=False)
    _frames: int = 0
    _start_ns: int | None = None
    last_blobs: list[Blob] = field(default_factory=list)  # for debug overlays
    gain: float = 1.0  # the last frame's brightness over the background's
    _white: float = 0.0
    _top: int = 0  # the level this frame clips at (`_learn_clip_level`)
    _balance: ChannelBalance = field(init=False)  # each channel's own top level
    _memory: LightMemory = field(init=False)  # the scene's light over the last seconds

    def __post_init__(self) -> None:
        self._tracker = PulseTracker(self.config, self.mono)
        self._recent = deque(maxlen=self.config.new_light_frames)
        self._balance = ChannelBalance(self.config.gain_tolerance, self.shared_scale)
        self._memory = LightMemory(self.config.hidden_ms, _MEMORY_BLOCK_MS)

    def reset(self) -> None:
        self._bg = None
        self._bg_coarse = None
        self._prev = None
        self._activity = None
        self._history.clear()
        self._recent.clear()
        self._full.clear()
        self._tracker.reset()
        self._frames = 0
        self._start_ns = None
        self._white = 0.0
        self._top = 0
        self._balance.reset()
        self._memory.reset()

    def feed(self, frame: Frame) -> list[SpotEvent]:
        """Spots that first appeared in this frame (a smeared one: in the frame before)."""
        cfg = self.config
        full = frame.image
        step = 2 if full.shape[1] >= cfg.half_res_from else 1
        image = full if step == 1 else cv2.resize(
            full, (full.shape[1] // 2, full.shape[0] // 2), interpolation=cv2.INTER_AREA)
        raw, image = image, self._balance.apply(image)
        bright = brightness(image)
        coarse = coarse_mean(bright)
        if self._bg is None or self._prev is None or self._bg.shape != bright.shape:
            self._bg, self._prev, self._bg_coarse = bright.copy(), coarse, coarse.copy()
            self._recent.clear()
        # change of 8x8 cell means: moving content and people show, sensor noise averages out
        change = cv2.absdiff(coarse, self._prev)
        if self._activity is None or self._activity.shape != change.shape:
            self._activity = change
        rise = cv2.subtract(bright, self._expected(coarse))
        if self.mask is not None:
            rise = cv2.bitwise_and(rise, self._work_mask(rise.shape))
        blobs: list[Blob] = []
        if self._start_ns is None:
            self._start_ns = frame.t_ns
        settled = (self._frames >= cfg.warmup_frames
                   and frame.t_ns - self._start_ns >= cfg.warmup_ms * 1e6)
        # the brightest level this camera reaches: 255 unless its gain tops out lower
        self._learn_clip_level(bright)
        levels = at_resolution(self._levels(), bright.shape[1])
        if settled and cv2.minMaxLoc(rise)[1] >= levels.min_rise:
            ref = self._history[0] if self._history else image
            blobs = measure_blobs(image, ref, bright, self._activity, rise, levels,
                                  list(self._recent), list(self._history),
                                  self._memory.recall(image, levels.saturated))
        self.last_blobs = blobs
        events = self._tracker.update(frame.t_ns, frame.index, blobs)
        self._full.append(full)
        if step > 1:
            events = [self._to_full(ev, step) for ev in events]
        self._learn(bright, coarse)
        boxes = _boxes(blobs, image.shape[1], image.shape[0])
        self._memory.add(image, frame.t_ns, _held(blobs, boxes))
        cv2.addWeighted(change, cfg.activity_rate, self._activity, 1.0 - cfg.activity_rate, 0.0,
                        dst=self._activity)
        self._prev = coarse
        self._recent.append(bright)  # a new array each frame (or the mono frame itself)
        self._history.append(image)
        self._learn_balance(raw, boxes, whole=not settled)
        self._frames += 1
        return events

    def _learn_balance(self, raw: Image, spots: list[Box], whole: bool) -> None:
        """Learn each channel's top from this frame as the camera gave it (see `channels`:
        the candidates' boxes and a strip; the `whole` frame during the warm-up). When
        the balance changes, the frames remembered are shown as it now shows them and the
        background starts again from this frame, so a dot in the next frame still rises
        over it."""
        if self._balance.known:
            return
        before = self._balance.learn(raw, spots, every=whole)
        if before is None or not self._history:
            return
        self._history = deque((self._balance.refit(im, before) for im in self._history),
                              maxlen=self._history.maxlen)
        self._recent.clear()
        self._recent.extend(brightness(im) for im in self._history)
        self._bg = self._recent[-1].copy()
        self._prev = coarse_mean(self._bg)
        self._bg_coarse = self._prev.copy()

    def _learn_clip_level(self, bright: Image) -> None:
        """The level this camera clips at (`clip_top`), the highest seen so far, and the
        level this frame clips at: the one it shows, else that highest. A gain applied
        after the sensor clips (auto exposure lowering its gain, a digital gain) moves
        the whole frame's top down: a dot's clipped core then sits below the top seen
        before, and must still count as clipped."""
        seen = clip_top(bright)
        self._white = max(self._white, seen)
        self._top = seen or int(self._white)

    def _levels(self) -> DetectorConfig:
        return camera_levels(self.config, self._top)

    def _work_mask(self, shape: tuple[int, ...]) -> Image:
        assert self.mask is not None
        if self.mask.shape == shape:
            return self.mask
        if self._mask_small is None or self._mask_small.shape != shape:
            self._mask_small = cv2.resize(self.mask, (shape[1], shape[0]),
                                          interpolation=cv2.INTER_NEAREST)
        return self._mask_small

    def _to_full(self, ev: SpotEvent, step: int) -> SpotEvent:
        """A spot found at half size, placed again on the full frame: sub-pixel accuracy
        at full resolution for a quarter of the per-frame work."""
        x, y = (ev.x + 0.5) * step - 0.5, (ev.y + 0.5) * step - 0.5
        best = max(self._full, key=lambda im: int(brightness(_patch(im, x, y, 1)).max()))
        rx, ry = refine_centre(best, x, y, 3 * step, self.config.plateau_levels)
        return replace(ev, x=rx, y=ry)

    def _learn(self, bright: Image, coarse: np.ndarray) -> None:
        """Blend the frame into the background. Half the rows each frame at twice the rate:
        the same memory of about ten frames at half the cost per frame."""
        assert self._bg is not None and self._bg_coarse is not None
        rate = min(1.0, 2 * self.config.bg_rate)
        rows = slice(self._frames % 2, None, 2)
        cv2.addWeighted(bright[rows], rate, self._bg[rows], 1.0 - rate, 0.0, dst=self._bg[rows])
        r = self.config.bg_rate
        cv2.addWeighted(coarse, r, self._bg_coarse, 1.0 - r, 0.0, dst=self._bg_coarse)

    def _expected(self, coarse: np.ndarray) -> Image:
        """The background scaled by the frame's overall gain: an exposure or white-balance
        swing brightens everything by a factor, and must not read as a rise. Where the
        background clips, it hides how bright the scene is there, so a lower gain may
        leave it clipped: it is expected no darker than it was (scaled down, a clipped
        area would rise all over by what the gain took off)."""
        assert self._bg is not None and self._bg_coarse is not None
        gain = _median_gain(coarse, self._bg_coarse)
        self.gain = gain
        if abs(gain - 1.0) < self.config.gain_tolerance:
            return self._bg
        scaled = cv2.convertScaleAbs(self._bg, alpha=gain)
        if gain < 1.0:
            saturated = self._levels().saturated
            clipped = cv2.threshold(self._bg, saturated - 1, 255, cv2.THRESH_TOZERO)[1]
            cv2.max(scaled, clipped, dst=scaled)
        return scaled

    def flush(self) -> list[SpotEvent]:
        """Events still held back at the end of a stream."""
        return self._tracker.flush()


# A candidate's box, for its channels' tops and to keep it out of the light memory: its
# core's half size and this much around.
_SPOT_MARGIN = 3
# The light memory's block: the span it remembers is exact to this (a cost a frame of one
# maximum of two images, whatever the span).
_MEMORY_BLOCK_MS = 250.0


def _held(blobs: list[Blob], boxes: list[Box]) -> list[Box]:
    """The boxes (`boxes[i]` is `blobs[i]`'s) kept out of the light memory: dots', and
    the moving content's the tracker holds. Not the rest: a person's own rise, rejected
    as too large, has a box (a square of its longer side) over the content beside them
    all the way past, and content uncovered there would be unknown."""
    return [box for b, box in zip(blobs, boxes, strict=True) if b.accepted or b.why in HOLDING]


def _boxes(blobs: list[Blob], w: int, h: int) -> list[Box]:
    """The candidates' boxes (see `_SPOT_MARGIN`) within a w x h frame."""
    return [(max(0, round(b.x) - r), max(0, round(b.y) - r), min(w, round(b.x) + r + 1),
             min(h, round(b.y) + r + 1))
            for b in blobs for r in [max(b.w, b.h) // 2 + _SPOT_MARGIN]]


def clip_top(bright: Image) -> int:
    """The level a camera clips at, as an image shows it: its highest value if a patch
    of pixels holds it (a clipped area is flat at the top; noise reaches a new maximum
    one pixel at a time), else 0. 255 for most cameras; lower when the gain or
    brightness setting tops out (below half scale is not believed: that is a flat dark
    scene)."""
    top = int(cv2.minMaxLoc(bright)[1])
    if top < 128 or cv2.countNonZero(cv2.inRange(bright, top, 255)) < 16:
        return 0
    return top


def camera_levels(cfg: DetectorConfig, top: int) -> DetectorConfig:
    """The settings with every level relative to the camera's top level `top` (0: not
    known, taken as 255): a camera whose gain or brightness tops out lower shows a dot's
    rise, the scene and its noise scaled by the same factor, so every threshold in
    levels scales with it."""
    if top == 0 or top >= cfg.clip_level:
        return cfg
    k = top / 255
    saturated = min(cfg.saturated, top - 10)
    # `saturated` keeps its 10 levels under the top; the noise band under it scales,
    # and ends at it (under a top this low, `saturated` is already that far down)
    near = min(saturated, round((cfg.saturated - cfg.clip_noise) * k))
    return replace(cfg, clip_level=top - 1, saturated=saturated, clip_noise=saturated - near,
                   min_peak=round(cfg.min_peak * k), min_rise=round(cfg.min_rise * k),
                   min_rise_unsaturated=round(cfg.min_rise_unsaturated * k),
                   min_rise_streak=round(cfg.min_rise_streak * k),
                   min_new_light=round(cfg.min_new_light * k))


def _median_gain(now: np.ndarray, before: np.ndarray) -> float:
    """How much brighter the view got overall: the median ratio of lit cells (every 4th
    cell is plenty), robust to the few cells a dot or a moving thing changes."""
    a, b = now[::2, ::2], before[::2, ::2]
    lit = b > 24.0
    if int(lit.sum()) < 16:
        return 1.0
    ratio = a[lit] / b[lit]
    return float(np.partition(ratio, len(ratio) // 2)[len(ratio) // 2])


def coarse_mean(image: Image) -> np.ndarray:
    """Mean over 8x8 cells as float32: two area resizes (2x then 4x) are cheaper than one."""
    h, w = image.shape
    if h >= 16 and w >= 16:
        image = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small = cv2.resize(image, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32)


# With no history to tell a new dot from a lit patch, a still needs the dot's colour to
# stand out: glare is white.
STILL_MIN_PURITY = 1.5


def detect_still(image: Image, config: DetectorConfig | None = None,
                 mono: bool = False, mask: Image | None = None) -> list[SpotEvent]:
    """Dots in one image with no history: the background is the image with every bright
    feature smaller than a dot could be opened away (a top-hat), so glare and lit areas
    larger than that stay background. `mask`: 255 where shots may be (as `ShotDetector`).
    Each channel is brought to the common top first, its top read from the one image."""
    given = config or DetectorConfig(min_purity=STILL_MIN_PURITY)
    balance = ChannelBalance(given.gain_tolerance)
    balance.learn(image, every=True)
    image = balance.apply(image)
    bright = brightness(image)
    cfg = at_resolution(camera_levels(given, clip_top(bright)), bright.shape[1])
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (cfg.still_kernel, cfg.still_kernel))
    ref = cv2.morphologyEx(image, cv2.MORPH_OPEN, kernel)
    rise = cv2.subtract(bright, brightness(ref))
    if mask is not None:  # a mask made for another size is stretched over this image
        fitted = mask if mask.shape == rise.shape else cv2.resize(
            mask, (rise.shape[1], rise.shape[0]), interpolation=cv2.INTER_NEAREST)
        rise = cv2.bitwise_and(rise, fitted)
    blobs = blobs_in(image, ref, bright, rise, 0, 0, cfg, (bright.shape[1], bright.shape[0]))
    return [SpotEvent(0, b.x, b.y, "ir" if mono else b.colour, 0, float(b.peak))
            for b in blobs if b.accepted]


def _patch(image: Image, x: float, y: float, r: int) -> Image:
    h, w = image.shape[:2]
    cx, cy = min(max(round(x), 0), w - 1), min(max(round(y), 0), h - 1)
    return image[max(0, cy - r):cy + r + 1, max(0, cx - r):cx + r + 1]


def refine_centre(image: Image, x: float, y: float, radius: int, levels: int = 15
                  ) -> tuple[float, float]:
    """Centre of the clipped plateau of the dot near (x, y), at this image's resolution."""
    x0, y0 = max(0, round(x) - radius), max(0, round(y) - radius)
    patch = brightness(_patch(image, x, y, radius))
    top = int(patch.max())
    plateau = (patch >= top - levels).view(np.uint8)
    n, labels, _, cents = components(plateau)
    peak = np.unravel_index(int(np.argmax(patch)), patch.shape)
    label = int(labels[peak])
    if n < 2 or label == 0:
        return x, y
    return float(cents[label][0]) + x0, float(cents[label][1]) + y0

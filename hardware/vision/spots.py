"""Measuring candidate blobs of risen brightness and deciding which are laser dots."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from hardware.events import Colour
from hardware.vision.frames import Image

_COARSE = 8  # candidate search grid: one cell per 8x8 pixels


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Thresholds in brightness levels (0..255) and pixels at 640x480 (areas scale with
    the frame). Chosen on the ShootOFF clips for the general case, not per clip."""

    min_rise: int = 24  # a dot that clips may rise this little (on a bright background)
    min_rise_unsaturated: int = 40  # one that does not clip must rise this much
    bg_rate: float = 0.1  # background learning rate per frame
    warmup_frames: int = 2
    max_area: float = 1500.0
    min_area: int = 3  # a single hot pixel is noise
    saturated: int = 245
    min_area_unsaturated: int = 6
    max_area_unsaturated: float = 100.0
    max_elongation: float = 4.5
    max_elongation_large: float = 2.0
    streak_elongation: float = 2.2  # a first sighting this long is a smear ...
    round_elongation: float = 1.5  # ... replaced by the next frame's dot if this round
    min_peak: int = 150  # a dot is among the brightest things in view
    min_contrast: float = 0.0  # dot peak over the median of its ring, same frame
    max_ring_rise: float = 0.5  # ring rise / peak rise: moving content rises around too
    min_fill: float = 0.25
    max_aspect: float = 4.0
    activity_rate: float = 0.3
    max_activity: float = 5.0  # mean |change| per frame, levels, around a dot just before it
    activity_over_quiet: float = 4.0  # times the 20th percentile of change in view
    same_pulse_radius: float = 20.0
    same_pulse_ms: float = 60.0
    same_pulse_frames: int = 2


@dataclass(frozen=True, slots=True)
class Blob:
    x: float
    y: float
    area: int
    w: int
    h: int
    peak: int  # brightest value in the current frame
    peak_rise: int
    contrast: float
    ring_rise: float
    d_red: float
    d_green: float
    colour: Colour
    accepted: bool
    why: str
    elongation: float = 1.0  # major / minor axis of the weighted blob: streaks are long
    activity: float = 0.0  # recent frame-to-frame change around it: moving content


def _regions(rise: Image, level: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) around clusters of risen pixels, found on a coarse grid."""
    _, mask = cv2.threshold(rise, level - 1, 255, cv2.THRESH_BINARY)
    h, w = mask.shape
    small = cv2.resize(mask, (max(1, w // _COARSE), max(1, h // _COARSE)),
                       interpolation=cv2.INTER_AREA)
    n, _, stats, _ = cv2.connectedComponentsWithStats((small > 0).view(np.uint8), connectivity=8)
    sx, sy = w / small.shape[1], h / small.shape[0]
    boxes = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        boxes.append((int(x * sx), int(y * sy), int(np.ceil((x + bw) * sx)),
                      int(np.ceil((y + bh) * sy))))
    return boxes


def measure_blobs(image: Image, ref: Image, bright: Image, activity: np.ndarray, rise: Image,
                  cfg: DetectorConfig) -> list[Blob]:
    h, w = rise.shape
    scale = (w * h) / (640 * 480)
    pad = 6
    out: list[Blob] = []
    # a noisy camera changes everywhere: the limit follows the quiet part of the view
    limit = max(cfg.max_activity, cfg.activity_over_quiet * float(np.percentile(activity, 20)))
    for x0, y0, x1, y1 in _regions(rise, cfg.min_rise // 2):
        if (x1 - x0) * (y1 - y0) > 64 * cfg.max_area * scale:
            continue  # a whole region changed: content or exposure, not a dot
        ax, ay = max(0, x0 - pad), max(0, y0 - pad)
        bx, by = min(w, x1 + pad), min(h, y1 + pad)
        found = _blobs_in(image[ay:by, ax:bx], ref[ay:by, ax:bx], bright[ay:by, ax:bx],
                          rise[ay:by, ax:bx], ax, ay, cfg, (w, h))
        out.extend(_with_activity(b, activity, limit, w, h) for b in found)
    return out


def _blobs_in(img: Image, ref: Image, bright: Image, rise: Image, ox: int, oy: int,
              cfg: DetectorConfig, full: tuple[int, int]) -> list[Blob]:
    half = cv2.threshold(rise, cfg.min_rise // 2 - 1, 255, cv2.THRESH_BINARY)[1]
    n, labels = cv2.connectedComponents(half, connectivity=8)
    out = []
    for i in range(1, n):
        comp = labels == i
        peak_rise = int(rise[comp].max())
        if peak_rise < cfg.min_rise:
            continue
        out.append(_measure(img, ref, bright, rise, comp, ox, oy, cfg, full))
    return out


def _measure(img: Image, ref: Image, bright: Image, rise: Image, comp: np.ndarray,
             ox: int, oy: int, cfg: DetectorConfig, full: tuple[int, int]) -> Blob:
    """Shape and position from the core (rise over half its peak: a glow around a dot is
    not the dot); ring and colour from the whole blob and its surroundings."""
    full_w, full_h = full
    scale = full_w * full_h / (640 * 480)
    peak_rise = int(rise[comp].max())
    core = comp & (rise >= max(cfg.min_rise, peak_rise // 2))
    ys, xs = np.nonzero(core)
    bw, bh, area = int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1, len(xs)
    wts = rise[ys, xs].astype(np.float64)
    cx = float((xs * wts).sum() / wts.sum()) + ox
    cy = float((ys * wts).sum() / wts.sum()) + oy
    elong = _elongation(xs + ox - cx, ys + oy - cy, wts)
    u8 = comp.view(np.uint8)
    grown = cv2.dilate(u8, np.ones((5, 5), np.uint8), iterations=1).astype(bool)
    ring = cv2.dilate(grown.view(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~grown
    peak = int(bright[core].max())
    contrast = float(peak - np.median(bright[ring])) if ring.any() else float(peak)
    ring_rise = float(rise[ring].mean()) / max(1, peak_rise) if ring.any() else 0.0
    d_red, d_green = _added_light(img[grown], ref[grown])
    colour: Colour = "red" if d_red >= d_green else "green"
    why = ""
    if area > cfg.max_area * scale or area < cfg.min_area:
        why = "area"
    elif peak < cfg.min_peak or (peak < cfg.saturated and (
            peak_rise < cfg.min_rise_unsaturated or
            area < cfg.min_area_unsaturated or area > cfg.max_area_unsaturated * scale)):
        why = "peak"  # tiny dim specks are noise; a big dim blob is a person or a shadow
    elif elong > cfg.max_elongation:
        why = "streak"
    elif area > cfg.max_area_unsaturated * scale and (
            peak_rise < cfg.min_rise_unsaturated or elong > cfg.max_elongation_large):
        why = "large"  # a big dot is a close, bright, round one; not a lit strip or lamp
    elif _touches_border(core, ox, oy, full_w, full_h):
        why = "border"  # cut off by the frame edge: its centre is unknown
    elif contrast < cfg.min_contrast:
        why = "contrast"
    elif ring_rise > cfg.max_ring_rise:
        why = "ring"
    elif area / (bw * bh) < cfg.min_fill:
        why = "fill"
    elif max(bw, bh) / max(1, min(bw, bh)) > cfg.max_aspect:
        why = "aspect"
    return Blob(cx, cy, area, bw, bh, peak, peak_rise, contrast, ring_rise, d_red, d_green,
                colour, not why, why, elong)


def _added_light(now: np.ndarray, before: np.ndarray) -> tuple[float, float]:
    """How far red and green rose towards clipping, summed over the blob. A laser core
    clips every channel, so raw rises mislead on bright backgrounds; the fraction of the
    headroom used shows the laser's own channel filling first and widest (the fringe)."""
    cur = now[:, 1:].astype(np.float32)
    ref = before[:, 1:].astype(np.float32)
    used = np.clip(cur - ref, 0, None) / np.maximum(255.0 - ref, 16.0)
    tot = used.sum(axis=0)
    return float(tot[1]), float(tot[0])


def _elongation(dx: np.ndarray, dy: np.ndarray, w: np.ndarray) -> float:
    sw = float(w.sum())
    cxx = float((w * dx * dx).sum()) / sw + 1 / 12  # + pixel size: a 1-px dot is round
    cyy = float((w * dy * dy).sum()) / sw + 1 / 12
    cxy = float((w * dx * dy).sum()) / sw
    root = np.sqrt(((cxx - cyy) / 2) ** 2 + cxy * cxy)
    mid = (cxx + cyy) / 2
    return float(np.sqrt((mid + root) / max(mid - root, 1e-6)))


def _with_activity(b: Blob, activity: np.ndarray, limit: float, w: int, h: int) -> Blob:
    """Attach the strongest recent change in the 3x3 coarse cells around the blob; reject
    the blob if that is over the limit (it sits in moving content or a moving person)."""
    ah, aw = activity.shape
    i, j = int(b.y * ah / h), int(b.x * aw / w)
    act = float(activity[max(0, i - 1):i + 2, max(0, j - 1):j + 2].max())
    if b.accepted and act > limit:
        return replace(b, activity=act, accepted=False, why="activity")
    return replace(b, activity=act)


def _touches_border(core: np.ndarray, ox: int, oy: int, w: int, h: int) -> bool:
    ys, xs = np.nonzero(core)
    return bool(xs.min() + ox <= 0 or ys.min() + oy <= 0
                or xs.max() + ox >= w - 1 or ys.max() + oy >= h - 1)

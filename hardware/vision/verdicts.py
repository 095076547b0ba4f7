"""Why a measured blob is not a laser dot: the rules on its size, peak, shape, ring and
colour (`verdict`), on where it meets the frame's edge (`cut_off`), and its colour's
purity. Pure functions of a `Blob`; the thresholds' reasons are in docs/vision.md."""

from __future__ import annotations

from hardware.vision.config import Blob, DetectorConfig

# The verdicts `verdict` reaches before it looks at a blob's surroundings (ring, flicker)
# or, unless the blob is long, its colour: a blob rejected so is measured no further.
SHAPE_VERDICTS = frozenset({"area", "peak", "thin", "weak", "streak", "large"})


def verdict(b: Blob, cfg: DetectorConfig, full: tuple[int, int]) -> str:
    """Why a blob is not a laser dot, or "" if it may be one: the first rule it fails, in
    this order (each asked only if the ones before pass)."""
    scale = full[0] * full[1] / (640 * 480)
    dim = b.peak < cfg.saturated
    big = b.area > cfg.max_area_unsaturated * scale
    if b.area > cfg.max_area * scale or b.area < cfg.min_area:
        return "area"
    # tiny dim specks are noise; a big dim blob is a person or a shadow
    if b.peak < cfg.min_peak or (dim and (
            b.peak_rise < cfg.min_rise_unsaturated or b.area < cfg.min_area_unsaturated
            or big)):
        return "peak"
    # an edge or a line of light (of content, of a projection's edge left unexplained),
    # at any angle: thinner than half-way from a line one pixel thin to the thinnest spot
    if b.thickness < cfg.min_side - 0.5:
        return "thin"
    # a small rise is believable only from a dot that clips fully and is not a speck
    if b.peak_rise < cfg.min_rise_unsaturated and (
            b.peak < cfg.clip_level or b.area < cfg.min_area_unsaturated):
        return "weak"
    if b.elongation > cfg.max_elongation or (
            b.elongation > cfg.streak_elongation and (
                b.peak_rise < cfg.min_rise_streak or purity(b) < cfg.min_purity_moving)):
        return "streak"
    fill = b.area / (b.w * b.h)
    # a big dot is a close, bright, round one; not a lit strip or a lamp
    if big and (b.peak_rise < cfg.min_rise_unsaturated
                or b.elongation > cfg.max_elongation_large or fill < cfg.min_fill_large):
        return "large"
    if b.ring_rise > cfg.max_ring_rise:  # the area around rose too: lighting
        return "ring"
    if b.flicker > cfg.max_flicker:  # a noisy patch: dark corners, compression
        return "flicker"
    if fill < (cfg.min_fill_unsaturated if dim else cfg.min_fill):
        return "fill"
    if max(b.w, b.h) / max(1, min(b.w, b.h)) > cfg.max_aspect:
        return "aspect"
    if purity(b) < cfg.min_purity:
        return "purity"
    return ""


def cut_off(b: Blob, extent: tuple[int, int, int, int], full: tuple[int, int],
             saturated: int) -> str:
    """A dot touching the frame edge counts only if it clips and about half of it or more
    is in view: its visible centre then lies a quarter of its width inside the edge."""
    x0, y0, x1, y1 = extent
    w, h = full
    span_x, span_y = x1 - x0 + 1, y1 - y0 + 1
    touching = x0 <= 0 or y0 <= 0 or x1 >= w - 1 or y1 >= h - 1
    if touching and b.peak < saturated:
        return "border"
    near = (
        (x0 <= 0 and b.x < span_y / 4) or (x1 >= w - 1 and w - 1 - b.x < span_y / 4)
        or (y0 <= 0 and b.y < span_x / 4) or (y1 >= h - 1 and h - 1 - b.y < span_x / 4)
    )
    return "border" if near else ""


def purity(b: Blob) -> float:
    """Dominant over the other added colour: 1.0 for grey light."""
    return max(b.d_red, b.d_green) / max(min(b.d_red, b.d_green), 1e-6)

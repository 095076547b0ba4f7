"""Pixel measures of a candidate blob: how white its core is, where its clipped plateau
lies, how much light it added and in which channel, how drawn out and how flickering it
is; the connected components of a mask, and which of them rise highest. Plain functions
of image patches; `spots` decides with them."""

from __future__ import annotations

import cv2
import numpy as np

from hardware.events import Colour
from hardware.vision.frames import Image


def components(mask: Image) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """`cv2.connectedComponentsWithStats(mask, connectivity=8)`: the same labels, stats and
    centroids, by the block-based decision tree (Grana's BBDT), which with statistics
    costs a half to a third of OpenCV's default algorithm on the detector's masks."""
    n, labels, stats, cents = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
    return int(n), labels, stats, cents


def white_core_fill(img: Image, ref: Image, grown: np.ndarray, clip_level: int,
                    min_rise: float, core_headroom: float) -> float:
    """How compact the dot's white core is: the largest patch where even the weakest
    channel rose by a quarter of its headroom (where the laser dwelt long enough to
    saturate its own channel and bleed into the others), as its pixel count over the disc
    its box spans. A round core fills about 1 whichever way the box lies, a core drawn
    out by motion far less (a 3:1 ellipse 0.75, a thin diagonal streak under 0.5); 0 if
    no pixel rose that far."""
    lo, lo_ref = weakest(img), weakest(ref)
    room = cv2.subtract(np.full_like(lo_ref, clip_level), lo_ref)
    need = np.maximum(min_rise, room * core_headroom)
    white = (grown & (cv2.subtract(lo, lo_ref) >= need)).view(np.uint8)
    n, _, stats, _ = components(white)
    if n < 2:
        return 0.0
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    w, h, area = (int(v) for v in stats[best][2:5])
    return float(area / (np.pi * ((w + h) / 4) ** 2))


def weakest(image: Image) -> Image:
    """The weakest channel of each pixel (cv2 on the channel views: cheaper than numpy)."""
    if image.ndim == 2:
        return image
    return cv2.min(cv2.min(image[..., 0], image[..., 1]), image[..., 2])


def plateau(bright: Image, core: np.ndarray, levels: int
             ) -> tuple[float, float, tuple[int, int, int, int]]:
    """Centre and box of the largest connected patch within `levels` of the peak: the
    dot's own clipped core, not a clipped ring of glow beside it."""
    top = int(bright[core].max())
    plateau = (core & (bright >= top - levels)).view(np.uint8)
    _, _, stats, cents = components(plateau)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[best][:4])
    return float(cents[best][0]), float(cents[best][1]), (x, y, x + bw - 1, y + bh - 1)


# A channel this close to clipping counts as having this much room: otherwise a bright
# background channel that clips at once outweighs the laser's own channel.
HEADROOM_FLOOR = 64.0


def added_light(now: np.ndarray, before: np.ndarray) -> tuple[float, float]:
    """How far red and green rose towards clipping, summed over the blob. A laser core
    clips every channel, so raw rises mislead on bright backgrounds; the fraction of the
    headroom used shows the laser's own channel filling first and widest (the fringe)."""
    cur = now[:, 1:].astype(np.float32)
    ref = before[:, 1:].astype(np.float32)
    used = np.clip(cur - ref, 0, None) / np.maximum(255.0 - ref, HEADROOM_FLOOR)
    tot = used.sum(axis=0)
    return float(tot[1]), float(tot[0])


def dot_colour(now: np.ndarray, before: np.ndarray) -> Colour:
    """A dot's colour, from the light it added over itself, its fringe and the ring
    outside (4 px around): JPEG and most webcams' MJPEG keep colour at half resolution
    (one sample per 2x2 pixels, compressed in blocks of those), so a small dot's colour
    is spread past its own fringe while its brightness stays sharp."""
    d_red, d_green = added_light(now, before)
    return "red" if d_red >= d_green else "green"


def elongation(dx: np.ndarray, dy: np.ndarray, w: np.ndarray) -> float:
    sw = float(w.sum())
    cxx = float((w * dx * dx).sum()) / sw + 1 / 12  # + pixel size: a 1-px dot is round
    cyy = float((w * dy * dy).sum()) / sw + 1 / 12
    cxy = float((w * dx * dy).sum()) / sw
    root = np.sqrt(((cxx - cyy) / 2) ** 2 + cxy * cxy)
    mid = (cxx + cyy) / 2
    return float(np.sqrt((mid + root) / max(mid - root, 1e-6)))


def mean_flicker(now: np.ndarray, before: np.ndarray) -> float:
    a = np.maximum(now[:, 1], now[:, 2]).astype(np.int16)
    b = np.maximum(before[:, 1], before[:, 2]).astype(np.int16)
    return float(np.abs(a - b).mean())


def strongest_components(labels: np.ndarray, rise: Image, level: int
                         ) -> list[tuple[int, int, int]]:
    """(label, peak row, peak column) of the components whose rise reaches `level`,
    highest peak first (ties: the peak first in raster order), each at its first peak
    pixel in raster order. Usually one or two components reach `level`: each is then
    found by one masked arg-max; many are ranked by one sort of the pixels over `level`."""
    over = rise >= level
    owners = np.flatnonzero(np.bincount(labels[over], minlength=2)[1:]) + 1
    if len(owners) > _FEW_COMPONENTS:
        return _ranked_by_sort(labels, rise, over)
    picks = []
    for label in owners:  # the first pixel at the component's maximum, in raster order
        k = int(np.argmax(np.where(labels == label, rise, 0)))
        picks.append((-int(rise.flat[k]), k, int(label)))
    width = rise.shape[1]
    return [(label, k // width, k % width) for _, k, label in sorted(picks)]


# Up to this many components reaching the level are each found by an arg-max.
_FEW_COMPONENTS = 3


def _ranked_by_sort(labels: np.ndarray, rise: Image, over: np.ndarray
                    ) -> list[tuple[int, int, int]]:
    ys, xs = np.nonzero(over)
    values, owners = rise[ys, xs], labels[ys, xs]
    order = np.argsort(-values.astype(np.int16), kind="stable")
    _, first = np.unique(owners[order], return_index=True)
    picks = order[np.sort(first)]
    return [(int(owners[k]), int(ys[k]), int(xs[k])) for k in picks]

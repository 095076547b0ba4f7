"""The detector's sizes at the camera's resolution.

A laser dot's size in pixels is set by the optics and the sensor: the same dot, seen by
the same lens over the same field of view, covers (width / 640)^2 times as many pixels on
a sensor `width` pixels wide as at 640. `DetectorConfig` states its sizes at 640 px wide;
`at_resolution` states them for the frame searched.

The smallest areas (`min_area`, `min_area_unsaturated`) tell a dot from a noise speck or
a hot pixel, which are the sensor's own pixels at any resolution, so they never grow with
the frame; below 640 px the smallest dot covers fewer pixels than that, and they shrink
with it, but never to one pixel (`MIN_PIXELS`): one pixel alone is a hot pixel or noise
whatever the resolution. The thinnest spot (`min_side`) is thinner there too: a frame
scaled down from the sensor may show its two pixels as one, so below 640 px wide a
blob one pixel thin is not refused for it."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

from hardware.vision.config import DetectorConfig

REFERENCE_WIDTH = 640  # the width `DetectorConfig`'s sizes are stated at
# A dot covers at least two of the sensor's pixels: a single pixel that lights up is a
# hot pixel or noise (a laser's light passes through the lens, whose blur spreads any
# spot over more than one pixel).
MIN_PIXELS = 2.0


def frame_scale(width: int) -> float:
    """Lengths at this width over lengths at `REFERENCE_WIDTH`."""
    return width / REFERENCE_WIDTH


@lru_cache(maxsize=16)  # one frame size, a few camera levels: the same few configs
def at_resolution(cfg: DetectorConfig, width: int) -> DetectorConfig:
    """The settings with the smallest dot areas for a frame `width` pixels wide (the
    frame searched). The largest areas already follow the frame in `spots`."""
    if width >= REFERENCE_WIDTH:
        return cfg
    area = frame_scale(width) ** 2
    return replace(cfg, min_area=max(MIN_PIXELS, cfg.min_area * area),
                   min_area_unsaturated=max(MIN_PIXELS, cfg.min_area_unsaturated * area),
                   min_side=max(1, math.floor(cfg.min_side * frame_scale(width))))


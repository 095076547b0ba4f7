"""Levels that follow the camera's exposure: the top level a frame clips at, when an
exposure or gain change moves it, and `min_peak` from the scene while the camera's top
level is not known (see docs/vision.md, "Levels and exposure")."""

from __future__ import annotations

from dataclasses import replace

from hardware.vision.config import DetectorConfig


def frame_top(seen: int, learned: int) -> int:
    """The level this frame clips at: the one it shows (`clip_top`: a flat patch at its
    highest value), else the highest the camera has shown (`learned`; 0: not known).
    A gain applied after the sensor clips (auto exposure lowering its gain, a digital
    gain) moves the top level with the whole frame: the clipped core of a dot then
    sits below the top seen earlier, and must still count as clipped."""
    return seen or learned


def scene_levels(cfg: DetectorConfig, top: int, scene_top: float) -> DetectorConfig:
    """`min_peak` where the camera's top level is not known (`top` 0: nothing in view
    has clipped yet, so the camera may top out anywhere): a dot is among the brightest
    things in view, brighter than the brightest part of the scene (`scene_top`, the
    brightest 8x8 cell of the background) by a rise no sensor noise explains
    (`min_rise_unsaturated`). A dark scene on a camera whose gain tops out lower shows
    its dots below the fixed `min_peak`; once a clipped patch shows the top level,
    `camera_levels` scales `min_peak` with it instead."""
    if top:
        return cfg
    return replace(cfg, min_peak=min(cfg.min_peak, round(scene_top) + cfg.min_rise_unsaturated))

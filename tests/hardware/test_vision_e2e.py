"""Synthetic end to end: a calibrated synthetic camera watches rendered frames with known
hits; detections mapped to projector coordinates must land within 2 px of the truth."""

from __future__ import annotations

import numpy as np
import pytest

from hardware.vision.evaluate import detect_frames
from hardware.vision.rig import calibrate_source
from hardware.vision.sources import open_source
from hardware.vision.synthetic import SyntheticSource

SCENES = [
    "seed=1&pulses=8&colour=mixed",
    "seed=2&pulses=8&colour=mixed&noise=4&exposure=0.15&people=1",
    "seed=3&pulses=6&colour=green&width=1280&height=720&noise=3",
    "seed=4&pulses=6&colour=red&dot=1.1&power=300&drop=0.05",
]


@pytest.mark.parametrize("scene", SCENES)
def test_hits_land_within_two_projector_pixels(scene):
    # calibrated before the session, with the room empty: same camera and projector
    rig = "&".join(kv for kv in scene.split("&") if kv.split("=")[0] in {"seed", "width",
                                                                          "height"})
    cal = calibrate_source(f"synthetic:?{rig}&content=chessboard&frames=2", (1280, 720))
    src = open_source(f"synthetic:?{scene}")
    assert isinstance(src, SyntheticSource)
    events, _ = detect_frames(iter(src.read, None))
    assert len(events) == len(src.truth)
    for pulse, ev in zip(src.truth, events, strict=True):
        hit = cal.to_projector(np.array([[ev.x, ev.y]], np.float32))[0]
        assert np.hypot(hit[0] - pulse.proj_x, hit[1] - pulse.proj_y) < 2.0
        assert ev.colour == pulse.colour
        assert abs(ev.t_ns - pulse.t_ns) < 2 * src.period_ns

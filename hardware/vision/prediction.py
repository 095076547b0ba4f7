"""Projection-aware detection: on a range that renders what it projects, the camera
image can be predicted from the frame shown, through the calibration, and only light the
projection does not explain is looked at. Moving people, scene cuts and flashes on the
screen then never look like a laser dot.

`unexplained(frame, shown)` is the camera frame less its prediction, as the share of
each pixel's headroom the unexplained light used, on a dark-grey floor: the detector sees
a flat scene with the dots on it, and a dot on a pale shirt, where the camera clips after
a small rise, stands out as much as one on a dark coat. The photometric model is the
identity here: the simulated rig's camera adds nothing but noise to the warped picture. A
real camera needs its gain, offset and blur fitted (the camera-to-projector colour
response), which this does not do yet."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.vision.calibration import Calibration
from hardware.vision.frames import Frame, Image

FLOOR = 64  # grey level the explained light is put at: room for dots, none for shadows
MIN_HEADROOM = 32.0  # a pixel this close to clipping counts as having this much room


class ProjectionPrediction:
    def __init__(self, calibration: Calibration, projector_size: tuple[int, int]) -> None:
        self._to_camera: npt.NDArray[Any] = np.linalg.inv(calibration.camera_to_projector)
        self._projector_size = projector_size
        self._camera_size = calibration.camera_size

    def predict(self, shown_rgb: Image) -> Image:
        """What the camera should see of the frame shown (RGB, any size), as BGR."""
        bgr = cv2.cvtColor(shown_rgb, cv2.COLOR_RGB2BGR)
        scale = np.diag([self._projector_size[0] / bgr.shape[1],
                         self._projector_size[1] / bgr.shape[0], 1.0])
        out: Image = cv2.warpPerspective(bgr, self._to_camera @ scale, self._camera_size,
                                         flags=cv2.INTER_LINEAR)
        return out

    def unexplained(self, frame: Frame, shown_rgb: Image) -> Frame:
        predicted = self.predict(shown_rgb).astype(np.float32)
        headroom = np.maximum(255.0 - predicted, MIN_HEADROOM)
        used = (frame.image.astype(np.float32) - predicted) / headroom
        image: Image = np.clip(FLOOR + used * (255.0 - FLOOR), 0, 255).astype(np.uint8)
        return Frame(image, frame.t_ns, frame.index)

"""Debug pictures: the frame each shot was found in, with the shot marked and labelled,
and the view a rig was calibrated on with what the fit used, so a person can check what
the detector and the calibration saw."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from hardware.errors import MediaError
from hardware.events import SpotEvent
from hardware.files import write_whole
from hardware.vision.calibration import Calibration
from hardware.vision.frames import Frame, Image

_MARK = {"red": (60, 60, 255), "green": (60, 230, 60), "ir": (255, 200, 60)}


def draw_shots(image: Image, shots: Sequence[SpotEvent]) -> Image:
    """A copy of the image with a ring and a label at each shot (sub-pixel exact)."""
    out = image.copy() if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    for ev in shots:
        colour = _MARK.get(ev.colour, (255, 255, 255))
        centre = (round(ev.x * 16), round(ev.y * 16))  # 4 fractional bits
        cv2.circle(out, centre, 12 * 16, colour, 1, cv2.LINE_AA, shift=4)
        cv2.drawMarker(out, (round(ev.x), round(ev.y)), colour, cv2.MARKER_CROSS, 6, 1)
        label = f"{ev.colour} {ev.x:.1f},{ev.y:.1f} f{ev.frame_index}"
        cv2.putText(out, label, (round(ev.x) + 15, round(ev.y) - 8), cv2.FONT_HERSHEY_SIMPLEX,
                    0.4, colour, 1, cv2.LINE_AA)
    return out


class OverlayWriter:
    """Writes `shot-<frame>.png` for every frame that produced shots."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []

    def add(self, frame: Frame, shots: Sequence[SpotEvent]) -> None:
        if not shots:
            return
        path = self.folder / f"shot-{frame.index:06d}.png"
        write_png(path, draw_shots(frame.image, shots), "the overlay image")
        self.written.append(path)


_AREA, _KEPT, _LEFT_OUT = (255, 220, 0), (60, 230, 60), (40, 40, 255)


def draw_calibration(view: Image, cal: Calibration) -> Image:
    """A copy of the view the rig was calibrated on, showing what the fit used: the
    projected area (cyan), the corners fitted (green) and left out (red cross) and the
    summary."""
    out = view.copy() if view.ndim == 3 else cv2.cvtColor(view, cv2.COLOR_GRAY2BGR)
    quad = np.round(np.array(cal.area_quad) * 16).astype(np.int32)
    cv2.polylines(out, [quad], True, _AREA, 2, cv2.LINE_AA, shift=4)
    for i, (x, y) in enumerate(cal.corners):
        if i in cal.left_out:
            cv2.drawMarker(out, (round(x), round(y)), _LEFT_OUT, cv2.MARKER_TILTED_CROSS, 12, 2)
        else:
            cv2.circle(out, (round(x * 16), round(y * 16)), 3 * 16, _KEPT, 1, cv2.LINE_AA,
                       shift=4)
    lines = cal.summary().split("; ")
    top = out.shape[0] - 8 - 16 * len(lines)  # along the bottom, below most projections
    out[top:] //= 3  # darken under the text so it reads on any view
    for row, text in enumerate(lines):
        cv2.putText(out, text, (8, top + 18 + 16 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.42,
                    (255, 255, 255), 1, cv2.LINE_AA)
    return out


def write_calibration(path: Path, view: Image, cal: Calibration) -> None:
    write_png(path, draw_calibration(view, cal), "the overlay image")


def write_png(path: Path, image: Image, what: str) -> None:
    """Write a PNG whole (encoded in memory; see `hardware.files.write_whole`)."""
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise MediaError(f"{path}: could not encode {what} as PNG")
    write_whole(path, data.tobytes(), what, MediaError)

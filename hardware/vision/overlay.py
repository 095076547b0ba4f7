"""Debug pictures: the frame each shot was found in, with the shot marked and labelled,
so a person can check what the detector saw."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2

from hardware.errors import MediaError
from hardware.events import SpotEvent
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
        if not cv2.imwrite(str(path), draw_shots(frame.image, shots)):
            raise MediaError(f"{path}: could not write the overlay image")
        self.written.append(path)

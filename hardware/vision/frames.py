"""Frames and the camera-source interface shared by every source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy.typing as npt

# uint8 BGR or single-channel; Any because OpenCV's stubs return loosely typed arrays
Image = npt.NDArray[Any]


@dataclass(frozen=True, slots=True)
class Frame:
    """One captured image (BGR, uint8) stamped with its capture time."""

    image: Image
    t_ns: int  # host monotonic ns for live cameras; presentation time for clips
    index: int


class FrameSource(Protocol):
    """A camera, a recorded clip or a synthetic view; chosen by URL (see `sources`)."""

    url: str

    def read(self) -> Frame | None:
        """The next frame, or None at the end of a finite source."""
        ...

    def close(self) -> None: ...

"""Calibrations kept per rig, and the quick alignment check run at the start of a session.

A rig is one camera and projector set up in one room. Its calibration is stored as JSON
(`<rigs>/<name>.json`), with the photometric model of its projector and camera
(`prediction.Photometry`) when calibration saw a grey ramp as well as the board: with it,
the real rig predicts the camera image from the frames rendered (projection-aware); a rig
without one is searched by the temporal detector alone. `check_alignment` looks at the
projected board again and says how far the stored mapping has drifted (someone knocked
the camera, the projector moved).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import cv2
import numpy as np
import numpy.typing as npt
import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hardware.errors import CalibrationError
from hardware.files import read_text, write_whole
from hardware.vision.calibration import (
    PATTERN,
    Calibration,
    board_layout,
    calibrate,
    calibrate_frames,
    chessboard_image,
    find_corners,
    to_gray,
)
from hardware.vision.frames import Frame, Image
from hardware.vision.prediction import Photometry, ProjectionPrediction, grey_ramp
from hardware.vision.sources import is_still, open_source, read_still, source_url

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def default_rigs_dir() -> Path:
    """Where rigs are kept unless told: the user's data folder (on Linux
    ~/.local/share/holdfire/rigs), not wherever the command happens to run."""
    return Path(platformdirs.user_data_path("holdfire")) / "rigs"


def rig_path(rigs_dir: Path, name: str) -> Path:
    if not _NAME.match(name):
        raise CalibrationError(f"rig name {name!r}: expected letters, digits, '_', '-', '.'")
    return rigs_dir / f"{name}.json"


def to_json(cal: Calibration, photometry: Photometry | None = None) -> str:
    return json.dumps({
        "format": "holdfire-rig/1",
        "camera_to_projector": np.asarray(cal.camera_to_projector).tolist(),
        "projector_size": list(cal.projector_size),
        "camera_size": list(cal.camera_size),
        "area_quad": [list(p) for p in cal.area_quad],
        "residual_px": cal.residual_px,
        "max_residual_px": cal.max_residual_px,
        "corners": [list(p) for p in cal.corners],
        "left_out": list(cal.left_out),
        **({} if photometry is None else {"photometry": {
            "gain": list(photometry.gain), "offset": list(photometry.offset),
            "gamma": list(photometry.gamma), "blur": photometry.blur}}),
    }, indent=2)


Finite = Annotated[float, Field(allow_inf_nan=False)]
PixelSize = Annotated[int, Field(ge=1, le=16384)]
Point = tuple[Annotated[float, Field(ge=-1e5, le=1e5)], Annotated[float, Field(ge=-1e5, le=1e5)]]
Gain = Annotated[float, Field(gt=0, le=20)]
Level = Annotated[float, Field(ge=-255, le=255)]
Gamma = Annotated[float, Field(ge=0.1, le=10)]


class PhotometryFile(BaseModel):
    """The camera's level for what the projector shows, per channel B, G, R."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False, extra="forbid")
    gain: tuple[Gain, Gain, Gain]
    offset: tuple[Level, Level, Level]
    gamma: tuple[Gamma, Gamma, Gamma]
    blur: Annotated[float, Field(ge=0, le=50)]


class RigFile(BaseModel):
    """A stored rig as it is read: every number finite and in range."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False)
    format: Literal["holdfire-rig/1"]
    camera_to_projector: tuple[tuple[Finite, Finite, Finite], tuple[Finite, Finite, Finite],
                               tuple[Finite, Finite, Finite]]
    projector_size: tuple[PixelSize, PixelSize]
    camera_size: tuple[PixelSize, PixelSize]
    area_quad: tuple[Point, Point, Point, Point]
    residual_px: Annotated[float, Field(ge=0, le=1e4)]
    max_residual_px: Annotated[float, Field(ge=0, le=1e4)]
    corners: tuple[Point, ...]
    left_out: tuple[Annotated[int, Field(ge=0)], ...]
    photometry: PhotometryFile | None = None  # rigs calibrated without a ramp have none


def from_json(text: str, where: str) -> Calibration:
    """Parse a stored rig (no I/O). Rigs saved before held ShootOFF's bounds as well
    (`shootoff_bounds`); that key is not read."""
    return parse_rig_file(text, where)[0]


def parse_rig_file(text: str, where: str) -> tuple[Calibration, Photometry | None]:
    """A stored rig's calibration and photometric model (None if it has none)."""
    try:
        raw = RigFile.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(p) for p in error["loc"]) or "the file"
        raise CalibrationError(f"{where}: not a valid rig file ({place}: "
                               f"{error['msg'].lower()})") from None
    cal = Calibration(
        np.array(raw.camera_to_projector, np.float64), raw.projector_size, raw.camera_size,
        raw.area_quad, raw.residual_px, raw.max_residual_px, raw.corners, raw.left_out)
    light = raw.photometry
    if light is None:
        return cal, None
    return cal, Photometry(light.gain, light.offset, light.gamma, light.blur)


def save_rig(rigs_dir: Path, name: str, cal: Calibration,
             photometry: Photometry | None = None) -> Path:
    path = rig_path(rigs_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, to_json(cal, photometry).encode("utf-8"), f"the rig file of {name!r}",
                CalibrationError)
    return path


def load_rig(rigs_dir: Path, name: str) -> Calibration:
    return load_rig_file(rigs_dir, name)[0]


def load_rig_file(rigs_dir: Path, name: str) -> tuple[Calibration, Photometry | None]:
    """A saved rig's calibration and its photometric model, if it has one."""
    path = rig_path(rigs_dir, name)
    return parse_rig_file(read_text(path, f"the rig file of {name!r}", CalibrationError), str(path))


def fit_rig_photometry(cal: Calibration, board_view: Image, ramp_view: Image) -> Photometry:
    """The photometric model from the camera's views of the board and of the grey ramp
    (`prediction.grey_ramp`), each shown full screen: the ramp gives every level once,
    for the camera's response curve; the board's edges, for the blur of its optics."""
    if ramp_view.shape != board_view.shape:
        raise CalibrationError(f"the ramp's view is {ramp_view.shape[1]}x{ramp_view.shape[0]}"
                               f", the board's {board_view.shape[1]}x{board_view.shape[0]}: "
                               "expected the same camera at the same size")
    board = np.ascontiguousarray(chessboard_image(cal.projector_size)[..., ::-1])  # RGB
    prediction = ProjectionPrediction(cal, cal.projector_size)
    return prediction.fit([(Frame(board_view, 0, 0), board),
                           (Frame(ramp_view, 0, 0), grey_ramp(cal.projector_size))])


def view_frames(source: str, max_frames: int) -> Iterator[Image]:
    """Frames from a still image, a clip path or a camera URL."""
    if is_still(source):
        yield read_still(source)
        return

    src = open_source(source_url(source))
    try:
        for _ in range(max_frames):
            frame = src.read()
            if frame is None:
                return
            yield frame.image
    finally:
        src.close()


def calibrate_source(source: str, projector_size: tuple[int, int], max_frames: int = 60
                     ) -> Calibration:
    return calibrate_view(source, projector_size, max_frames)[0]


def calibrate_view(source: str, projector_size: tuple[int, int], max_frames: int = 60
                   ) -> tuple[Calibration, Image]:
    """The calibration from a still, a clip or a camera, and the view it was fitted on."""
    frames = view_frames(source, max_frames)
    first, second = next(frames, None), next(frames, None)
    if first is not None and second is None:  # a still: its own error, no frame number
        return calibrate(first, projector_size, source), first
    head = [f for f in (first, second) if f is not None]
    return calibrate_frames(itertools.chain(head, frames), projector_size, source)


@dataclass(frozen=True, slots=True)
class AlignmentCheck:
    mean_px: float  # where the stored mapping puts the board's corners vs where they are
    max_px: float
    tolerance_px: float

    @property
    def ok(self) -> bool:
        return self.mean_px <= self.tolerance_px

    def summary(self) -> str:
        verdict = "aligned" if self.ok else "MOVED: calibrate again"
        return (f"{verdict}: board corners are {self.mean_px:.2f} projector px off on "
                f"average ({self.max_px:.2f} max), tolerance {self.tolerance_px:.2f}")


def check_alignment(cal: Calibration, source: str, tolerance_px: float = 2.0,
                    max_frames: int = 30) -> AlignmentCheck:
    """Project the board, find it, and measure how far the stored mapping is off."""
    last: CalibrationError | None = None
    for image in view_frames(source, max_frames):
        try:
            corners = find_corners(image, source)
        except CalibrationError as exc:
            last = exc
            continue
        expected, _, _ = board_layout(cal.projector_size)
        mapped = cal.to_projector(corners)
        err = np.minimum(np.linalg.norm(mapped - expected, axis=1).mean(),
                         np.linalg.norm(mapped[::-1] - expected, axis=1).mean())
        per = np.linalg.norm(mapped - expected, axis=1)
        return AlignmentCheck(float(err), float(per.max()), tolerance_px)
    raise last or CalibrationError(f"{source}: no frames to check alignment with")


# The lit area is measured this far (in the board's squares) beyond the board at most, and
# an aspect ratio this far off the projector's is worth a warning.
_LIT_REACH_SQUARES = 12
ASPECT_TOLERANCE = 0.05


def lit_aspect(view: Image, cal: Calibration) -> float | None:
    """The aspect ratio (width / height) of the lit area around the board, measured along
    the board's middle lines in the calibration's projector px; None where the light runs
    out of view or never fades. When the projector size given is not the one the pattern
    was made for, the board still fits (a homography absorbs the scale) but this differs
    from the size's own ratio."""
    gray = to_gray(view)
    _, square, (x0, y0) = board_layout(cal.projector_size)
    lit = _lit_level(gray, cal, square, (x0, y0))
    cols, rows = PATTERN[0] + 1, PATTERN[1] + 1
    mid = (x0 + 4.5 * square, y0 + 3.5 * square)  # inside a square, not on an edge
    reach = [_lit_reach(gray, cal, lit, (x, mid[1]), (dx, 0.0), square)
             for x, dx in ((x0, -1.0), (x0 + cols * square, 1.0))]
    reach += [_lit_reach(gray, cal, lit, (mid[0], y), (0.0, dy), square)
              for y, dy in ((y0, -1.0), (y0 + rows * square, 1.0))]
    if any(r is None for r in reach):
        return None
    left, right, top, bottom = (float(r) for r in reach if r is not None)
    return (cols * square + left + right) / (rows * square + top + bottom)


def _lit_level(gray: Image, cal: Calibration, square: float,
               origin: tuple[float, float]) -> float:
    """Half-way between the board's dark and light squares, as the camera sees them."""
    x0, y0 = origin
    centres = [((i + 0.5) * square + x0, (j + 0.5) * square + y0, (i + j) % 2 == 0)
               for j in range(PATTERN[1] + 1) for i in range(PATTERN[0] + 1)]
    values = _sample(gray, cal, np.array([(x, y) for x, y, _ in centres], np.float32))
    dark = np.array([d for _, _, d in centres])
    return float((np.nanmedian(values[dark]) + np.nanmedian(values[~dark])) / 2)


def _lit_reach(gray: Image, cal: Calibration, lit: float, start: tuple[float, float],
               step: tuple[float, float], square: float) -> float | None:
    """How far the light goes on from the board's edge at `start` (projector px)."""
    t = np.arange(1, _LIT_REACH_SQUARES * 10) * (square / 10)
    pts = np.stack([start[0] + step[0] * t, start[1] + step[1] * t], axis=1).astype(np.float32)
    values = _sample(gray, cal, pts)
    dark = np.flatnonzero(values < lit)
    if len(dark) == 0 or np.isnan(values[: dark[0]]).any():
        return None  # never fades, or leaves the camera's view first
    return float(t[dark[0]])


def _sample(gray: Image, cal: Calibration, proj: npt.NDArray[np.float32]
            ) -> npt.NDArray[np.float64]:
    """The view's level at projector points (nan outside the view)."""
    cam = cv2.perspectiveTransform(proj.reshape(1, -1, 2),
                                   np.linalg.inv(cal.camera_to_projector)).reshape(-1, 2)
    h, w = gray.shape[:2]
    out = np.full(len(cam), np.nan)
    inside = (cam[:, 0] >= 0) & (cam[:, 0] <= w - 1) & (cam[:, 1] >= 0) & (cam[:, 1] <= h - 1)
    xs, ys = np.round(cam[inside]).astype(int).T
    out[inside] = gray[ys, xs]
    return out

"""Augmentations of the peer's clips and stills: the same footage as another camera or
setting would have given it (scale, gain, noise, blur, JPEG, white balance, exposure
swings, frame rate), judged by the peer's rule. Strengths are fixed, one each, set by
what cameras do (not tuned on the results): a figure that holds only on the recorded
footage as it is is a figure that fits those recordings.

`judge_augmented(root, expected, name)` runs every clip (and every still, where the
augmentation applies to a single image) through one augmentation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from hardware.events import SpotEvent
from hardware.vision.detector import detect_still
from hardware.vision.evaluate import detect_frames, load_still, points, read_frames
from hardware.vision.frames import Frame, Image
from hardware.vision.judge import ClipCase, Expected, Point, Score, score_clip

ImageOp = Callable[[Image, int], Image]  # (image, frame index) -> image


def _scaled(factor: float) -> ImageOp:
    def op(image: Image, _: int) -> Image:
        h, w = image.shape[:2]
        size = (max(16, round(w * factor)), max(16, round(h * factor)))
        out: Image = cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1
                                else cv2.INTER_LINEAR)
        return out
    return op


def _gain(factor: float) -> ImageOp:
    def op(image: Image, _: int) -> Image:
        return cv2.convertScaleAbs(image, alpha=factor)
    return op


def _noise(sigma: float, seed: int = 0) -> ImageOp:
    rng = np.random.default_rng(seed)

    def op(image: Image, _: int) -> Image:
        noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape).astype(np.float32)
        return np.clip(noisy, 0, 255).astype(np.uint8)
    return op


def _blur(sigma: float) -> ImageOp:
    def op(image: Image, _: int) -> Image:
        out: Image = cv2.GaussianBlur(image, (0, 0), sigma)
        return out
    return op


def _jpeg(quality: int) -> ImageOp:
    def op(image: Image, _: int) -> Image:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if decoded is None:
            raise ValueError("JPEG round trip failed")
        out: Image = np.asarray(decoded, np.uint8)
        return out
    return op


def _white_balance(blue: float, red: float) -> ImageOp:
    gains = np.array([blue, 1.0, red], np.float32)

    def op(image: Image, _: int) -> Image:
        out: Image = np.clip(image.astype(np.float32) * gains, 0, 255).astype(np.uint8)
        return out
    return op


def _exposure_swing(amplitude: float, period_frames: float) -> ImageOp:
    def op(image: Image, index: int) -> Image:
        gain = 1.0 + amplitude * float(np.sin(2 * np.pi * index / period_frames))
        out: Image = cv2.convertScaleAbs(image, alpha=gain)
        return out
    return op


@dataclass(frozen=True, slots=True)
class Augmentation:
    name: str
    about: str
    op: ImageOp | None  # None: the frames are only retimed
    scale: float = 1.0  # how positions change
    on_stills: bool = True
    repeat: int = 1  # each frame shown this many times, at this fraction of its period
    held_out: bool = False  # never looked at while changing the detector: judged to accept


# The held-out strengths ("held-out-..."): the same kinds of trouble at other strengths,
# run only to accept or refuse a change made while looking at the others, never to tune.


AUGMENTATIONS: dict[str, Augmentation] = {a.name: a for a in (
    Augmentation("half-size", "a camera at half the resolution", _scaled(0.5), 0.5),
    Augmentation("1.5x-size", "a camera at 1.5 times the resolution", _scaled(1.5), 1.5),
    Augmentation("darker", "gain 0.6: a darker exposure", _gain(0.6)),
    Augmentation("brighter", "gain 1.4: over-exposed, bright areas clip", _gain(1.4)),
    Augmentation("noise", "sensor noise, sd 6 levels", _noise(6.0)),
    Augmentation("blur", "out of focus: Gaussian blur, sd 1.2 px", _blur(1.2)),
    Augmentation("jpeg", "re-compressed as JPEG, quality 50", _jpeg(50)),
    Augmentation("white-balance", "white balance off: red x0.8, blue x1.25",
                 _white_balance(1.25, 0.8)),
    Augmentation("exposure-swing", "auto exposure hunting: +-20 %, 2 s a swing at 30 fps",
                 _exposure_swing(0.2, 60.0), on_stills=False),
    Augmentation("double-rate", "twice the frame rate (each frame twice, half the period)",
                 None, on_stills=False, repeat=2),
    Augmentation("held-out-size-0.7", "a camera at 0.7 times the resolution", _scaled(0.7), 0.7,
                 held_out=True),
    Augmentation("held-out-gain-1.2", "gain 1.2: a little over-exposed", _gain(1.2),
                 held_out=True),
    Augmentation("held-out-gain-1.7", "gain 1.7: much over-exposed", _gain(1.7), held_out=True),
    Augmentation("held-out-white-balance", "white balance off the other way: red x1.2, "
                 "blue x0.8", _white_balance(0.8, 1.2), held_out=True),
    Augmentation("held-out-white-balance-2", "white balance off, red cut: red x0.9, blue "
                 "x1.1", _white_balance(1.1, 0.9), held_out=True),
    Augmentation("held-out-exposure-swing", "auto exposure hunting: +-30 %, 1 s a swing at "
                 "30 fps", _exposure_swing(0.3, 30.0), on_stills=False, held_out=True),
)}


def augmented(frames: Iterable[Frame], aug: Augmentation) -> Iterator[Frame]:
    index = 0
    last_t: int | None = None
    for f in frames:
        image = aug.op(f.image, f.index) if aug.op is not None else f.image
        step = 0 if last_t is None else (f.t_ns - last_t) // aug.repeat
        for k in range(aug.repeat):
            yield Frame(image, f.t_ns + k * step, index)
            index += 1
        last_t = f.t_ns


def judge_augmented(root: Path, expected: Expected, name: str,
                    progress: Callable[[str], None] | None = None) -> dict[str, Score]:
    """Each clip (and still, where it applies) as the augmentation makes it, judged."""
    aug = AUGMENTATIONS[name]
    out: dict[str, Score] = {}
    for case in expected.clips:
        events, _ = detect_frames(augmented(read_frames(root / case.file), aug))
        out[case.file] = score_clip(judged_at(case, aug.scale), as_recorded(events, aug.scale))
        if progress is not None:
            s = out[case.file]
            progress(f"{name} {case.file}: {s.found} found, {s.missed} missed, {s.false} false")
    if aug.on_stills and aug.op is not None:
        for case in expected.stills:
            image = aug.op(load_still(root / case.file).image, 0)
            out[case.file] = score_clip(judged_at(case, aug.scale),
                                        as_recorded(detect_still(image), aug.scale))
    return out


def as_recorded(events: Iterable[SpotEvent], scale: float) -> list[Point]:
    """Detections on footage resized by `scale`, in the pixels of the footage as recorded.
    A resize maps pixel centres onto pixel centres ((x + 0.5) * scale - 0.5), not corners:
    at half size a plain x / scale puts every detection half a recorded pixel up and left."""
    return [replace(p, x=(p.x + 0.5) / scale - 0.5, y=(p.y + 0.5) / scale - 0.5)
            for p in points(events)]


def judged_at(case: ClipCase, scale: float) -> ClipCase:
    """The peer's tolerance for a camera at `scale` times the recording's resolution. The
    rule allows 3 px (1 px on stills) of the camera's own pixels; a camera at half the
    resolution records one pixel over two of the recording's, so the same rule allows it
    twice as many recorded pixels. A finer camera is held to the recording's pixels, which
    the peer's positions were marked on."""
    return replace(case, tolerance=case.tolerance * max(1.0, 1.0 / scale))

"""A synthetic camera: a rendered projector image seen through a homography, with laser
pulses of known place and time, and the troubles of a real range switched on by URL.

`synthetic:?seed=3&pulses=6&colour=mixed&noise=3&exposure=0.2&motion=2&people=1&drop=0.02`

Everything random comes from one `numpy.random.Generator` seeded by `seed`, so the same
URL gives the same frames. Frame times are simulated capture times (no clock is read).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from hardware.errors import DeviceUrlError
from hardware.events import Colour
from hardware.urls import MAX_SEED, number_param, whole_param
from hardware.vision.calibration import chessboard_image
from hardware.vision.frames import Frame, Image
from hardware.vision.sources import SourceUrl

# Camera response to each laser (B, G, R): a strong own channel and some crosstalk, so
# a bright core clips to white as real sensors do.
_LASER_BGR = {"red": (0.22, 0.28, 1.0), "green": (0.35, 1.0, 0.3), "ir": (1.0, 1.0, 1.0)}


@dataclass(frozen=True, slots=True)
class SceneSpec:
    """Everything the URL can set; defaults give a clean, easy scene."""

    seed: int = 0
    width: int = 640  # camera
    height: int = 480
    proj_width: int = 1280
    proj_height: int = 720
    fps: float = 30.0
    frames: int = 300
    pulses: int = 5
    colour: str = "red"  # red | green | mixed | ir
    dot: float = 1.6  # spot sigma, camera px
    power: float = 500.0  # peak added level; over 255 clips the core
    pulse_ms: float = 40.0
    exposure_ms: float = 16.0
    noise: float = 2.0  # sensor noise sigma, levels
    exposure: float = 0.0  # exposure swing amplitude (0.2 = +-20 %)
    motion: int = 0  # moving bright shapes in the projected content
    motion_level: float = 230.0  # their brightness (a projected subject is mid-grey)
    aim: str = "anywhere"  # anywhere | motion: every pulse lands on a moving shape
    people: int = 0  # people walking through the view
    drop: float = 0.0  # chance a frame is dropped (fault injection)
    content: str = "scene"  # scene | chessboard | black | paper | sunlit
    tilt: float = 0.08  # how far the projector corners are pushed around, of the view
    gain: float = 1.0  # camera gain: over 1 over-exposes (bright areas clip)
    white_balance: float = 0.0  # auto white balance hunting: red and blue gains swing

    @staticmethod
    def from_url(spec: SourceUrl, url: str) -> SceneSpec:
        known = {f.name: f for f in fields(SceneSpec)}
        kwargs: dict[str, Any] = {}
        where = f"camera URL {url!r}"
        for key in spec.params:
            if key not in known:
                raise DeviceUrlError(f"{where}: unknown key {key!r}; expected one "
                                     f"of {', '.join(sorted(known))}")
            kwargs[key] = _param(where, spec.params, key)
        out = SceneSpec(**kwargs)
        if out.colour not in ("red", "green", "mixed", "ir"):
            raise DeviceUrlError(f"camera URL {url!r}: colour must be red, green, mixed or ir")
        if out.content not in CONTENTS:
            raise DeviceUrlError(f"camera URL {url!r}: content must be "
                                 f"{', '.join(CONTENTS)}")
        if out.aim not in ("anywhere", "motion") or (out.aim == "motion" and out.motion < 1):
            raise DeviceUrlError(f"camera URL {url!r}: aim must be anywhere, or motion with "
                                 "motion=1 or more")
        return out


CONTENTS = ("scene", "chessboard", "black", "paper", "sunlit")


# Each number's range: what a camera, a projector and a laser can be, and no more than
# keeps a frame's rendering bounded (six noise images of the camera's size are kept).
# A zero where something divides by it (fps, dot, pulse_ms, exposure_ms) is refused.
_RANGES: dict[str, tuple[float, float]] = {
    "seed": (0, MAX_SEED), "width": (16, 4096), "height": (16, 4096),
    "proj_width": (16, 4096), "proj_height": (16, 4096), "fps": (1, 1000),
    "frames": (0, 100_000), "pulses": (0, 10_000), "dot": (0.3, 20), "power": (0, 1e5),
    "pulse_ms": (0.1, 10_000), "exposure_ms": (0.1, 1000), "noise": (0, 255),
    "exposure": (0, 1), "motion": (0, 100), "motion_level": (0, 255), "people": (0, 100),
    "drop": (0, 1), "tilt": (0, 0.25), "gain": (0.1, 10), "white_balance": (0, 0.5),
}


def _param(where: str, params: dict[str, str], key: str) -> Any:
    default = getattr(SceneSpec(), key)
    if isinstance(default, str):
        return params[key]
    low, high = _RANGES[key]
    if isinstance(default, int):
        return whole_param(where, params, key, default, int(low), int(high))
    return number_param(where, params, key, default, low, high)


@dataclass(frozen=True, slots=True)
class Pulse:
    """One laser pulse as fired: the ground truth."""

    t_ns: int
    duration_ns: int
    proj_x: float
    proj_y: float
    cam_x: float
    cam_y: float
    colour: Colour


@dataclass(slots=True)
class _Mover:
    x: float
    y: float
    vx: float
    vy: float
    size: float
    level: float


@dataclass
class SyntheticSource:
    """A seeded synthetic camera; `truth` lists the pulses it fires."""

    spec: SceneSpec = field(default_factory=SceneSpec)
    url: str = "synthetic:"

    def __post_init__(self) -> None:
        s = self.spec
        self.rng = np.random.default_rng(s.seed)
        self.proj_to_cam = _homography(s, self.rng)
        self._base = _projector_base(s, self.rng)
        self.truth: list[Pulse] = _schedule(s, self.proj_to_cam, self.rng)
        self._movers = [_mover(self.rng, s.proj_width, s.proj_height, 60, s.motion_level)
                        for _ in range(s.motion)]
        if s.aim == "motion":
            self.truth = _on_movers(self.truth, self._movers, s, self.proj_to_cam, self.rng)
        self._people = [_mover(self.rng, s.width, s.height, 50, 40) for _ in range(s.people)]
        self._noise = [self.rng.normal(0, 1, (s.height, s.width, 3)).astype(np.float32)
                       for _ in range(6)] if s.noise > 0 else []
        self._gain_phase = float(self.rng.uniform(0, 2 * np.pi))
        # pulse index -> the darkest backdrop max(R, G) it was lit on (see _note_backdrop)
        self.backdrop: dict[int, float] = {}
        self._i = 0
        self._index = 0

    @property
    def period_ns(self) -> int:
        return round(1e9 / self.spec.fps)

    def read(self) -> Frame | None:
        s = self.spec
        while self._i < s.frames:
            i = self._i
            self._i += 1
            image = self.render(i)
            if s.drop > 0 and self.rng.random() < s.drop:
                continue  # the frame is lost on the way, as a busy USB bus does
            frame = Frame(image, i * self.period_ns, self._index)
            self._index += 1
            return frame
        return None

    def close(self) -> None:
        pass

    def render(self, i: int) -> Image:
        """The camera image for frame `i`; frames are rendered in order, so the same seed
        gives the same sequence (moving things step once per rendered frame)."""
        s = self.spec
        t0 = i * self.period_ns
        proj = self._projected(i)
        self.last_projected = proj  # what the projector showed (BGR): for a prediction
        view = cv2.warpPerspective(proj, self.proj_to_cam, (s.width, s.height),
                                   flags=cv2.INTER_LINEAR, borderValue=(18, 16, 20))
        img = view.astype(np.float32) + 14.0  # room light
        for m in self._people:
            _step(m, s.width, s.height)
            cv2.ellipse(img, (int(m.x), int(m.y)), (int(m.size * 0.6), int(m.size * 2.2)), 0,
                        0, 360, (m.level, m.level * 0.9, m.level * 0.8), -1)
        response = self._response(i)  # the camera's gain per channel in this frame
        for k, p in enumerate(self.truth):
            overlap = exposure_overlap(p.t_ns, p.duration_ns, t0, round(s.exposure_ms * 1e6))
            if overlap > 0:
                self._note_backdrop(k, img, p, response)
                _add_spot(img, p, s, overlap)
        img *= response
        if self._noise:
            img += s.noise * self._noise[int(self.rng.integers(len(self._noise)))]
        out: Image = np.clip(img, 0, 255).astype(np.uint8)
        return out

    def view_of(self, projected: Image) -> Image:
        """The camera's view of any projector picture (BGR), with no pulse and no one in
        the room: for calibrating on the board and fitting the camera's response."""
        s = self.spec
        view = cv2.warpPerspective(projected, self.proj_to_cam, (s.width, s.height),
                                   flags=cv2.INTER_LINEAR, borderValue=(18, 16, 20))
        img = (view.astype(np.float32) + 14.0) * self._response(0)
        if self._noise:
            img += s.noise * self._noise[0]
        out: Image = np.clip(img, 0, 255).astype(np.uint8)
        return out

    def _response(self, i: int) -> npt.NDArray[np.float32]:
        """Gain per channel (B, G, R): exposure swing, white balance hunting (red and blue
        in opposite phase, ~4 s a swing) and the camera's gain."""
        s = self.spec
        out = np.full(3, s.gain, np.float32)
        if s.exposure > 0:
            out *= 1.0 + s.exposure * np.sin(self._gain_phase + i * 2 * np.pi / (2.5 * s.fps))
        if s.white_balance > 0:
            swing = s.white_balance * np.sin(self._gain_phase + i * 2 * np.pi / (4.0 * s.fps))
            out *= np.array([1.0 - swing, 1.0, 1.0 + swing], np.float32)
        return out

    def _note_backdrop(self, k: int, img: npt.NDArray[np.float32], p: Pulse,
                       response: npt.NDArray[np.float32]) -> None:
        """The darkest backdrop max(R, G) pulse `k` has landed on so far: on a clipped
        backdrop a dot adds nothing any camera could see."""
        h, w = img.shape[:2]
        x, y = min(max(round(p.cam_x), 0), w - 1), min(max(round(p.cam_y), 0), h - 1)
        level = float(max(img[y, x, 1] * response[1], img[y, x, 2] * response[2]))
        self.backdrop[k] = min(self.backdrop.get(k, 255.0), level)

    def _projected(self, i: int) -> Image:
        if not self._movers:
            return self._base
        out = self._base.copy()
        for m in self._movers:
            _step(m, self.spec.proj_width, self.spec.proj_height)
            cv2.circle(out, (int(m.x), int(m.y)), int(m.size), (m.level,) * 3, -1)
        return out


def _homography(s: SceneSpec, rng: np.random.Generator) -> npt.NDArray[Any]:
    """Projector to camera: the projector fills most of the view, corners jittered."""
    w, h = s.width, s.height
    m = 0.1
    cam = np.array([[w * m, h * m], [w * (1 - m), h * m], [w * (1 - m), h * (1 - m)],
                    [w * m, h * (1 - m)]], np.float32)
    cam += rng.uniform(-s.tilt, s.tilt, (4, 2)).astype(np.float32) * np.float32(min(w, h) / 2)
    pw, ph = s.proj_width, s.proj_height
    proj = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    out: npt.NDArray[Any] = np.asarray(cv2.getPerspectiveTransform(proj, cam), np.float64)
    return out


def _projector_base(s: SceneSpec, rng: np.random.Generator) -> Image:
    pw, ph = s.proj_width, s.proj_height
    if s.content == "chessboard":
        return chessboard_image((pw, ph))
    if s.content == "black":
        return np.zeros((ph, pw, 3), np.uint8)
    if s.content == "paper":
        return _paper(pw, ph, rng)
    if s.content == "sunlit":
        return _sunlit(pw, ph, rng)
    ramp = np.linspace(40, 150, pw, dtype=np.float32)[None, :, None]
    tint = np.array(rng.uniform(0.6, 1.0, 3), np.float32)
    img = np.ascontiguousarray(np.broadcast_to(ramp, (ph, pw, 3)) * tint, np.float32)
    for _ in range(12):  # a still scene: walls, doors, targets
        x, y = int(rng.integers(0, pw)), int(rng.integers(0, ph))
        colour = tuple(float(v) for v in rng.uniform(20, 200, 3))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(40, 300)), y + int(rng.integers(40, 300))),
                      colour, -1)
    return np.clip(img, 0, 255).astype(np.uint8)


def _paper(pw: int, ph: int, rng: np.random.Generator) -> Image:
    """A pale paper target seen close: off-white with a warm tint, printed rings and a
    black centre, and a faint grain. A laser dot on it clips to white at the core."""
    tint = np.array(rng.uniform([160, 175, 185], [180, 190, 200]), np.float32)
    img = np.ascontiguousarray(np.broadcast_to(tint, (ph, pw, 3)), np.float32)
    centre = (int(pw * rng.uniform(0.4, 0.6)), int(ph * rng.uniform(0.4, 0.6)))
    for k in range(1, 8):
        cv2.circle(img, centre, int(k * min(pw, ph) / 16), (40, 40, 45), max(2, pw // 400))
    cv2.circle(img, centre, int(min(pw, ph) / 24), (30, 30, 35), -1)
    img += rng.normal(0, 4, (ph, pw, 1)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def _sunlit(pw: int, ph: int, rng: np.random.Generator) -> Image:
    """A busy, sunlit backdrop: bright foliage-like blotches of every level over a bright
    sky-to-ground gradient, edges everywhere a dot might land."""
    sky = np.linspace(235, 120, ph, dtype=np.float32)[:, None, None]
    img = np.ascontiguousarray(np.broadcast_to(sky * np.array([1.0, 0.97, 0.9], np.float32),
                                               (ph, pw, 3)), np.float32)
    for _ in range(160):
        x, y = int(rng.integers(0, pw)), int(rng.integers(0, ph))
        axes = (int(rng.integers(8, pw // 10)), int(rng.integers(6, ph // 12)))
        colour = tuple(float(v) for v in rng.uniform([30, 60, 30], [200, 250, 220]))
        cv2.ellipse(img, (x, y), axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
    return np.clip(img, 0, 255).astype(np.uint8)


def _schedule(s: SceneSpec, h: npt.NDArray[Any], rng: np.random.Generator) -> list[Pulse]:
    """Pulses after a settling second, at least 0.35 s apart, inside the projection."""
    out = []
    t = 1.0
    colours: list[Colour] = ["red", "green"]
    for k in range(s.pulses):
        t += float(rng.uniform(0.35, 0.9))
        px = float(rng.uniform(0.08, 0.92) * s.proj_width)
        py = float(rng.uniform(0.08, 0.92) * s.proj_height)
        cam = cv2.perspectiveTransform(np.array([[[px, py]]], np.float32), h).reshape(2)
        colour: Colour = (colours[k % 2] if s.colour == "mixed"
                          else s.colour)  # type: ignore[assignment]
        out.append(Pulse(round(t * 1e9), round(s.pulse_ms * 1e6), px, py,
                         float(cam[0]), float(cam[1]), colour))
    return out


def _on_movers(pulses: list[Pulse], movers: list[_Mover], s: SceneSpec,
               h: npt.NDArray[Any], rng: np.random.Generator) -> list[Pulse]:
    """The same pulses moved onto the moving shapes: each lands inside one of them (within
    two thirds of its radius) in the frame it is fired, as a shooter aims at a subject."""
    frames = [round(p.t_ns * s.fps / 1e9) for p in pulses]
    ghosts = [replace(m) for m in movers]  # step copies: rendering steps the real ones
    out = []
    for frame in range(max(frames, default=-1) + 1):
        for m in ghosts:
            _step(m, s.proj_width, s.proj_height)
        for p, when in zip(pulses, frames, strict=True):
            if when != frame:
                continue
            m = ghosts[int(rng.integers(len(ghosts)))]
            angle, reach = rng.uniform(0, 2 * np.pi), rng.uniform(0, 2 / 3) * m.size
            px = float(np.clip(m.x + reach * np.cos(angle), 0, s.proj_width - 1))
            py = float(np.clip(m.y + reach * np.sin(angle), 0, s.proj_height - 1))
            cam = cv2.perspectiveTransform(np.array([[[px, py]]], np.float32), h).reshape(2)
            out.append(replace(p, proj_x=px, proj_y=py, cam_x=float(cam[0]),
                               cam_y=float(cam[1])))
    return out


def exposure_overlap(p0: int, dur: int, f0: int, exp: int) -> float:
    """Fraction of the exposure window lit by the pulse, scaled to the shorter of the two
    (a short pulse inside the exposure gives its full energy)."""
    lit = min(p0 + dur, f0 + exp) - max(p0, f0)
    return max(0.0, lit / min(dur, exp))


def _add_spot(img: npt.NDArray[np.float32], p: Pulse, s: SceneSpec, strength: float) -> None:
    r = int(np.ceil(4 * s.dot)) + 1
    x0, y0 = int(p.cam_x) - r, int(p.cam_y) - r
    ys, xs = np.mgrid[y0:y0 + 2 * r + 1, x0:x0 + 2 * r + 1].astype(np.float32)
    spot = np.exp(-((xs - p.cam_x) ** 2 + (ys - p.cam_y) ** 2) / (2 * s.dot ** 2))
    h, w = img.shape[:2]
    ya, yb, xa, xb = max(0, y0), min(h, y0 + 2 * r + 1), max(0, x0), min(w, x0 + 2 * r + 1)
    if ya >= yb or xa >= xb:
        return
    patch = spot[ya - y0:yb - y0, xa - x0:xb - x0, None] * np.array(_LASER_BGR[p.colour],
                                                                      np.float32)
    img[ya:yb, xa:xb] += patch * (s.power * strength)


def _mover(rng: np.random.Generator, w: int, h: int, size: float, level: float) -> _Mover:
    return _Mover(float(rng.uniform(0, w)), float(rng.uniform(0, h)),
                  float(rng.uniform(-8, 8)), float(rng.uniform(-5, 5)),
                  float(size * rng.uniform(0.7, 1.3)), float(level))


def _step(m: _Mover, w: int, h: int) -> None:
    m.x += m.vx
    m.y += m.vy
    if not 0 <= m.x < w:
        m.vx = -m.vx
    if not 0 <= m.y < h:
        m.vy = -m.vy


def synthetic_from_url(spec: SourceUrl, url: str) -> SyntheticSource:
    return SyntheticSource(SceneSpec.from_url(spec, url), url)

"""The simulated rig (`holdfire run --rig sim`): the whole range in software.

Each officer's weapons are emulated replicas wired to real link cores, numbered with his
lane and lasing his colour (`range.run.officers`); a pull sends its trigger report over
the protocol and lights a laser pulse where it was aimed.
A simulated camera watches the frames actually rendered (through a seeded perspective,
with the pulses drawn and sensor noise), the real detector finds the dots, a calibration
fitted on the camera's view of the projected chessboard maps them to projector pixels,
and fusion pairs them with the trigger reports into the shots the live session judges.
Driven by the loop's clock, a headless run gives the same shots every time; live, the
camera and detector run on their own thread so a slow frame never stalls the projector."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterable

import numpy as np

from hardware.events import Shot
from hardware.fusion import Fusion, FusionConfig
from hardware.replica.core import LinkEvent
from hardware.replica.protocol import HostMessage
from hardware.replica.wired import WiredReplica
from hardware.vision.calibration import Calibration, calibrate, chessboard_image
from hardware.vision.detector import ShotDetector
from hardware.vision.frames import Frame, FrameSource, Image
from hardware.vision.prediction import (
    Photometry,
    ProjectionPrediction,
    ShownTimeline,
    grey_ramp,
)
from hardware.vision.projected import ProjectedCamera, Pulse
from range.run.officers import Squad, squad
from range.vocabulary import WeaponName

REPLICA_OF: dict[WeaponName, str] = {  # the replica model that fires each weapon
    "pistol": "pistol", "x26": "x26", "x26-25ft": "x26", "x26p": "x26p", "x2-15ft": "x2",
    "x2-25ft": "x2", "taser7-cq": "taser7", "taser7-so": "taser7", "taser10": "taser10",
}


class SimulatedRig:
    """The replicas, camera, detector and fusion of a rig, emulated: each pull lights the
    projected camera's frame where the officer aimed."""

    def __init__(self, resolution: tuple[int, int], weapons: Iterable[WeaponName],
                 start_ns: int, seed: int = 0, threaded: bool = False,
                 officers: Squad | None = None) -> None:
        resolution = (int(resolution[0]), int(resolution[1]))
        officers = officers or squad([], resolution[0])
        self.camera = ProjectedCamera(resolution, seed=seed)
        self.calibration = self._calibrate(resolution)
        self.fusion = Fusion(FusionConfig(frame_period_ms=1000.0 / self.camera.fps,
                                          lanes=officers.lanes()),
                             to_projector=self._to_projector)
        self.detector = ShotDetector(mask=self.calibration.mask(), shared_scale=True)
        self.prediction = ProjectionPrediction(self.calibration, resolution)
        self._fit_photometry(resolution)
        models = sorted({REPLICA_OF[w] for w in weapons})
        self.replicas: dict[tuple[str, str], WiredReplica] = {}  # (officer, model): replica
        for officer in officers.officers:
            for model in models:
                replica_id = f"{model}-sim" if len(officers.officers) == 1 \
                    else f"{model}-lane{officer.lane}"
                self.replicas[officer.name, model] = WiredReplica(
                    model, replica_id, lane=officer.lane, seed=seed + len(self.replicas),
                    laser=officer.laser)
        self._follow = {key: self.fusion.follow(r.url) for key, r in self.replicas.items()}
        self._next_capture_ns = start_ns + self.camera.period_ns
        self._lock = threading.Lock()  # the camera's pulses: set by pulls, read by captures
        self._frames: queue.Queue[tuple[Image, int] | None] | None = None
        self.frames_dropped = 0  # camera frames the detector could not keep up with
        self._worker: threading.Thread | None = None
        self.on_link: Callable[[str, LinkEvent], None] | None = None  # a console looking on
        if threaded:
            self._frames = queue.Queue(maxsize=4)
            self._worker = threading.Thread(target=self._detect_forever, daemon=True,
                                            name="rig camera")
            self._worker.start()
        self.advance(start_ns)

    def _calibrate(self, resolution: tuple[int, int]) -> Calibration:
        board = np.ascontiguousarray(chessboard_image(resolution)[..., ::-1])  # BGR -> RGB
        view = self.camera.capture(board, 0).image
        return calibrate(view, resolution, "the simulated camera's view")

    def _fit_photometry(self, resolution: tuple[int, int]) -> None:
        """After the board, the projector shows a grey ramp: the camera's response to
        each level, fitted so the prediction explains what the projection lights."""
        shown = [np.ascontiguousarray(chessboard_image(resolution)[..., ::-1]),
                 grey_ramp(resolution)]
        self.prediction.fit([(self.camera.capture(picture, 0), picture) for picture in shown])

    def _to_projector(self, x: float, y: float) -> tuple[float, float]:
        mapped = self.calibration.to_projector(np.array([[x, y]], np.float32))
        return float(mapped[0][0]), float(mapped[0][1])

    def pull(self, officer: str, weapon: WeaponName, point: tuple[float, float] | None,
             t_ns: int) -> None:
        """`officer` pulls his replica's trigger at `t_ns`, aimed at `point` (None: off
        the screen): the replica reports it, and its laser lights the screen."""
        replica = self.replicas[officer, REPLICA_OF[weapon]]
        if replica.pull(t_ns) and point is not None:
            pulse = Pulse(point[0], point[1], t_ns, replica.pulse_us * 1000,
                          "green" if replica.laser == "green" else "red")
            with self._lock:
                self.camera.pulse(pulse)

    def observe(self, shown: Callable[[tuple[int, int]], Image], now_ns: int,
                since_ns: int | None = None) -> None:
        """The projector has shown `shown()` up to `now_ns`: the camera exposes the frames
        due by then (the picture is read only when one is)."""
        picture: Image | None = None
        while self._next_capture_ns <= now_ns:
            t_ns, self._next_capture_ns = (self._next_capture_ns,
                                           self._next_capture_ns + self.camera.period_ns)
            picture = shown(self.camera.sees) if picture is None else picture
            if self._frames is None:
                self._detect(picture, t_ns)
                continue
            try:  # never wait on the camera: a projector frame must not stall
                self._frames.put_nowait((picture, t_ns))
            except queue.Full:
                self.frames_dropped += 1  # as a real camera drops frames it cannot send

    def advance(self, now_ns: int) -> list[Shot]:
        """Run the replicas' links to now; the shots fusion has decided by now."""
        for key, replica in self.replicas.items():
            for event in replica.advance(now_ns):
                self._follow[key](event)
                if self.on_link is not None:
                    self.on_link(replica.url, event)
        return self.fusion.poll(now_ns)

    def command(self, url: str, message: HostMessage, now_ns: int) -> None:
        """A console's command (recoil, lockout, malfunction) to the replica at `url`."""
        next(r for r in self.replicas.values() if r.url == url).send(message, now_ns)

    def link_counters(self) -> dict[str, dict[str, int]]:
        return {r.url: r.core.error_counters() for r in self.replicas.values()}

    def close(self) -> None:
        if self._frames is not None and self._worker is not None:
            self._frames.put(None)  # after the frames still waiting: they are searched
            self._worker.join(timeout=30.0)

    def _detect(self, shown_rgb: Image, t_ns: int) -> None:
        with self._lock:
            frame = self.camera.capture(shown_rgb, t_ns)
        unexplained = self.prediction.unexplained(frame, shown_rgb)
        for spot in self.detector.feed(unexplained):
            self.fusion.add_spot(spot)

    def _detect_forever(self) -> None:
        assert self._frames is not None
        while (item := self._frames.get()) is not None:
            self._detect(*item)


class ConnectedRig:
    """A real rig (`holdfire run --rig camera=URL,replicas=URL+URL,calibration=NAME`):
    replicas over their links (serial paths, `socket://`, or emulated `sim:` URLs), a
    camera by URL (or a `FrameSource` given), the saved calibration of the rig; each on its
    own thread, fusion in between. Pulls come from the replicas themselves, so `pull` does
    nothing. With the rig's photometric model (fitted at calibration), it is
    projection-aware: `observe` keeps each frame rendered with the time it was on screen
    by, and each camera frame is searched for the light the picture on screen then does
    not explain (`ProjectionPrediction.unexplained`), so moving targets and people on the
    screen are no shots. A camera frame is grabbed `camera_delay_ns` after the middle of
    its exposure (`measure_rig_delay`), so it is explained by the picture on screen then.
    Without a photometric model, or with a camera at another size than calibrated, the
    camera is searched by the temporal detector alone; `detection` says which."""

    def __init__(self, camera_url: str | FrameSource, replica_urls: list[str],
                 calibration: Calibration, lanes: dict[int, tuple[float, float]] | None = None,
                 photometry: Photometry | None = None, camera_delay_ns: int = 0) -> None:
        from hardware.replica.link import ReplicaLink
        from hardware.vision.sources import open_source, source_url

        self.calibration = calibration
        self.fusion = Fusion(FusionConfig(lanes=lanes or {}), to_projector=self._to_projector)
        self.detector = ShotDetector(mask=calibration.mask(), shared_scale=photometry is not None)
        self.prediction = None if photometry is None else ProjectionPrediction(
            calibration, calibration.projector_size, photometry)
        self.detection = ("projection-aware (photometry fitted at calibration)"
                          if photometry is not None else
                          "temporal: the rig has no photometric model (holdfire calibrate "
                          "--ramp fits one)")
        self._shown = ShownTimeline()
        self.camera_delay_ns = camera_delay_ns
        self.frames_unexplained = 0  # camera frames before any rendered frame: not searched
        self.on_link: Callable[[str, LinkEvent], None] | None = None  # a console looking on
        self._urls = list(replica_urls)
        self._links = [ReplicaLink(url, on_event=self._seen(url, self.fusion.follow(url)))
                       .start() for url in replica_urls]
        self._camera = (open_source(source_url(camera_url)) if isinstance(camera_url, str)
                        else camera_url)
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._watch, daemon=True, name="rig camera")
        self._worker.start()

    def _to_projector(self, x: float, y: float) -> tuple[float, float]:
        mapped = self.calibration.to_projector(np.array([[x, y]], np.float32))
        return float(mapped[0][0]), float(mapped[0][1])

    def _seen(self, url: str, follow: Callable[[LinkEvent], None]
              ) -> Callable[[LinkEvent], None]:
        def seen(event: LinkEvent) -> None:
            follow(event)
            if self.on_link is not None:
                self.on_link(url, event)
        return seen

    def command(self, url: str, message: HostMessage, now_ns: int) -> None:
        """A console's command (recoil, lockout, malfunction) to the replica at `url`."""
        dict(zip(self._urls, self._links, strict=True))[url].send(message)

    def link_counters(self) -> dict[str, dict[str, int]]:
        return {url: link.error_counters() for url, link in zip(self._urls, self._links,
                                                               strict=True)}

    def pull(self, officer: str, weapon: WeaponName, point: tuple[float, float] | None,
             t_ns: int) -> None:
        """A mouse click on a real rig fires nothing: the replicas' triggers are the pulls."""

    def observe(self, shown: Callable[[tuple[int, int]], Image], now_ns: int,
                since_ns: int | None = None) -> None:
        """The real camera watches the real screen on its own; projection-aware, the rig
        keeps the picture on screen since its flip at `since_ns` (else by `now_ns`), so a
        camera frame grabbed after the flip is explained by it. It is kept at the
        projector's size: the camera sees the projector's pixels, and a picture scaled
        down first has softer edges than the screen (moving targets' edges would be left
        unexplained)."""
        if self.prediction is not None:
            self._shown.add(shown(self.calibration.projector_size),
                            now_ns if since_ns is None else since_ns)

    def advance(self, now_ns: int) -> list[Shot]:
        for link in self._links:
            link.check()  # a link whose reader died says so now, not never
        return self.fusion.poll(now_ns)

    def close(self) -> None:
        self._stop.set()
        self._worker.join(timeout=5.0)
        self._camera.close()
        for link in self._links:
            link.close()

    def _watch(self) -> None:
        while not self._stop.is_set():
            frame = self._camera.read()
            if frame is None:
                return  # a clip that ended, a camera unplugged: the links go on
            searched = self._explained(frame)
            if searched is None:
                continue
            for spot in self.detector.feed(searched):
                self.fusion.add_spot(spot)

    def _explained(self, frame: Frame) -> Frame | None:
        """The frame to search: projection-aware, the light the picture on screen at its
        capture does not explain (None before any picture was shown); else the frame."""
        if self.prediction is None:
            return frame
        w, h = self.calibration.camera_size
        if frame.image.shape[:2] != (h, w):  # another camera, or another mode of it
            self.prediction = None
            self.detector = ShotDetector(mask=self.calibration.mask())  # learns its balance
            self.detection = (f"temporal: the camera gives {frame.image.shape[1]}x"
                              f"{frame.image.shape[0]}, the rig was calibrated at {w}x{h}")
            return frame
        picture = self._shown.at(frame.t_ns - self.camera_delay_ns)
        if picture is None:
            self.frames_unexplained += 1
            return None
        return self.prediction.unexplained(frame, picture)


def connected_rig(spec: str, lanes: dict[int, tuple[float, float]] | None = None,
                  camera_delay_ns: int = 0) -> ConnectedRig:
    """The real rig `--rig camera=URL,replicas=URL+URL,calibration=NAME` names."""
    from hardware.vision.rig import default_rigs_dir, load_rig_file
    from range.errors import InputsError

    camera, replicas, name = parse_rig(spec)
    if name is None:
        raise InputsError(f"--rig {spec!r}: expected calibration=NAME (a rig saved by "
                          "holdfire calibrate --rig NAME)")
    calibration, photometry = load_rig_file(default_rigs_dir(), name)
    rig = ConnectedRig(camera, replicas, calibration, lanes=lanes, photometry=photometry,
                       camera_delay_ns=camera_delay_ns)
    print(f"rig {name!r}: {rig.detection}", file=sys.stderr)
    return rig


def check_rig_alignment(spec: str, show: Callable[[Image], object]) -> str:
    """A real rig's alignment check before a session: the projector shows the calibration
    board (`show`), the camera finds it, and the saved mapping is measured against it. A
    camera knocked since calibration misplaces every shot, so the line says so plainly."""
    from hardware.errors import HardwareError
    from hardware.vision.rig import check_alignment, default_rigs_dir, load_rig

    camera, _, name = parse_rig(spec)
    if name is None:
        return "alignment: NOT CHECKED (no calibration=NAME)"
    try:
        calibration = load_rig(default_rigs_dir(), name)
        show(np.ascontiguousarray(chessboard_image(calibration.projector_size)[..., ::-1]))
        return f"alignment of rig {name!r}: {check_alignment(calibration, camera).summary()}"
    except HardwareError as exc:
        return f"alignment of rig {name!r}: NOT CHECKED ({exc})"


def measure_rig_delay(spec: str, show: Callable[[Image], int]) -> tuple[str, int]:
    """A real rig's camera delay from exposure to grab, measured before a session by
    flashing the screen (`hardware.vision.delay`), and the line that says it. Only a
    camera (`cam:`) is stamped on this host's clock; anything else is not measured and
    its frames are matched by their stamps as they are (a delay of 0)."""
    from hardware.errors import HardwareError
    from hardware.vision.delay import measure_camera_delay
    from hardware.vision.sources import open_source, parse_url, source_url

    url = source_url(parse_rig(spec)[0])
    if parse_url(url).scheme != "cam":
        return ("camera delay: NOT MEASURED (a recorded clip or a synthetic view is not "
                "stamped on this host's clock)", 0)
    try:
        camera = open_source(url)
        try:
            delay = measure_camera_delay(show, camera, (64, 36))
        finally:
            camera.close()
    except HardwareError as exc:
        return f"camera delay: NOT MEASURED ({exc}); frames are matched as stamped", 0
    return f"camera delay: {delay.summary()}", delay.delay_ns


def parse_rig(text: str) -> tuple[str, list[str], str | None]:
    """`camera=URL,replicas=URL+URL,calibration=NAME` -> (camera, replicas, rig name)."""
    from range.errors import InputsError

    parts: dict[str, str] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or key not in ("camera", "replicas", "calibration") or not value:
            raise InputsError(f"--rig {text!r}: expected sim, or camera=URL,replicas=URL+URL"
                              f"[,calibration=NAME], found {item!r}")
        parts[key] = value
    if "camera" not in parts or "replicas" not in parts:
        raise InputsError(f"--rig {text!r}: expected both camera=URL and replicas=URL+URL")
    return parts["camera"], parts["replicas"].split("+"), parts.get("calibration")

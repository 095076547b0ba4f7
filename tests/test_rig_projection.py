"""The real rig, projection-aware: calibrated on the camera's views of the board and the
grey ramp (the photometric model stored with the rig), fed each rendered frame, and its
camera's frames searched for the light the picture on screen does not explain. The
camera is an emulator behind the real rig's code path: the simulated rig's camera,
exposing the pictures the test shows, with laser pulses at known places."""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.calibration import Calibration, calibrate, chessboard_image
from hardware.vision.frames import Frame, Image
from hardware.vision.prediction import Photometry, grey_ramp
from hardware.vision.projected import ProjectedCamera, Pulse
from hardware.vision.rig import fit_rig_photometry, load_rig_file, save_rig
from range.run.rig import ConnectedRig
from tests.builders import run_cli

PROJECTOR = (1280, 720)
PERIOD_NS = 33_333_333
PULSE_FRAMES = (24, 44, 64, 84)


class ShownToCamera:
    """A camera emulator (`FrameSource`): exposes each picture the test puts on screen,
    at the time given; None ends the stream. Like a real camera it keeps pace with the
    screen: the next exposure waits until the last frame was taken."""

    url = "emulated:projected"

    def __init__(self, camera: ProjectedCamera, delay_ns: int = 0) -> None:
        self.camera = camera
        self.delay_ns = delay_ns  # from exposure to grab: each frame is stamped this late
        self._due: queue.Queue[tuple[Image, int] | None] = queue.Queue(maxsize=1)

    def expose(self, picture_rgb: Image, t_ns: int) -> None:
        self._due.put((picture_rgb, t_ns), timeout=30)

    def end(self) -> None:
        self._due.put(None, timeout=30)

    def read(self) -> Frame | None:
        item = self._due.get(timeout=30)
        if item is None:
            return None
        frame = self.camera.capture(*item)
        return Frame(frame.image, frame.t_ns + self.delay_ns, frame.index)

    def close(self) -> None:
        pass


def _rgb_board() -> Image:
    return np.ascontiguousarray(chessboard_image(PROJECTOR)[..., ::-1])


def _scene(k: int) -> Image:
    """Moving white targets on a grey, textured backdrop: what the temporal detector
    takes for dots, as their edges brighten from frame to frame."""
    w, h = PROJECTOR
    picture = np.full((h, w, 3), 90, np.uint8)
    cv2.rectangle(picture, (0, h // 2), (w, h), (60, 110, 60), -1)
    for i in range(5):
        x = (150 + 230 * i + 23 * k) % w
        y = 150 + 90 * i
        cv2.circle(picture, (x, y), 9 + 3 * i, (255, 255, 255), -1)
    return picture


def _calibrated(camera: ProjectedCamera, tmp_path: Path
                ) -> tuple[Calibration, Photometry | None]:
    board_view = camera.capture(_rgb_board(), 0).image
    ramp_view = camera.capture(grey_ramp(PROJECTOR), 0).image
    cal = calibrate(board_view, PROJECTOR, "the emulated camera's board")
    save_rig(tmp_path, "aware", cal, fit_rig_photometry(cal, board_view, ramp_view))
    return load_rig_file(tmp_path, "aware")


def _session(photometry: bool, tmp_path: Path, late_frames: int = 0, compensated: bool = True
             ) -> tuple[list[tuple[float, float]], int]:
    """Spots found (projector px) over 100 frames of moving targets with four pulses,
    and the frames the rig could not explain. A camera `late_frames` late grabs each
    frame that much after its exposure: the screen is that far ahead of it meanwhile.
    The rig allows for the delay if `compensated`."""
    camera = ProjectedCamera(PROJECTOR, seed=3)
    cal, fitted = _calibrated(camera, tmp_path)
    delay_ns = late_frames * PERIOD_NS
    feed = ShownToCamera(camera, delay_ns)
    rig = ConnectedRig(feed, [], cal, photometry=fitted if photometry else None,
                       camera_delay_ns=delay_ns if compensated else 0)
    spots: list[SpotEvent] = []
    rig.fusion.add_spot = spots.append  # type: ignore[method-assign, assignment]
    feed.expose(_scene(0), 0)  # the camera runs before the first frame is rendered
    for k in range(1, 100 + late_frames):
        if k < 100:
            rig.observe(_scaled(_scene(k)), k * PERIOD_NS)
        if k in PULSE_FRAMES:
            camera.pulse(Pulse(300.0 + 7 * k, 200.0 + 3 * k, k * PERIOD_NS + 20_000_000,
                               5_000_000, "red"))
        shown = k - late_frames  # the picture the frame grabbed now was exposed on
        if shown >= 1:
            feed.expose(_scene(shown), (shown + 1) * PERIOD_NS - 1)
    feed.end()
    rig._worker.join(timeout=120)  # every frame searched (close waits only a few seconds)
    rig.close()
    return [rig._to_projector(s.x, s.y) for s in spots], rig.frames_unexplained


def _scaled(picture: Image) -> Callable[[tuple[int, int]], Image]:
    """The display's `pixels`: the picture shown, at the size asked for."""
    def pixels(size: tuple[int, int]) -> Image:
        out: Image = cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
        return out
    return pixels


def _near_pulses(points: list[tuple[float, float]]) -> tuple[int, int]:
    """(pulses found, spots that are no pulse), within 6 projector px."""
    truth = [(300.0 + 7 * k, 200.0 + 3 * k) for k in PULSE_FRAMES]
    hits = [any(abs(x - px) <= 6 and abs(y - py) <= 6 for x, y in points) for px, py in truth]
    false = [p for p in points
             if not any(abs(p[0] - px) <= 6 and abs(p[1] - py) <= 6 for px, py in truth)]
    return sum(hits), len(false)


@pytest.mark.slow
def test_the_real_rig_with_photometry_explains_moving_targets_and_finds_every_pulse(
        tmp_path: Path) -> None:
    aware, unexplained = _session(True, tmp_path)
    temporal, _ = _session(False, tmp_path)
    assert _near_pulses(aware) == (len(PULSE_FRAMES), 0)
    assert unexplained == 1  # the frame before anything was rendered is not searched
    found, false = _near_pulses(temporal)
    assert found == len(PULSE_FRAMES) and false > 0  # without the projection: targets as shots


@pytest.mark.slow
def test_a_camera_that_grabs_late_is_explained_by_the_picture_it_exposed(
        tmp_path: Path) -> None:
    """Grabbed two projector frames after exposing, as webcams do: allowing for the
    measured delay, the moving targets are explained as before; taken as stamped, each
    frame is compared with a newer picture and the targets' edges stand out."""
    aware, unexplained = _session(True, tmp_path, late_frames=2)
    assert _near_pulses(aware) == (len(PULSE_FRAMES), 0) and unexplained == 1
    stamped, _ = _session(True, tmp_path, late_frames=2, compensated=False)
    assert _near_pulses(stamped)[1] > 0


def test_a_rig_keeps_its_photometry_and_says_when_it_has_none(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    camera = ProjectedCamera(PROJECTOR, seed=3)
    board, ramp = tmp_path / "board.png", tmp_path / "ramp.png"
    cv2.imwrite(str(board), camera.capture(_rgb_board(), 0).image)
    cv2.imwrite(str(ramp), camera.capture(grey_ramp(PROJECTOR), 0).image)
    rigs = ["--projector", "1280x720", "--rigs-dir", str(tmp_path)]
    code, out = run_cli(["calibrate", str(board), "--ramp", str(ramp), "--rig", "lit", *rigs],
                        capsys)
    assert code == 0 and "photometry (B, G, R): gain" in out.out
    _, photometry = load_rig_file(tmp_path, "lit")
    assert photometry is not None  # near the emulated camera's response
    assert np.allclose(photometry.gamma, camera.response.gamma, atol=0.15)
    assert np.allclose(photometry.gain, camera.response.gain, atol=0.1)
    code, out = run_cli(["calibrate", str(board), "--rig", "plain", *rigs], capsys)
    assert code == 0 and "no --ramp view" in out.out and "temporal detector" in out.out
    assert load_rig_file(tmp_path, "plain")[1] is None
    feed = ShownToCamera(camera)
    rig = ConnectedRig(feed, [], load_rig_file(tmp_path, "plain")[0])
    assert rig.detection.startswith("temporal: the rig has no photometric model")
    feed.end()
    rig.close()


def test_a_rig_files_photometry_is_checked_where_it_is_read(tmp_path: Path) -> None:
    from hardware.errors import CalibrationError
    from hardware.vision.rig import parse_rig_file, to_json

    camera = ProjectedCamera(PROJECTOR, seed=3)
    cal = calibrate(camera.capture(_rgb_board(), 0).image, PROJECTOR)
    text = to_json(cal, camera.response).replace('"blur": 0.9', '"blur": -1')
    with pytest.raises(CalibrationError, match=r"not a valid rig file \(photometry.blur"):
        parse_rig_file(text, "x.json")

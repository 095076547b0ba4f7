"""Bad input on the vision side never crashes, hangs or loses data: camera URL numbers
checked where they are read, output paths refused in one line and PNGs written whole,
calibration on tiny or huge noisy views refused quickly; and what a newcomer needs
(detect on stills, judge-clips progress, rigs in the user's data folder, a warning for a
projector size that does not fit the pattern)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import fields
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.errors import CalibrationError, DeviceUrlError, MediaError
from hardware.vision.calibration import chessboard_image, find_corners, parse_size
from hardware.vision.overlay import write_png
from hardware.vision.rig import calibrate_source, default_rigs_dir
from hardware.vision.sources import open_source, parse_url
from hardware.vision.synthetic import SceneSpec, SyntheticSource
from range.cli import main
from tests.builders import refused

BOARD_VIEW = "synthetic:?content=chessboard&frames=1&seed=3"
NUMBERS = [f.name for f in fields(SceneSpec) if not isinstance(getattr(SceneSpec(), f.name), str)]


@pytest.fixture
def board_png(tmp_path: Path) -> Path:
    frame = open_source(BOARD_VIEW).read()
    assert frame is not None
    path = tmp_path / "board.png"
    assert cv2.imwrite(str(path), frame.image)
    return path


# -- camera URL numbers --------------------------------------------------------------------


@pytest.mark.parametrize("key", NUMBERS)
@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "-1", "1e12", "x"])
def test_every_synthetic_number_is_checked_finite_and_in_range(key: str, bad: str) -> None:
    url = f"synthetic:?{key}={bad}"
    with pytest.raises(DeviceUrlError) as caught:
        open_source(url)
    message = str(caught.value)
    assert message.startswith(f"camera URL {url!r}: {key} expected a ")
    assert " from " in message and message.endswith(f"found {bad!r}")


@pytest.mark.parametrize(("url", "fragment"), [
    ("synthetic:?width=0", "width expected a whole number from 16 to 4096, found '0'"),
    ("synthetic:?fps=0", "fps expected a number from 1 to 1000, found '0'"),
    ("synthetic:?seed=-1", "seed expected a whole number from 0 to 9223372036854775807"),
    ("synthetic:?pulse_ms=0", "pulse_ms expected a number from 0.1 to 10000"),
    ("synthetic:?frames=1.5", "frames expected a whole number"),
    ("synthetic:?seed=²", "found '²'"),
])
def test_synthetic_numbers_that_crashed_later_are_refused_where_read(
        url: str, fragment: str) -> None:
    with pytest.raises(DeviceUrlError) as caught:
        open_source(url)
    assert str(caught.value).startswith(f"camera URL {url!r}: ") and fragment in str(caught.value)


def test_the_ranges_keep_good_scenes() -> None:
    spec = SceneSpec.from_url(parse_url(
        "synthetic:?seed=9223372036854775807&width=16&fps=1000&tilt=0.25&frames=0"), "u")
    assert spec.seed == 2**63 - 1 and spec.width == 16 and spec.fps == 1000.0
    assert SyntheticSource(spec).read() is None


@pytest.mark.parametrize(("url", "fragment"), [
    ("cam:0?fps=inf", "fps expected a number from 0 to 1000, found 'inf'"),
    ("cam:0?width=nan", "width expected a whole number from 1 to 16384, found 'nan'"),
    ("cam:0?height=100000", "height expected a whole number from 1 to 16384, found '100000'"),
    ("cam:0?exposure=nan", "exposure expected a number from -1e+06 to 1e+06, found 'nan'"),
])
def test_camera_numbers_are_refused_before_the_camera_is_opened(url: str, fragment: str) -> None:
    with pytest.raises(DeviceUrlError) as caught:
        open_source(url)
    assert str(caught.value) == f"{url}: {fragment}"


# -- output paths and whole PNGs -----------------------------------------------------------


@pytest.mark.parametrize(("argv", "expected"), [
    (["calibration-pattern", "p.txt"], "argument out: expected a file name ending .png, "
                                        "found 'p.txt'"),
    (["calibration-pattern", "pnoext"], "expected a file name ending .png, found 'pnoext'"),
    (["calibration-pattern", "OUT/p.png", "--projector", "100000x100000"],
     "projector size '100000x100000': expected WIDTHxHEIGHT with each side from 16 to "
     "16384 px"),
    (["calibration-pattern", "OUT/p.png", "--projector", "1280x72²"],
     "projector size '1280x72²': expected WIDTHxHEIGHT"),
    (["calibration-pattern", "OUT/p.png", "--projector", "١٢٨٠x720"], "expected WIDTHxHEIGHT"),
    (["calibrate", "BOARD", "--overlay", "o.txt"], "argument --overlay: expected a file name "
                                                  "ending .png, found 'o.txt'"),
    (["detect", "BOARD", "--overlay", "BOARD"], "argument --overlay: expected a folder, "
                                                "found a file"),
    (["detect", "BOARD", "--overlay", "OUT/missing"], "argument --overlay: expected an "
                                                      "existing folder, found no folder"),
    (["calibrate", "BOARD", "--rigs-dir", "BOARD"], "argument --rigs-dir: expected a folder, "
                                                    "found a file"),
    (["calibrate", "BOARD", "--rigs-dir", "OUT/missing"], "argument --rigs-dir: expected an "
                                                          "existing folder"),
    (["replica-sim", "--dir", "BOARD"], "argument --dir: expected a folder, found a file"),
    (["replica-sim", "--dir", "OUT/missing"], "argument --dir: expected an existing folder"),
])
def test_odd_output_paths_are_refused_in_one_line(
        argv: list[str], expected: str, board_png: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = board_png.parent
    argv = [a.replace("BOARD", str(board_png)).replace("OUT", str(out)) for a in argv]
    before = sorted(p.name for p in out.iterdir())
    line = refused(argv, capsys)
    assert line.startswith(f"holdfire {argv[0]}: error: ") and expected in line
    assert sorted(p.name for p in out.iterdir()) == before  # nothing made, nothing left


def test_the_pattern_is_written_whole_and_reads_back_exactly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pattern.png"
    assert main(["calibration-pattern", str(out), "--projector", "640x480"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["pattern.png"]  # no temporary left
    written = cv2.imread(str(out))
    assert written is not None and np.array_equal(written, chessboard_image((640, 480)))


def test_a_png_that_cannot_be_put_in_place_leaves_the_old_one_and_no_temporary(
        tmp_path: Path) -> None:
    target = tmp_path / "taken.png"
    target.mkdir()  # a folder in the way: the rename fails
    with pytest.raises(MediaError, match=r"taken\.png: cannot write the pattern: "):
        write_png(target, chessboard_image((64, 64)), "the pattern")
    assert [p.name for p in tmp_path.iterdir()] == ["taken.png"] and target.is_dir()


def test_the_pattern_drawn_in_bands_is_the_pattern_drawn_at_once() -> None:
    """Pinned from before the pattern was drawn in bands of rows."""
    for size, digest in [((1280, 720), "92c54f537ea55d7f"), ((1702, 1198), "81e31f4198f112c4"),
                         ((16, 16), "c941b4c4d99511ca"), ((640, 480), "714afd9c0268f4a3")]:
        assert hashlib.sha256(chessboard_image(size).tobytes()).hexdigest()[:16] == digest


def test_the_largest_projector_side_is_drawn_without_a_huge_oversampled_board() -> None:
    assert parse_size("16384x16") == (16384, 16)
    assert chessboard_image((16384, 16)).shape == (16, 16384, 3)
    with pytest.raises(CalibrationError, match="each side from 16 to 16384 px"):
        parse_size("16385x720")


# -- calibration on tiny and on huge noisy views -------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (12, 12), (14, 200), (200, 14), (31, 31)])
def test_a_tiny_view_is_refused_in_one_line_not_by_opencv(shape: tuple[int, int]) -> None:
    view = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    with pytest.raises(CalibrationError) as caught:
        find_corners(view, "tiny.png")
    h, w = shape
    assert str(caught.value) == (f"tiny.png: the view is {w}x{h} px; expected at least 32 px "
                                 "a side to find a 9x6-corner chessboard in")


def test_calibrate_on_a_tiny_png_exits_2_with_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tiny.png"
    cv2.imwrite(str(path), np.zeros((12, 12, 3), np.uint8))
    assert "the view is 12x12 px; expected at least 32 px" in refused(
        ["calibrate", str(path)], capsys)


@pytest.mark.slow
def test_a_16_megapixel_noise_view_is_refused_quickly() -> None:
    """It ran for over 400 s; now the search looks at a 1280 px preview first (about 2 s
    here). The bound is loose on purpose: a loaded machine is slow, not 100x slow."""
    view = np.random.default_rng(0).integers(0, 256, (3464, 4618), dtype=np.uint8)
    started = time.monotonic()
    with pytest.raises(CalibrationError, match=r"noise\.png: no complete 9x6-corner chessboard"):
        find_corners(view, "noise.png")
    assert time.monotonic() - started < 60


@pytest.mark.slow
def test_a_large_view_is_calibrated_from_its_preview_to_full_size_accuracy() -> None:
    url = "synthetic:?content=chessboard&frames=1&seed=3&width=3000&height=2200&noise=1"
    source = open_source(url)
    assert isinstance(source, SyntheticSource)
    cal = calibrate_source(url, (1280, 720))
    truth = cv2.perspectiveTransform(
        np.array([[[0, 0], [1280, 0], [1280, 720], [0, 720]]], np.float32),
        source.proj_to_cam).reshape(-1, 2)
    assert np.abs(np.array(cal.area_quad) - truth).max() < 1.0  # camera px, of 3000
    assert cal.residual_px < 0.3


def test_the_peer_calibration_views_give_what_they_gave_before(peer_judgement) -> None:
    """Residuals pinned from before the preview search: the peer's views are 1280 px wide
    or less and are searched exactly as before."""
    pinned = {"autocalibration/calibrate-projection.png": 0.8884,
              "autocalibration/calibrate-projection-2.png": 0.8884,
              "autocalibration/tight-calibration-pattern.png": 0.4048,
              "autocalibration/tight-calibration-pattern-turned.png": 0.5718,
              "autocalibration/tight-calibration-pattern-upsidedown.png": 0.7572,
              "autocalibration/calibrate-projection-paper.png": 0.8885,
              "autocalibration/highres-autocalibration-1280x720.mp4": 2.0654}
    for file, residual in pinned.items():
        cal = peer_judgement.calibration(file).calibration
        assert cal is not None and round(cal.residual_px, 4) == residual, file


# -- what a newcomer needs -----------------------------------------------------------------


def dot_still(tmp_path: Path, with_dot: bool) -> Path:
    image = np.full((240, 320, 3), 40, np.uint8)
    if with_dot:
        ys, xs = np.mgrid[0:240, 0:320]
        spot = np.exp(-((xs - 200.0) ** 2 + (ys - 90.0) ** 2) / (2 * 1.6 ** 2))
        image = np.clip(image + spot[..., None] * np.array([60, 80, 500]), 0, 255).astype(
            np.uint8)
    path = tmp_path / ("dot.png" if with_dot else "plain.jpg")
    cv2.imwrite(str(path), image)
    return path


def test_detect_finds_a_shot_on_a_still(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    assert main(["detect", str(dot_still(tmp_path, True)), "--json"]) == 0
    (shot,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert abs(shot["x"] - 200) < 1 and abs(shot["y"] - 90) < 1 and shot["colour"] == "red"


def test_detect_says_0_shots_when_it_finds_none(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", str(dot_still(tmp_path, False))]) == 0
    assert capsys.readouterr().out == "0 shots in 1 frame\n"
    assert main(["detect", str(dot_still(tmp_path, False)), "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "0 shots in 1 frame\n"  # JSON stays clean
    assert main(["detect", "synthetic:?pulses=0&frames=40"]) == 0
    assert capsys.readouterr().out == "0 shots in 40 frames\n"


def test_detect_on_a_still_keeps_to_the_mask(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    mask = tmp_path / "mask.png"
    cv2.imwrite(str(mask), np.zeros((120, 160), np.uint8))  # half size: stretched over
    assert main(["detect", str(dot_still(tmp_path, True)), "--mask", str(mask)]) == 0
    assert capsys.readouterr().out == "0 shots in 1 frame\n"


def test_judge_clips_tells_its_progress_a_line_per_clip_on_stderr(
        tmp_path: Path, board_png: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dot = dot_still(tmp_path, True)
    (tmp_path / "expected.json").write_text(json.dumps({
        "stills": [{"file": dot.name, "required": [{"x": 200, "y": 90, "colour": "red"}]}],
        "calibration": [{"file": board_png.name, "accept": True}]}))
    assert main(["judge-clips", "--data", str(tmp_path), "--no-known-gaps"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "[1/2] dot.png: 1 found, 0 missed, 0 false in 1 frames"
    assert err[1].startswith("[2/2] board.png: calibration accepted, bounds (")
    assert len(err) == 2


def test_rigs_are_kept_in_the_users_data_folder_not_where_the_command_runs(
        board_png: Path, tmp_path: Path, user_data_folder: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_rigs_dir() == user_data_folder / "holdfire" / "rigs"
    assert main(["calibrate", str(board_png), "--rig", "lane-1"]) == 0
    assert (user_data_folder / "holdfire" / "rigs" / "lane-1.json").is_file()
    assert not (tmp_path / "rigs").exists()
    assert main(["check-alignment", "lane-1", str(board_png)]) == 0
    assert "aligned" in capsys.readouterr().out


@pytest.mark.parametrize(("projector", "warned"), [
    ("1280x720", False), ("1920x1080", False), ("1024x768", True), ("720x1280", True)])
def test_calibrate_warns_when_the_projector_size_does_not_fit_the_lit_area(
        projector: str, warned: bool, board_png: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The pattern was made for 1280x720 (16:9); any 16:9 size fits it."""
    assert main(["calibrate", str(board_png), "--projector", projector]) == 0
    err = capsys.readouterr().err
    assert (err.startswith(f"warning: --projector {projector} is ") and
            "but the lit area around the board is about 1.78:1" in err) == warned, err

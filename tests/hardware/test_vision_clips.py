"""The detector and calibration judged on the peer's recorded clips, stills and
calibration views (../shared/peer-data/shootoff), by the rule in its README.

The corpus is judged once per session (`peer_judgement` in tests/conftest.py) by the same
judge as `holdfire judge-clips`. Differences from the peer's lists that were checked by
eye are pinned, by clip, frame and position, in tests/data/vision/known_gaps.json; any
other difference fails, and so does a known gap no longer seen.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.errors import CalibrationError
from hardware.vision.calibration import find_corners, verify_board_in_view
from hardware.vision.evaluate import Judgement, judge_clip, read_frames
from hardware.vision.frames import Frame
from hardware.vision.judge import Expected, load_expected
from hardware.vision.judge_report import report_lines
from hardware.vision.known_gaps import load_known_gaps
from tests.conftest import KNOWN_GAPS, SHOOTOFF_DIR

# Measured on the corpus (docs/vision.md): found, missed, false, wrong colour, colour
# warnings.
TOTAL = (117, 1, 1, 0, 0)
# Holdfire's statement of ShootOFF's bounds per calibration view, as measured; the peer's
# own are within 1 px of these where it gives them (None: its finder sees no board).
BOUNDS = {
    "calibrate-projection.png": (113, 33, 422, 316),
    "calibrate-projection-2.png": (113, 34, 420, 316),
    "tight-calibration-pattern.png": (45, 25, 570, 432),
    "tight-calibration-pattern-turned.png": (137, 66, 402, 280),
    "tight-calibration-pattern-upsidedown.png": (26, 24, 570, 432),
    "calibrate-projection-paper.png": (112, 37, 418, 316),
    "highres-autocalibration-1280x720.mp4": None,
    "calibrate-projection-paper-ifly53e.mp4": (101, 66, 450, 334),
    "calibrate-projection-paper-ifly53e-2.mp4": None,
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per clip, still and calibration view listed in expected.json (read at
    collection; without the peer data there are none, and test_peer_data_is_present fails)."""
    path = SHOOTOFF_DIR / "expected.json"
    listed = load_expected(path) if path.is_file() else Expected((), (), ())
    for arg, cases in (("clip", listed.clips), ("still", listed.stills),
                       ("view", listed.calibration)):
        if arg in metafunc.fixturenames:
            files = [c.file for c in cases]
            metafunc.parametrize(arg, files, ids=[Path(f).stem for f in files])


def test_peer_data_is_present(shootoff_dir: Path) -> None:
    expected = load_expected(shootoff_dir / "expected.json")
    assert (len(expected.clips), len(expected.stills), len(expected.calibration)) == (17, 6, 12)


def test_clip(clip: str, peer_judgement: Judgement) -> None:
    verdict = peer_judgement.case(clip).verdict
    assert verdict.passed, verdict.failures()


def test_still(still: str, peer_judgement: Judgement) -> None:
    result = peer_judgement.case(still)
    assert result.verdict.passed, result.verdict.failures()
    assert result.verdict.differences == ()  # no known gaps in stills


def test_the_corpus_differs_from_the_peer_only_by_its_known_gaps(
        peer_judgement: Judgement) -> None:
    assert peer_judgement.failures() == []
    t = peer_judgement.total()
    assert (t.found, t.missed, t.false, t.wrong_colour, t.colour_warnings) == TOTAL
    # each documented gap excuses one difference, and every one of them is used
    excused = [d.gap.describe() for r in peer_judgement.cases for d in r.verdict.differences
               if d.gap is not None]
    assert sorted(excused) == sorted(g.describe() for g in load_known_gaps(KNOWN_GAPS))


def test_the_report_says_which_failures_are_known_gaps(peer_judgement: Judgement) -> None:
    lines = report_lines(peer_judgement)
    assert lines[0].split()[:5] == ["clip", "found", "missed", "false", "colour"]
    assert next(x for x in lines if x.startswith("TOTAL")).split()[1:] == ["117", "1", "1", "0"]
    c910 = lines.index(next(x for x in lines if x.startswith("c910_red_z.mp4")))
    assert lines[c910].split()[1:] == ["31", "1", "1", "0", "known", "gaps"]
    assert lines[c910 + 1].startswith("    missed (329.0, 208.0)  known gap: recoil smears")
    assert lines[c910 + 2].startswith("    false (334.0, 201.5) red frame 389  known gap: ")
    assert any(x.startswith("45in-green.mp4") and x.endswith("pass") for x in lines)
    turned = next(x for x in lines if x.startswith("tight-calibration-pattern-turned"))
    assert turned.split()[1:] == ["accept", "accept", *["137", "66", "402", "280"] * 2, "pass"]
    cut = lines.index(next(x for x in lines if x.startswith("calibrate-projection-cutoff")))
    assert lines[cut].endswith("pass") and "cut off at the left edge" in lines[cut + 1]
    assert lines[-1] == ("pass: every difference from the peer's lists (2) is a documented "
                         "known gap")


def test_a_ragged_clipped_blob_without_new_light_is_no_shot(peer_judgement: Judgement) -> None:
    # logitech-indoor-green frames 255-258: a green dot the peer's lists do not name. Its
    # first frame is a streak, its second a clipped blob with a ragged core where the
    # frame before was already as bright: what moving white content looks like, so it is
    # not reported (docs/vision.md, "Left out")
    hits = [e for e in peer_judgement.case("shotsearcher/logitech-indoor-green.mp4").detections
            if abs(e.x - 373) <= 3 and abs(e.y - 189) <= 3]
    assert hits == []


def test_shots_fired_at_the_same_spot_stay_separate(peer_judgement: Judgement) -> None:
    events = peer_judgement.case("shotsearcher/45in-green.mp4").detections
    assert len(events) == 4
    assert max(e.x for e in events) - min(e.x for e in events) < 12
    assert all(b.t_ns - a.t_ns > 300_000_000 for a, b in itertools.pairwise(events))


def test_calibration_view(view: str, peer_judgement: Judgement) -> None:
    # accepted or refused as the peer says; where it gives bounds, ours within 1 px
    result = peer_judgement.calibration(view)
    assert result.passed, (result.bounds, result.refusal)
    if result.case.accept:
        assert result.bounds == BOUNDS[Path(view).name]
    else:
        assert re.search(r"cut off at the \w+|corners do not fit|no complete", result.refusal)


@pytest.mark.parametrize("name", ["calibrate-projection-paper-ifly53e",
                                  "calibrate-projection-paper-ifly53e-2"])
def test_a_printed_board_held_up_is_not_taken_for_the_projection(
        name: str, peer_judgement: Judgement) -> None:
    # a 9x6 paper board sits below the projected one; it is found first by OpenCV
    cal = peer_judgement.calibration(f"autocalibration/{name}.mp4").calibration
    assert cal is not None
    assert np.ptp(np.array(cal.area_quad)[:, 0]) > 0.6 * cal.camera_size[0], cal.summary()


def test_corners_hidden_by_an_on_screen_notice_are_left_out(peer_judgement: Judgement) -> None:
    # the browser's "press ESC to exit full screen" notice lies over the pattern
    cal = peer_judgement.calibration("autocalibration/highres-autocalibration-1280x720.mp4"
                                     ).calibration
    assert cal is not None and len(cal.left_out) == 2
    assert cal.max_residual_px < 0.1 * 168  # within a tenth of a projected square


def test_cut_off_rejection_names_the_edges() -> None:
    image = cv2.imread(str(SHOOTOFF_DIR / "autocalibration/tight-calibration-pattern-cutoff.png"))
    assert image is not None
    with pytest.raises(CalibrationError, match="cut off at the right and bottom edge"):
        verify_board_in_view(find_corners(image), (image.shape[1], image.shape[0]), "view")


@pytest.mark.parametrize("name", ["45in-green", "logitech-outdoor-green-2",
                                  "ps3eye_hardware_defaults_projector_dark_room"])
def test_a_camera_that_tops_out_below_255_still_finds_every_shot(
        name: str, shootoff_dir: Path) -> None:
    # the same clip as a camera whose gain tops out at 191: nothing clips at 255 any more
    case = next(c for c in load_expected(shootoff_dir / "expected.json").clips
                if Path(c.file).stem == name)
    dim = (Frame(cv2.convertScaleAbs(f.image, alpha=0.75), f.t_ns, f.index)
           for f in read_frames(shootoff_dir / case.file))
    score = judge_clip(shootoff_dir, case, frames=dim).score
    # logitech-outdoor-green-2 frame 237 (269, 207): the dot's faint start a frame before
    # is within 10 levels of the top this camera was learnt to have (176, from a white
    # patch; the dot's own 191 is not held by 16 px), so the dot reads as clipped light
    # that was there already (`history.appeared`), the price of no false shots from
    # clipped moving targets
    lost = 1 if name == "logitech-outdoor-green-2" else 0
    assert (score.found, score.missed, score.false) == (len(case.required) - lost, lost, 0)


def test_a_small_dots_colour_is_read_past_its_fringe(peer_judgement: Judgement) -> None:
    """logitech-safari-red, frame 185: a core of 4 px whose light over itself and its
    2 px fringe reads a shade more green than red (6.2 against 6.4: the clip's
    compression spread its red further, at half resolution); read over the ring outside
    too, it is red, as are the clip's other eight dots (six required, three optional;
    it read green before: the corpus's one colour warning)."""
    result = peer_judgement.case("shotsearcher/logitech-safari-red.mp4")
    assert [e.colour for e in result.detections] == ["red"] * 9
    assert (result.score.found, result.score.colour_warnings) == (6, 0)

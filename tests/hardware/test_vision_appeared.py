"""Clipped light that appeared from nothing (a pulse) against clipped content that moved,
and levels that follow the camera's clip level. Hand-drawn frames with known truth."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector, camera_levels, clip_top, detect_still
from hardware.vision.frames import Frame, Image
from hardware.vision.history import gained_beside, newly_clipped
from hardware.vision.scenes import run_kind

PERIOD_NS = 33_333_333
Draw = Callable[[Image, int], None]


def _feed(draw: Draw, frames: int = 40, base: int = 90, gain: float = 1.0) -> list[SpotEvent]:
    """A grey scene 640x480 with what `draw` adds to frame i, through a fresh detector."""
    det = ShotDetector()
    rng = np.random.default_rng(0)
    noise = [np.clip(base + rng.normal(0, 2, (480, 640, 3)), 0, 255).astype(np.uint8)
             for _ in range(3)]  # sensor noise, a few fields in turn
    events: list[SpotEvent] = []
    for i in range(frames):
        image = noise[i % 3].copy()
        draw(image, i)
        seen: Image = cv2.convertScaleAbs(image, alpha=gain) if gain != 1.0 else image
        events.extend(det.feed(Frame(seen, i * PERIOD_NS, i)))
    return [*events, *det.flush()]


def _lamp(image: Image) -> None:
    """A static clipped white bar: a lamp or a printed white edge the camera clips on."""
    cv2.rectangle(image, (300, 200), (340, 230), (255, 255, 255), -1)


def _pulse(image: Image, i: int, at: tuple[int, int], frames: tuple[int, ...] = (25, 26)) -> None:
    if i in frames:  # a red dot whose core clips to white, a red fringe around it
        cv2.circle(image, at, 7, (40, 60, 255), -1)
        cv2.circle(image, at, 4, (255, 255, 255), -1)


def test_a_clipped_dot_beside_static_clipped_content_is_a_shot() -> None:
    """Its peak rises over nothing (the lamp beside it is as bright a frame before), but
    its clipped pixels were dark then and nothing near it moved: it appeared."""
    def draw(image: Image, i: int) -> None:
        _lamp(image)
        _pulse(image, i, (350, 215))

    events = _feed(draw)
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (350, 215, "red", 25)]


def test_clipped_moving_targets_outdoors_give_no_false_shot() -> None:
    """White targets moving over a bright sunlit backdrop break up where they clip into
    compact clipped pieces without new light; each overlaps where it was a frame before,
    so none appeared from nothing. Tuning seed 0, first 5 s: one false shot (frame 144)
    under the compact-core rule alone, none now."""
    score = run_kind("outdoor-moving-targets", 0, seconds=5.0)
    assert (score.false, score.seconds) == (0, 5.0)


def test_a_dot_at_a_darker_exposure_is_found_at_the_scaled_levels() -> None:
    """Gain 0.55: the camera tops out at 140, and so does a clipped dot (under `min_peak`
    at 255 scale); every level scales with the clip level, so it is still a shot."""
    def draw(image: Image, i: int) -> None:
        _lamp(image)  # a clipped patch shows the camera's top level
        _pulse(image, i, (200, 300))

    events = _feed(draw, gain=0.55)
    assert [(round(e.x), round(e.y), e.colour) for e in events] == [(200, 300, "red")]
    cfg = camera_levels(DetectorConfig(), 140)
    assert (cfg.min_peak, cfg.min_rise, cfg.saturated, cfg.clip_level) == (82, 13, 130, 139)
    assert camera_levels(DetectorConfig(), 0) == DetectorConfig()


def test_the_clip_level_needs_a_flat_patch() -> None:
    image = np.full((100, 100), 90, np.uint8)
    image[5, 5] = 200  # one hot pixel is no clip level
    assert clip_top(image) == 0
    image[5, 5] = 170
    image[50:60, 50:60] = 180  # a patch held flat at the top: where this camera clips
    assert clip_top(image) == 180


def test_a_still_at_a_darker_exposure_is_judged_at_its_clip_level() -> None:
    image = np.full((480, 640, 3), 90, np.uint8)
    _lamp(image)
    _pulse(image, 25, (200, 300))
    dark = cv2.convertScaleAbs(image, alpha=0.55)
    assert [(round(e.x), round(e.y)) for e in detect_still(dark)] == [(200, 300)]


@pytest.mark.slow
def test_outdoor_moving_targets_give_few_false_shots_on_a_held_out_seed() -> None:
    # measured on seed 100 (never tuned on): 0 false in 10 s; before the rule: 3
    assert run_kind("outdoor-moving-targets", 100).false <= 1


def _window(rows: tuple[int, int], cols: tuple[int, int] = (10, 15)) -> Image:
    """A 30x30 brightness window clipped (255) over the given rows and columns, grey
    (120) elsewhere."""
    out = np.full((30, 30), 120, np.uint8)
    out[rows[0]:rows[1], cols[0]:cols[1]] = 255
    return out


def test_a_clipped_patch_moving_two_rows_a_frame_overlaps_where_it_was() -> None:
    """A clipped target 10 rows tall moving down 2 rows a frame: frames before at rows
    0-9, 2-11, 4-13, 6-15, now 8-17. Rows 8-9 were clipped in all of them (not new);
    the new rows are 10-17 (8 rows of 5 = 40 px), of which rows 10-15 (30 px) were
    clipped a frame before. Asked from its leading edge alone (rows 16-17: the only part
    that rose over the background), the patch is the whole target: 30 of 40 overlap,
    more than half, so it did not appear from nothing."""
    before = [_window((2 * k, 2 * k + 10)) for k in range(4)]
    edge = (slice(16, 18), slice(10, 15))
    assert newly_clipped(_window((8, 18)), before, edge, 245, 24) == (40, 30)


def test_a_dot_beside_moving_clipped_content_is_its_own_patch() -> None:
    """A clipped 3x3 dot 4 px from the moving target, not touching it: its patch is itself,
    9 new pixels, none clipped a frame before."""
    before = [_window((2 * k, 2 * k + 10)) for k in range(4)]
    now = _window((8, 18))
    now[12:15, 20:23] = 255
    assert newly_clipped(now, before, (slice(12, 15), slice(20, 23)), 245, 24) == (9, 0)


def test_white_targets_leading_edge_onto_darker_backdrop_is_no_shot() -> None:
    """Tuning seed 11, first 5 s: a white target moving slowly onto darker backdrop rises
    over the background only along its leading edge (its inside was clipped for frames),
    a compact clipped crescent whose own box barely overlaps where the target was (1
    false shot, frame 137, before); the clipped patch it belongs to is the target."""
    assert run_kind("outdoor-moving-targets", 11, seconds=5.0).false == 0


def test_white_target_over_backdrop_clipped_in_red_and_green_is_no_shot() -> None:
    """Tuning seed 14, first 7 s: a white target sliding over foliage that clips in red
    and green fills a dark gap in it; in max(R, G) the gap's filling is clipped light
    from nothing beside content clipped all along (1 false shot, frame 200, before), in
    the weakest channel it is the moving target's edge."""
    assert run_kind("outdoor-moving-targets", 14, seconds=7.0).false == 0


def test_a_clipped_dot_beside_content_clipped_in_red_and_green_is_a_shot() -> None:
    """A yellow patch clipping red and green (not blue) with a red dot on its edge, the
    dot's white core (radius 4 at x 346) overlapping it from x 342: in max(R, G) the
    core joins the patch, clipped all along; in the weakest channel it is clipped light
    from nothing alone. It is placed on the part that rose: its clipped red disc
    (radius 7) off the patch, x 344-353, centre 348.5."""
    def draw(image: Image, i: int) -> None:
        cv2.rectangle(image, (300, 200), (343, 230), (100, 255, 255), -1)
        _pulse(image, i, (346, 215))

    events = _feed(draw)
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (348, 215, "red", 25)]


def test_a_near_white_patch_crossing_the_clip_level_by_noise_is_not_light_that_moved() -> None:
    """A patch at 242 with noise crossing 245 (clipped in the last frame, not in the one
    before) joins the dot's clipped core: it never was darker than clipping by the
    margin (24), so only the dot's 3x3 core is newly clipped, none of it a frame before."""
    flicker = np.full((30, 30), 242, np.uint8)
    flicker[:, 15:] = 250  # the right half crossed the clip level in the last frame
    before = [np.full((30, 30), 242, np.uint8), flicker]
    now = np.full((30, 30), 250, np.uint8)  # the patch clipped now, the dot inside it
    now[:, :10] = 120
    now[12:15, 10:13] = 255
    assert newly_clipped(now, before, (slice(12, 15), slice(10, 13)), 245, 24) == (9, 0)


def _soft_edge(clipped_to: int) -> Image:
    """A 30x30 window of grey backdrop (150) with a clipped white target over columns
    0 to `clipped_to` and the soft edge a moving target leaves in an exposure: three
    columns at 235, 205 and 175."""
    out = np.full((30, 30), 150, np.uint8)
    out[:, :clipped_to] = 255
    out[:, clipped_to:clipped_to + 3] = (235, 205, 175)
    return out


def test_a_soft_edge_moving_in_was_light_already_arriving_a_frame_before() -> None:
    """Outdoor tuning seeds 10 and 28 at 40 s: a clipped target's edge moving in lights
    the pixels ahead of it partly a frame before they clip. Here it stood at column 10
    for three frames, then at 11, and now at 14: columns 11-13 are newly clipped and
    none of them clipped a frame before, light from nothing by that alone (2 false
    shots, before); but each had risen by the margin (24) over the darkest it held,
    the target's light arriving. Asked about edges, as the weakest channel is, all 90
    overlap where the content was."""
    before = [_soft_edge(10) for _ in range(3)] + [_soft_edge(11)]
    edge = (slice(10, 17), slice(11, 14))
    assert newly_clipped(_soft_edge(14), before, edge, 245, 24) == (90, 0)
    assert newly_clipped(_soft_edge(14), before, edge, 245, 24, edges=True) == (90, 90)


def test_a_dot_beside_a_clipped_edge_is_still_light_from_nothing() -> None:
    """A clipped 3x3 dot landing on the grey just ahead of the same standing edge: its
    pixels held the backdrop a frame before (no light arriving), and it is a clipped
    patch of its own, none of it overlapping."""
    before = [_soft_edge(10) for _ in range(4)]
    now = _soft_edge(10)
    now[12:15, 13:16] = 255  # touches the edge's soft column 12 (205): not clipped
    core = (slice(12, 15), slice(13, 16))
    assert newly_clipped(now, before, core, 245, 24, edges=True) == (9, 0)


def _edge_at(col: int) -> Image:
    """A 17x17 window of grey backdrop (190) with a clipped white target from column
    `col` rightwards: the vertical edge of a target larger than the window."""
    out = np.full((17, 17), 190, np.uint8)
    out[:, col:] = 255
    return out


def test_a_piece_cut_from_a_jerky_edge_is_content_that_moved() -> None:
    """Outdoor tuning seeds 52, 61, 74 and 75 at 40 s: a slow white target moves in
    jumps (its edge at column 12 for two frames, at 10 for two, now at 8), and the
    blob is a 3x2 piece cut from its leading edge. Of the 68 px uncovered in these
    frames only 34 were clipped a frame before: at most half, light from nothing by
    that alone. But the patch gained 34 px, of which 6 are the blob's: the rest ran
    all along the edge, as moving content does."""
    before = [_edge_at(12), _edge_at(12), _edge_at(10), _edge_at(10)]
    piece = (slice(7, 10), slice(8, 10))
    assert newly_clipped(_edge_at(8), before, piece, 245, 24) == (68, 34)
    assert gained_beside(_edge_at(8), before[-1], piece, 245, 24) == (6, 28)


def test_a_dot_beside_a_standing_edge_gained_only_itself() -> None:
    """A clipped 3x3 dot touching the same target's standing edge: the patch grew by the
    dot alone."""
    now = _edge_at(10)
    now[7:10, 7:10] = 255
    assert gained_beside(now, _edge_at(10), (slice(7, 10), slice(7, 10)), 245, 24) == (9, 0)


def _sieve(rows: tuple[int, int], rng: np.random.Generator) -> Image:
    """A 30x30 weakest-channel window: a white target clipped over `rows` (columns
    10-14) at 246, the clip level, where the least of three noisy channels falls under
    `saturated` (245) on about half its pixels, by at most the noise band (4); grey
    (120) elsewhere."""
    out = np.full((30, 30), 120, np.uint8)
    target = out[rows[0]:rows[1], 10:15]
    target[:] = 246
    target[rng.random(target.shape) < 0.5] = 242  # the sieve: noise under `saturated`
    return out


def test_a_white_target_at_the_clip_level_is_a_sieve_that_still_overlaps_where_it_was() -> None:
    """In the weakest channel a white target sitting at the clip level is a sieve: noise
    takes about half its pixels under `saturated` in each frame. Moving down 2 rows a
    frame (rows 0-9 .. 6-15 before, 8-17 now), its 40 new pixels (rows 10-17) were on
    the target a frame before on rows 10-15 (30 px); counted as clipped only where
    that frame reached `saturated`, half of those are holes, and the target looks like
    light from nothing (at most half overlap). Within the noise band they were clipped:
    30 of 40, it moved."""
    rng = np.random.default_rng(1)
    before = [_sieve((2 * k, 2 * k + 10), rng) for k in range(4)]
    now = _window((8, 18))
    edge = (slice(16, 18), slice(10, 15))
    fresh, overlap = newly_clipped(now, before, edge, 245, 24)
    assert fresh == 40 and overlap <= 20  # the sieve: "appeared"
    assert newly_clipped(now, before, edge, 245, 24, band=4) == (40, 30)


def test_a_white_target_cut_by_a_row_of_noise_holes_is_still_one_patch() -> None:
    """The same target moving down 2 rows a frame, now with its row 15 under `saturated`
    by noise (242): pixel by pixel its leading edge (rows 16-17) is a patch of its own,
    10 px never clipped before: light from nothing. Grown through the noise band, the
    patch is the target again: 40 new pixels, 30 of them clipped a frame before."""
    before = [_window((2 * k, 2 * k + 10)) for k in range(4)]
    now = _window((8, 18))
    now[15, 10:15] = 242
    edge = (slice(16, 18), slice(10, 15))
    assert newly_clipped(now, before, edge, 245, 24) == (10, 0)
    assert newly_clipped(now, before, edge, 245, 24, band=4) == (40, 30)


def test_a_dot_beside_near_white_content_in_the_noise_band_is_still_a_shot() -> None:
    """A red dot whose fringe touches a near-white patch at 243 (inside the noise band
    under `saturated`, noise sd 2 taking it across 245 and back): its peak rises only
    7 over the patch beside it, so only its clipped core appearing from nothing tells
    it. The patch pixels in its box count as clipped a frame before now; its white core
    rose from the grey backdrop, far under the band, and is most of what is new."""
    rng = np.random.default_rng(2)

    def draw(image: Image, i: int) -> None:
        image[250:351, 150:196] = np.clip(243 + rng.normal(0, 2, (101, 46, 3)), 0, 255)
        _pulse(image, i, (200, 300))

    events = _feed(draw)
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (200, 300, "red", 25)]


def test_white_target_at_the_clip_level_is_no_shot() -> None:
    """Tuning seed 70, first 2 s: at the dark end of the exposure swing (gain 0.955) a
    white target sits at the clip level (247), a sieve of clipped pixels in the weakest
    channel; its creeping edge looked like clipped light from nothing (1 false shot,
    frame 49, when a pixel under `saturated` a frame before counted as not clipped)."""
    assert run_kind("outdoor-moving-targets", 70, seconds=2.0).false == 0


def test_the_noise_band_under_saturated_scales_with_the_top_and_ends_at_it() -> None:
    assert camera_levels(DetectorConfig(), 250).clip_noise == 4  # 240 - round(241 * 250/255)
    assert camera_levels(DetectorConfig(), 140).clip_noise == 0  # saturated 130 already under
    assert DetectorConfig().clip_noise == 4

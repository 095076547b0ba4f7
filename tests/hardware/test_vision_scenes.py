"""The synthetic kinds that failed on footage no one here had seen, judged with seeds
not looked at while building the detector (docs/vision.md)."""

from __future__ import annotations

import pytest

from hardware.vision.scenes import HELD_OUT_SEEDS, KINDS, run_kind, run_suite, spec_for
from hardware.vision.synthetic import SyntheticSource


def test_a_close_dot_on_pale_paper_clips_to_white_with_a_red_fringe() -> None:
    src = SyntheticSource(spec_for("close-paper-red", 100))
    pulse = src.truth[0]
    frame = src.render(round(pulse.t_ns * src.spec.fps / 1e9))
    core = frame[round(pulse.cam_y), round(pulse.cam_x)]
    fringe = frame[round(pulse.cam_y), round(pulse.cam_x + 3.2 * src.spec.dot)]
    assert core.min() >= 250  # white: every channel clips
    assert fringe[2] > fringe[1] + 10  # red beyond the core


@pytest.mark.slow
def test_a_pulse_on_clipped_over_exposed_white_is_not_required() -> None:
    score = run_kind("overexposed-white-balance", 100)  # 12 pulses, some on clipped white
    assert 0 < score.required < len(SyntheticSource(spec_for("overexposed-white-balance",
                                                             100)).truth)


def test_every_dot_on_pale_paper_is_found() -> None:
    score = run_kind("close-paper-red", HELD_OUT_SEEDS[0])
    assert score.required >= 3 and (score.found, score.false) == (score.required, 0)


@pytest.mark.slow
def test_every_bright_green_dot_at_60_fps_720p_is_found() -> None:
    score = run_kind("green-60fps-720p", HELD_OUT_SEEDS[0])
    assert score.required >= 5 and (score.found, score.false) == (score.required, 0)


@pytest.mark.slow
def test_held_out_seeds_find_98_percent_of_shots() -> None:
    shots = [k for k in KINDS if KINDS[k]["pulses"] > 0]
    result = run_suite(HELD_OUT_SEEDS[:5], shots)
    assert result.found() >= 0.98 * result.required()
    assert result.false_with_shots() <= 1


@pytest.mark.slow
def test_over_exposed_footage_without_shots_gives_none() -> None:
    result = run_suite(HELD_OUT_SEEDS[:5], ["overexposed-no-shots"])
    assert result.false_on_negatives() == 0


def test_moving_targets_outdoors_give_no_shot_when_the_projection_is_predicted() -> None:
    # projection-aware: calibrated on the board, photometry fitted on the first frames,
    # the moving white targets explained by the frames the projector showed
    score = run_kind("outdoor-moving-targets", HELD_OUT_SEEDS[1], seconds=3.0, aware=True)
    assert score.negative and score.false == 0


def test_a_person_uncovering_the_projection_is_no_shot_on_an_over_exposed_camera() -> None:
    # a channel balance learnt from the unexplained light (which has none to learn)
    # once reset the background here, a frame before a person's head uncovered a sliver
    # of the projection: a false shot at frame 25
    score = run_kind("overexposed-no-shots", HELD_OUT_SEEDS[1], seconds=2.0, aware=True)
    assert score.negative and score.false == 0


@pytest.mark.slow
def test_projection_aware_finds_every_shot_of_every_kind() -> None:
    shots = [k for k in KINDS if KINDS[k]["pulses"] > 0]
    result = run_suite(HELD_OUT_SEEDS[:3], shots, aware=True)
    # measured: every shot, and 1 false shot on the over-exposed camera, where clipped
    # white hides how far the projection's own light rose (docs/vision.md)
    assert result.found() >= 0.98 * result.required() and result.false_with_shots() <= 1

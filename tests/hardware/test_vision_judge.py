"""The ground-truth parser and the README's judging rule."""

from __future__ import annotations

import json

import pytest

from hardware.errors import MediaError
from hardware.vision.judge import ClipCase, Point, parse_expected, score_clip


def _case(**clip: object) -> ClipCase:
    base = {"file": "a.mp4", "width": 640, "height": 480, "colour_check": "strict",
            "required": [], "optional": []}
    base.update(clip)
    return parse_expected(json.dumps({"match_tolerance_px": 3, "clips": [base]})).clips[0]


RED = "red"


def test_required_shot_within_tolerance_is_found_and_outside_is_missed_plus_false():
    case = _case(required=[{"x": 100, "y": 100, "colour": RED}])
    assert score_clip(case, [Point(103, 97, RED)]).found == 1
    s = score_clip(case, [Point(103.5, 100, RED)])
    assert (s.found, s.missed, s.false) == (0, 1, 1)


def test_each_required_shot_needs_a_distinct_detection():
    case = _case(required=[{"x": 100, "y": 100, "colour": RED},
                           {"x": 102, "y": 100, "colour": RED}])
    s = score_clip(case, [Point(101, 100, RED)])
    assert (s.found, s.missed, s.false) == (1, 1, 0)
    s = score_clip(case, [Point(101, 100, RED), Point(100, 100, RED)])
    assert (s.found, s.missed, s.false) == (2, 0, 0)


def test_matching_is_maximal_not_greedy():
    # the first detection is near both truths; a greedy match would strand the second
    case = _case(required=[{"x": 100, "y": 100, "colour": RED},
                           {"x": 105, "y": 100, "colour": RED}])
    s = score_clip(case, [Point(102.5, 100, RED), Point(99, 100, RED)])
    assert (s.found, s.missed, s.false) == (2, 0, 0)


def test_optional_shot_absorbs_one_detection_only():
    case = _case(optional=[{"x": 50, "y": 50, "colour": RED}])
    assert score_clip(case, [Point(50, 50, RED)]).false == 0
    assert score_clip(case, [Point(50, 50, RED), Point(51, 50, RED)]).false == 1


def test_colour_strict_counts_wrong_colour_lenient_only_warns():
    strict = _case(required=[{"x": 10, "y": 10, "colour": "green"}])
    lenient = _case(colour_check="lenient", required=[{"x": 10, "y": 10, "colour": "green"}])
    s = score_clip(strict, [Point(10, 10, RED)])
    assert (s.found, s.wrong_colour, s.passed) == (1, 1, False)
    s = score_clip(lenient, [Point(10, 10, RED)])
    assert (s.found, s.wrong_colour, s.colour_warnings, s.passed) == (1, 0, 1, True)


def test_negative_clip_fails_on_any_detection():
    case = _case(colour_check="count")
    assert score_clip(case, []).passed
    assert not score_clip(case, [Point(1, 1, RED)]).passed


def test_display_scale_and_ignore_region():
    case = _case(display_scale=0.5, ignore_region=[0, 0, 640, 160],
                 required=[{"x": 100, "y": 200, "colour": RED}])
    s = score_clip(case, [Point(200, 400, RED), Point(300, 100, RED)])  # 2nd lands at y=50
    assert (s.found, s.false) == (1, 0)


def test_bad_ground_truth_names_the_file_and_the_problem():
    with pytest.raises(MediaError, match=r"gt\.json.*required\[0\]"):
        parse_expected(json.dumps({"clips": [{"file": "a", "required": [{"x": 1}]}]}), "gt.json")
    with pytest.raises(MediaError, match="not a valid ground-truth file"):
        parse_expected("{nope", "gt.json")


def test_count_clip_with_a_number_of_shots_checks_only_the_number():
    case = _case(colour_check="count", exact_count=2)
    assert score_clip(case, [Point(1, 1, RED), Point(9, 9, "green")]).passed
    s = score_clip(case, [Point(1, 1, RED)] * 3)
    assert (s.found, s.missed, s.false, s.passed) == (2, 0, 1, False)
    assert score_clip(case, []).missed == 2

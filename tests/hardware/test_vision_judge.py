"""The ground-truth parser, the README's judging rule, and known gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardware.errors import MediaError
from hardware.vision.evaluate import CalibrationResult, Judgement, judge_corpus
from hardware.vision.judge import (
    CalibrationCase,
    ClipCase,
    Expected,
    Point,
    parse_expected,
    score_clip,
)
from hardware.vision.known_gaps import KnownGap, parse_known_gaps, verdict


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


def _gaps(*gaps: dict[str, object]) -> tuple[KnownGap, ...]:
    return parse_known_gaps(json.dumps({"format": "holdfire-known-gaps/1", "gaps": [
        {"clip": "a.mp4", "frame": 40, "why": "checked by eye", **g} for g in gaps]}))


# one listed shot at (100, 100) and a detection 10 px right of it in frame 40
_MOVED = (_case(required=[{"x": 100, "y": 100, "colour": RED}]), [Point(110, 100, RED, 40)])


def test_a_known_gap_excuses_exactly_the_difference_it_names():
    case, dets = _MOVED
    gaps = _gaps({"kind": "missed", "x": 100, "y": 100}, {"kind": "false", "x": 111.5, "y": 99})
    v = verdict(case.file, score_clip(case, dets), gaps)
    assert v.passed and v.only_known_gaps
    assert [(d.kind, d.gap) for d in v.differences] == [("missed", gaps[0]), ("false", gaps[1])]
    # a second false shot beside the first is not excused by the same gap
    v = verdict(case.file, score_clip(case, [*dets, Point(110.5, 100, RED, 40)]), gaps)
    assert not v.passed
    assert v.failures() == ["false (110.5, 100.0) red frame 40 is not a known gap"]


@pytest.mark.parametrize("gap", [
    {"kind": "false", "x": 112.5, "y": 100},  # 2.5 px off
    {"kind": "false", "x": 110, "y": 100, "frame": 41},  # another frame
    {"kind": "missed", "x": 110, "y": 100},  # another kind
    {"kind": "false", "x": 110, "y": 100, "clip": "b.mp4"},  # another clip
])
def test_a_gap_elsewhere_excuses_nothing(gap):
    case, dets = _MOVED
    v = verdict(case.file, score_clip(case, dets), _gaps({"kind": "missed", "x": 100, "y": 100},
                                                         gap))
    assert not v.passed
    assert "false (110.0, 100.0) red frame 40 is not a known gap" in v.failures()


def test_a_known_gap_no_longer_seen_fails_until_the_file_is_tightened():
    case = _case(required=[{"x": 100, "y": 100, "colour": RED}])
    gaps = _gaps({"kind": "missed", "x": 100, "y": 100})
    v = verdict(case.file, score_clip(case, [Point(100, 100, RED, 40)]), gaps)
    assert v.differences == () and v.unseen == gaps and not v.passed
    assert v.failures() == ["known gap a.mp4 frame 40: missed (100.0, 100.0) not seen: "
                            "tighten the known gaps"]


def test_wrong_colour_and_count_only_differences_are_never_excused():
    strict = _case(required=[{"x": 10, "y": 10, "colour": "green"}])
    assert not verdict("a.mp4", score_clip(strict, [Point(10, 10, RED, 3)]), ()).passed
    count = _case(colour_check="count", exact_count=1)
    v = verdict("a.mp4", score_clip(count, []), _gaps({"kind": "missed", "x": 0, "y": 0}))
    assert [d.describe() for d in v.differences] == ["missed (a count-only clip: no position)"]
    assert not v.passed


@pytest.mark.parametrize(("gap", "why"), [
    ({"kind": "late", "x": 1, "y": 1}, "kind must be one of missed, false"),
    ({"kind": "false", "x": 1, "y": 1, "why": " "}, "needs its reason"),
    ({"kind": "false", "x": 1}, "'y'"),
])
def test_bad_known_gaps_files_name_the_problem(gap, why):
    with pytest.raises(MediaError, match=rf"known_gaps\.json: not a valid known-gaps file.*{why}"):
        _gaps(gap)
    with pytest.raises(MediaError, match="format None"):
        parse_known_gaps('{"gaps": []}')


def test_a_known_gap_for_a_clip_not_in_the_corpus_fails():
    judgement = judge_corpus(Path("nowhere"), Expected((), (), ()),
                             _gaps({"kind": "missed", "x": 1, "y": 1}))
    assert judgement.failures() == ["known gap a.mp4 frame 40: missed (1.0, 1.0): no such clip"]


def test_a_calibration_view_judged_otherwise_than_the_peer_says_is_a_failure():
    case = CalibrationCase("v.png", accept=True, bounds=(10, 10, 100, 80))
    result = CalibrationResult(case, None, "no complete 9x6-corner chessboard found")
    judgement = Judgement((), (result,), ())
    assert judgement.failures() == [
        "v.png: calibration refused; the peer says accept, bounds (10, 10, 100, 80)"]

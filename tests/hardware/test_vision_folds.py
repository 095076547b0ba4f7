"""Held-out folds: each case judged with the setting chosen on the other cases, or on the
other camera kinds."""

from __future__ import annotations

from hardware.vision.config import DetectorConfig
from hardware.vision.folds import Overrides, camera_kind, configure, leave_one_out, settings
from hardware.vision.judge import Score


def test_settings_cover_the_grid_with_the_defaults_first() -> None:
    options = settings({"min_rise": (24, 18), "min_core_fill": (0.74, 0.0)})
    assert options[0] == (("min_rise", 24), ("min_core_fill", 0.74)) and len(options) == 4
    cfg = configure(DetectorConfig(), options[3])
    assert (cfg.min_rise, cfg.min_core_fill) == (18, 0.0) and isinstance(cfg.min_rise, int)


def test_each_case_is_judged_with_the_setting_chosen_without_it() -> None:
    a: Overrides = (("min_rise", 24.0),)
    b: Overrides = (("min_rise", 18.0),)
    # a is best on all three; b is better on clip-3, and on two cases of three
    table: dict[Overrides, dict[str, Score]] = {
        a: {"clip-1": Score(found=5), "clip-2": Score(found=5), "clip-3": Score(found=2, missed=3)},
        b: {"clip-1": Score(found=3, missed=2), "clip-2": Score(found=4, missed=1, false=1),
            "clip-3": Score(found=5)},
    }
    report = leave_one_out(table, lambda c: c)
    assert report.tuned_setting == a and report.tuned.found == 12
    held = {h.case: (h.chosen, h.score.found) for h in report.held_out}
    # without clip-1, b wins on clip-2 and clip-3 (8 to 7); without clip-3, a wins
    assert held == {"clip-1": (b, 3), "clip-2": (b, 4), "clip-3": (a, 2)}
    assert report.held_out_total().found == 9 and report.shipped.found == 12
    assert any("clip-3" in line and "missed 3" in line for line in report.lines())


def test_held_out_falls_below_tuned_when_the_cases_disagree() -> None:
    a: Overrides = (("min_rise", 24.0),)
    b: Overrides = (("min_rise", 18.0),)
    table: dict[Overrides, dict[str, Score]] = {
        a: {"x": Score(found=4), "y": Score(found=1, missed=3)},
        b: {"x": Score(found=1, missed=3), "y": Score(found=4)}}
    report = leave_one_out(table, lambda c: c)
    assert report.tuned.found == 5 and report.held_out_total().found == 2


def test_a_camera_kind_is_held_out_whole() -> None:
    """Two clips from one camera prefer b; left out one at a time, each is outvoted for b
    by its twin, and held out equals tuned. Held out together, neither votes for the
    other: both are judged with a, the choice of the other camera, and the held-out
    figure shows how much b was fitted to the one camera."""
    a: Overrides = (("min_rise", 24.0),)
    b: Overrides = (("min_rise", 18.0),)
    table: dict[Overrides, dict[str, Score]] = {
        a: {"lifecam-1.mp4": Score(found=1, missed=2), "lifecam-2.mp4": Score(found=1, missed=2),
            "c910_x.mp4": Score(found=3)},
        b: {"lifecam-1.mp4": Score(found=3), "lifecam-2.mp4": Score(found=3),
            "c910_x.mp4": Score(found=2, missed=1)}}
    by_clip = leave_one_out(table, lambda c: c)
    assert by_clip.held_out_total().found == 3 + 3 + 2 == by_clip.tuned.found
    by_camera = leave_one_out(table)
    assert {h.case: h.chosen for h in by_camera.held_out} == {
        "lifecam-1.mp4": a, "lifecam-2.mp4": a, "c910_x.mp4": b}
    assert by_camera.held_out_total().found == 1 + 1 + 2
    assert by_camera.tuned.found == 8 and "2 camera kinds" in by_camera.lines()[0]


def test_camera_kinds_come_from_the_clip_names() -> None:
    cases = ("shotsearcher/lifecam-safari-green.mp4", "shotsearcher/c910_red_z.mp4",
             "x/no_interference_one_shot.png", "shotsearcher/45in-green.mp4")
    assert [camera_kind(c) for c in cases] == ["lifecam", "c910", "stills", "45in"]

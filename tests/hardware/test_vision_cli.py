"""The vision commands of `holdfire`: detect, judge-clips, calibrate, check-alignment,
bench vision."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from hardware.vision.rig import calibrate_source
from range.cli import main


def test_detect_json_prints_one_object_per_shot(capsys, shootoff_dir):
    clip = shootoff_dir / "shotsearcher" / "45in-green.mp4"
    assert main(["detect", str(clip), "--json"]) == 0
    shots = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(shots) == 4
    assert all(set(s) >= {"t", "x", "y", "colour"} and s["colour"] == "green" for s in shots)
    assert shots[0]["t"] == pytest.approx(0.586, abs=0.01)
    assert shots == sorted(shots, key=lambda s: s["t"])


def test_detect_plain_text_and_synthetic_url(capsys):
    assert main(["detect", "synthetic:?seed=1&pulses=3&frames=150"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(" s  x " in line for line in lines)


def test_detect_errors_are_one_line_with_exit_2(capsys, tmp_path):
    assert main(["detect", str(tmp_path / "missing.mp4")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.mp4: no such video file" in err
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\0" * 100)
    assert main(["detect", str(bad)]) == 2
    assert "bad.mp4" in capsys.readouterr().err


ONE_SHOT = "shotsearcher/no_interference_one_shot.png"


def _mini_corpus(root: Path, peer: Path) -> tuple[float, float]:
    """A corpus of one still whose listed shot is moved 10 px right (so Holdfire misses it
    and its detection is false) and two calibration views; where the shot really is."""
    listed = json.loads((peer / "expected.json").read_text())
    still = next(c for c in listed["stills"] if c["file"] == ONE_SHOT)
    shot = still["shots"][0]
    still["shots"] = [{**shot, "x": shot["x"] + 10}]
    views = [c for c in listed["calibration"] if c["file"].endswith(
        ("tight-calibration-pattern-turned.png", "tight-calibration-pattern-cutoff.png"))]
    for case in (still, *views):
        (root / case["file"]).parent.mkdir(parents=True, exist_ok=True)
        (root / case["file"]).symlink_to(peer / case["file"])
    (root / "expected.json").write_text(json.dumps(
        {"match_tolerance_px": 3, "clips": [], "stills": [still], "calibration": views}))
    return shot["x"], shot["y"]


def _gaps(root: Path, *gaps: tuple[str, float, float, str]) -> Path:
    (root / "gaps.json").write_text(json.dumps({"format": "holdfire-known-gaps/1", "gaps": [
        {"clip": ONE_SHOT, "kind": kind, "frame": 0, "x": x, "y": y, "why": why}
        for kind, x, y, why in gaps]}))
    return root / "gaps.json"


def test_judge_clips_says_which_failures_are_known_gaps(capsys, tmp_path, shootoff_dir):
    x, y = _mini_corpus(tmp_path, shootoff_dir)
    gaps = _gaps(tmp_path, ("missed", x + 10, y, "moved on purpose"),
                 ("false", x, y, "the real shot"))
    assert main(["judge-clips", "--data", str(tmp_path), "--known-gaps", str(gaps)]) == 0
    out = capsys.readouterr().out.splitlines()
    row = out.index(next(line for line in out if line.startswith("no_interference_one_shot")))
    assert out[row].split()[1:] == ["0", "1", "1", "0", "known", "gaps"]
    assert out[row + 1] == f"    missed ({x + 10:.1f}, {y:.1f})  known gap: moved on purpose"
    assert re.fullmatch(r"    false \(\d+\.\d, \d+\.\d\) red frame 0  known gap: the real shot",
                        out[row + 2])
    turned = next(line for line in out if line.startswith("tight-calibration-pattern-turned"))
    assert turned.split()[1:] == ["accept", "accept", *["137", "66", "402", "280"] * 2, "pass"]
    assert out[-2:] == ["pass: every difference from the peer's lists (2) is a documented "
                        "known gap", f"known gaps from {gaps}"]


def test_judge_clips_fails_on_a_difference_no_known_gap_names(capsys, tmp_path, shootoff_dir):
    x, y = _mini_corpus(tmp_path, shootoff_dir)
    gaps = _gaps(tmp_path, ("missed", x + 10, y, "moved on purpose"),
                 ("false", x + 4, y, "not quite there"))
    assert main(["judge-clips", "--data", str(tmp_path), "--known-gaps", str(gaps)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-4] == "FAIL: 2 not documented as known gaps:"
    assert out[-3].endswith("red frame 0 is not a known gap")
    assert out[-2].endswith(f"false ({x + 4:.1f}, {y:.1f}) not seen: tighten the known gaps")
    assert main(["judge-clips", "--data", str(tmp_path), "--no-known-gaps"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-4:] == ["FAIL: 2 not documented as known gaps:",
                        f"    {ONE_SHOT}: missed ({x + 10:.1f}, {y:.1f}) is not a known gap",
                        out[-2], "no known gaps given"]


def test_calibrate_saves_a_rig_and_check_alignment_uses_it(capsys, tmp_path):
    view = "synthetic:?seed=6&content=chessboard&frames=2"
    assert main(["calibrate", view, "--rig", "lane-2", "--rigs-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "corner residual" in out and (tmp_path / "lane-2.json").is_file()
    assert main(["check-alignment", "lane-2", view, "--rigs-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("aligned")
    moved = "synthetic:?seed=7&content=chessboard&frames=2"
    assert main(["check-alignment", "lane-2", moved, "--rigs-dir", str(tmp_path)]) == 1


def test_calibrate_overlay_shows_the_corners_and_area(capsys, tmp_path):
    out = tmp_path / "cal.png"
    view = "synthetic:?seed=2&content=chessboard&frames=2"
    assert main(["calibrate", view, "--overlay", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    image = cv2.imread(str(out))
    assert image is not None
    cal = calibrate_source(view, (1280, 720))
    x, y = (round(v) for v in cal.corners[0])
    ring = image[y - 3:y + 4, x - 3:x + 4].reshape(-1, 3)
    assert any(b < 100 and g > 200 and r < 100 for b, g, r in ring)  # a green ring
    qx, qy = (round(v) for v in cal.area_quad[0])
    edge = image[qy - 1:qy + 2, qx - 1:qx + 2].reshape(-1, 3)
    assert any(b > 200 and g > 180 and r < 60 for b, g, r in edge)  # the cyan area


def test_calibrate_rejects_a_cut_off_view(capsys, shootoff_dir):
    still = shootoff_dir / "autocalibration" / "tight-calibration-pattern-cutoff.png"
    assert main(["calibrate", str(still)]) == 2
    assert "cut off at the right and bottom edge" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_vision_prints_each_scene_and_size_beside_the_copy_baseline(capsys):
    assert main(["bench", "vision", "--seconds", "0.9"]) == 0
    out = capsys.readouterr().out
    for scene in ("still", "motion", "people"):
        for size in ("640x480", "1280x720", "1920x1080"):
            row = next(line.split() for line in out.splitlines()
                       if line.split()[:2] == [scene, size])
            median, p99, worst, copy_median = (float(v) for v in row[3:7])
            assert 0 < median <= p99 <= worst and copy_median > 0
    assert "copy" in out and "one core" in out


def test_detect_overlay_writes_a_marked_picture_per_shot(tmp_path, capsys):
    out = tmp_path / "ov"
    out.mkdir()  # the folder must exist: a typo does not make a new one
    assert main(["detect", "synthetic:?seed=1&pulses=2&frames=120&noise=0",
                 "--overlay", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    pictures = sorted(out.glob("shot-*.png"))
    assert len(pictures) == len(lines) == 2
    import cv2

    image = cv2.imread(str(pictures[0]))
    assert image is not None and image.shape == (480, 640, 3)
    x, y = (float(v) for v in lines[0].split()[3:6:2])
    ring = image[round(y), round(x) + 12]  # the ring passes 12 px right of the shot
    assert ring[2] > 200 and ring[1] < 120  # drawn in the shot's colour (red)


def test_detect_with_a_rig_mask(tmp_path, capsys):
    view = "synthetic:?seed=1&content=chessboard&frames=2"
    assert main(["calibrate", view, "--rig", "r1", "--rigs-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["detect", "synthetic:?seed=1&pulses=3&frames=150", "--rig", "r1",
                 "--rigs-dir", str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3  # all hits are on the screen


def test_calibration_pattern_is_written_and_found_again(tmp_path, capsys):
    out = tmp_path / "board.png"
    assert main(["calibration-pattern", str(out), "--projector", "1024x768"]) == 0
    assert main(["calibrate", str(out), "--projector", "1024x768"]) == 0
    text = capsys.readouterr().out
    residual = float(text.split("corner residual ")[1].split()[0])
    assert residual < 0.3  # the pattern seen as its own camera view maps onto itself


def test_the_vision_commands_import_nothing_heavy_until_run():
    # `holdfire --help` builds every parser: numpy, OpenCV and hardware.vision wait for a
    # handler (a fresh interpreter, since this one has them loaded already)
    code = ("import argparse, sys\n"
            "from range.cli import vision_commands\n"
            "vision_commands.register(argparse.ArgumentParser().add_subparsers(), {})\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'cv2')"
            " or m.startswith('hardware.vision')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"

"""`holdfire run --rig sim`: the whole rig in software. Every scripted shot travels the
replica link, the simulated camera, the real detector, calibration and fusion, and the
debrief matches the run with the mouse (the script clicking) within a camera frame."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardware.replica.wired import WiredReplica
from hardware.vision.calibration import chessboard_image
from hardware.vision.frames import Image
from hardware.vision.prediction import ProjectionPrediction, grey_ramp
from hardware.vision.projected import ProjectedCamera, Pulse
from range.cli import main
from range.scenario.catalogue import load_inputs_arg, load_scenario_arg, shipped_names

CAMERA_FRAME_S = 1 / 30
RUN_M_PER_FRAME = 4.5 / 60  # a charge at 4.3 m/s, over one 60 Hz frame, and a margin


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return dict(json.loads(capsys.readouterr().out))


def assert_within_a_camera_frame(rig: dict, mouse: dict) -> None:  # type: ignore[type-arg]
    """The same shots from the same pulls (the replica's report, mapped to host time, is
    within a millisecond of the click) hitting the same zones, each actor's distance at
    the pull within what a running man covers in a projector frame, and reaction times
    within a camera frame.

    A rig shot enters the world once fusion has decided it (~90 ms after the pull),
    judged against the frame on screen at the pull; what it causes (he falls, the threat
    ends, he gets a stab in first) happens when it enters. Those times, and distances
    measured then, are the rig's own and are not compared."""
    assert rig["inputs"] == mouse["inputs"]
    assert [(h["actor"], h["zones"], h["total"]) for h in rig["hits"]] == [
        (h["actor"], h["zones"], h["total"]) for h in mouse["hits"]]
    assert [(b["actor"], b["shot"], b["zone"]) for b in rig["bystander_hits"]] == [
        (b["actor"], b["shot"], b["zone"]) for b in mouse["bystander_hits"]]
    assert [(t["shot"], t["result"]) for t in rig["taser"]] == [
        (t["shot"], t["result"]) for t in mouse["taser"]]
    for cue_rig, cue_mouse in zip(rig["cues"], mouse["cues"], strict=True):
        assert cue_rig["time_s"] == cue_mouse["time_s"]
        for a, b in zip(cue_rig["responses"], cue_mouse["responses"], strict=True):
            assert (a["option"], a["what"], a["policy"]) == (b["option"], b["what"], b["policy"])
            assert abs(a["latency_s"] - b["latency_s"]) <= CAMERA_FRAME_S, (a, b)
            assert abs(a["time_s"] - b["time_s"]) <= 0.001, (a, b)
            if b["distance_m"] is not None:  # the rig's: from the frame shown at the pull
                assert abs(a["distance_m"] - b["distance_m"]) <= RUN_M_PER_FRAME, (a, b)
    assert [len(a["shots"]) for a in rig["after_threat"]] == [
        len(a["shots"]) for a in mouse["after_threat"]]


GOOD_WITH_SHOTS = [name for name in shipped_names()
                   if any(item.fire for item in
                          load_inputs_arg("good", load_scenario_arg(name)[0], None).input)]


@pytest.mark.slow
@pytest.mark.parametrize("name", GOOD_WITH_SHOTS)
def test_every_scripted_shot_is_found_end_to_end(name: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rig = run_json(["run", name, "--headless", "--inputs", "good", "--rig", "sim", "--json"],
                   capsys)["debrief"]
    mouse = run_json(["run", name, "--headless", "--inputs", "good", "--json"],
                     capsys)["debrief"]
    scenario, _ = load_scenario_arg(name)
    shots = sum(1 for i in load_inputs_arg("good", scenario, None).input if i.fire)
    fired = rig["inputs"]["firearm_shots"] + rig["inputs"]["taser_shots"]
    assert fired == shots and rig["inputs"]["unconfirmed_shots"] == []
    assert_within_a_camera_frame(rig, mouse)


def test_a_knife_charge_through_the_simulated_rig(capsys: pytest.CaptureFixture[str]) -> None:
    """The fast-loop copy of the one above: the shot that stops the charge is found."""
    rig = run_json(["run", "knife-charge", "--headless", "--inputs", "good", "--rig", "sim",
                    "--json"], capsys)["debrief"]
    mouse = run_json(["run", "knife-charge", "--headless", "--inputs", "good", "--json"],
                     capsys)["debrief"]
    assert rig["inputs"]["firearm_shots"] == 1 and rig["inputs"]["unconfirmed_shots"] == []
    assert rig["hits"][0]["zones"]["upper_torso"] == 1
    assert_within_a_camera_frame(rig, mouse)


def test_a_wired_replica_reports_each_pull_at_its_time_by_its_cartridge() -> None:
    replica = WiredReplica("taser7", "T7")
    start = 10**9
    replica.advance(start)
    assert replica.pull(start + 200_000_000) and replica.pull(start + 900_000_000)
    triggers = [e.trigger for t in range(1, 151)
                for e in replica.advance(start + t * 10_000_000) if e.trigger is not None]
    assert [(t.weapon, t.laser, t.synced) for t in triggers] == [
        ("taser7-cq", "green", True), ("taser7-so", "green", True)]
    assert [abs(t.t_ns - start - at) < 1_000_000 for t, at in
            zip(triggers, (200_000_000, 900_000_000), strict=True)] == [True, True]
    assert not replica.pull(start + 2 * 10**9)  # both bays spent: a dry pull, no laser


def test_projection_aware_detection_sets_aside_what_the_frame_shown_explains() -> None:
    """A moving bright shape changes the camera image; the prediction from the frame shown
    explains it, so only the laser pulse is left standing out."""
    import numpy as np

    from hardware.vision.calibration import calibrate

    size = (1280, 720)
    camera = ProjectedCamera(size, seed=3)
    board = np.ascontiguousarray(chessboard_image(size)[..., ::-1])
    prediction = ProjectionPrediction(calibrate(camera.capture(board, 0).image, size), size)
    ramp = grey_ramp(size)  # the camera's response, fitted as the rig does at calibration
    prediction.fit([(camera.capture(board, 0), board), (camera.capture(ramp, 0), ramp)])
    scene = np.full((720, 1280, 3), 90, np.uint8)
    scene[300:420, 600:700] = 230  # a pale shape that has just moved here
    camera.pulse(Pulse(320.0, 200.0, 33_000_000, 1_000_000, "red"))
    frame = camera.capture(scene, 40_000_000)
    left = prediction.unexplained(frame, scene).image.astype(int)
    dot = left[..., 2].max()
    shape_area = left[250:370, 450:560].max()
    assert dot >= 250  # the pulse: all of its pixels' headroom used
    assert shape_area < 120  # the shape: explained, only noise and edges left


@pytest.mark.slow
def test_bench_latency_prints_each_stage_beside_fusions_own_delay(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "latency"]) == 0
    out = capsys.readouterr().out
    assert "38 of 40 pulls fused into shots, 38 hits, 2 dry pulls" in out
    assert "baseline: fusion's window 54.3 ms, its decision delay" in out
    hit = next(line for line in out.splitlines() if line.startswith("pull -> bullet hit"))
    assert "(38 shots)" in hit
    assert "target: hit within 122.7 ms" in out and ": met" in out


def test_a_live_rig_searches_frames_off_the_render_thread_and_never_blocks_it() -> None:
    """The camera's frames go to the detector's own thread; if it falls behind, frames
    are dropped (counted), not waited for."""
    import threading
    import time

    import numpy as np

    from range.run.rig import SimulatedRig

    scenario, _ = load_scenario_arg("knife-charge")
    rig = SimulatedRig(scenario.rig.resolution, scenario.officer.weapons, start_ns=0, threaded=True)
    release = threading.Event()
    searched: list[int] = []
    slow = rig._detect

    def stuck(shown, t_ns):
        release.wait(30)
        searched.append(t_ns)
        slow(shown, t_ns)

    rig._detect = stuck  # type: ignore[method-assign]
    picture = np.zeros((540, 960, 3), np.uint8)
    started = time.monotonic()
    rig.observe(lambda size: picture, 20 * rig.camera.period_ns)  # 20 frames due at once
    assert time.monotonic() - started < 5.0  # generous; it does not wait on the detector
    assert rig.frames_dropped >= 20 - 5  # the worker holds one, the queue four
    release.set()
    rig.close()
    assert len(searched) == 20 - rig.frames_dropped


@pytest.mark.slow
def test_a_connected_rig_takes_replicas_and_a_camera_by_url(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The real-rig path with stand-ins a machine without hardware has: an emulated
    replica firing on its own (`sim:`), a synthetic camera, a rig calibrated and saved.
    The camera's dots are not the replica's, so its pulls come through as shots off the
    screen (trigger without spot): the links, fusion and session are joined up."""
    from hardware.vision.rig import calibrate_source, save_rig

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    from hardware.vision.rig import default_rigs_dir

    calibration = calibrate_source("synthetic:?seed=4&content=chessboard&frames=1",
                                   (1920, 1080))
    save_rig(default_rigs_dir(), "range-1", calibration)
    spec = ("camera=synthetic:?seed=2&frames=400&pulses=0,"
            "replicas=sim:?model=pistol&rate=3&seed=1,calibration=range-1")
    report = run_json(["run", "knife-charge", "--headless", "--rig", spec, "--json",
                       "--no-sound"], capsys)["debrief"]
    assert report["inputs"]["firearm_shots"] >= 3  # about 3 a second over 7 s, seeded
    assert report["scenario"]["end_reason"] == "duration"


def test_a_rig_spec_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "knife-charge", "--headless", "--rig", "camera=synthetic:"]) == 2
    assert capsys.readouterr().err.strip() == (
        "holdfire run: error: --rig 'camera=synthetic:': expected both camera=URL and "
        "replicas=URL+URL")


def test_a_real_rig_checks_its_alignment_on_the_projected_board_before_the_session(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The board is shown on the projector, the camera finds it, and the saved mapping is
    measured against it: the camera it was calibrated with is aligned; a camera turned
    since (another view of the same screen) is reported as moved; an unknown rig is not
    checked, and says why."""
    from hardware.vision.rig import calibrate_source, default_rigs_dir, save_rig
    from range.run.rig import check_rig_alignment

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    save_rig(default_rigs_dir(), "range-1",
             calibrate_source("synthetic:?seed=4&content=chessboard&frames=1", (1920, 1080)))
    shown: list[tuple[int, ...]] = []
    spec = "camera=synthetic:?seed={}&content=chessboard&frames=2,replicas=sim:,calibration={}"
    same = check_rig_alignment(spec.format(4, "range-1"), lambda board: shown.append(board.shape))
    assert same.startswith("alignment of rig 'range-1': aligned: board corners are ")
    assert shown == [(1080, 1920, 3)]  # the whole board, at the projector's size
    moved = check_rig_alignment(spec.format(9, "range-1"), lambda board: None)
    assert "MOVED: calibrate again" in moved
    unknown = check_rig_alignment(spec.format(4, "range-2"), lambda board: None)
    assert unknown.startswith("alignment of rig 'range-2': NOT CHECKED (")


def test_the_window_shows_the_board_across_the_whole_projector() -> None:
    import numpy as np

    from hardware.clock import ManualClock
    from range.views.window import Window

    board = np.ascontiguousarray(chessboard_image((960, 540))[..., ::-1])
    window = Window((1920, 1080), ManualClock(3))
    try:
        assert window.show_picture(board) == 3  # stamped after its flip
        shown = window.pixels((960, 540))
        assert np.abs(shown.astype(int) - board.astype(int)).mean() < 8  # scaled up and back
    finally:
        window.close()


def test_a_real_rigs_camera_delay_is_measured_only_on_a_camera_stamped_here() -> None:
    """A clip or synthetic view carries its own times, so it is not measured; a camera
    that cannot be opened is not measured either, and the line says why."""
    from range.run.rig import measure_rig_delay

    shown: list[Image] = []

    def show(picture: Image) -> int:
        shown.append(picture)
        return 0

    line, delay = measure_rig_delay("camera=synthetic:?seed=1,replicas=sim:", show)
    assert (line, delay, shown) == ("camera delay: NOT MEASURED (a recorded clip or a "
                                    "synthetic view is not stamped on this host's clock)", 0, [])
    line, delay = measure_rig_delay("camera=cam:97,replicas=sim:", lambda picture: 0)
    assert line == ("camera delay: NOT MEASURED (cam:97: cannot open camera device 97); "
                    "frames are matched as stamped") and delay == 0

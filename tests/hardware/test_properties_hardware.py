"""Bad hardware input, generated: fault specs, device URLs and hardware command lines. Each
is accepted, or refused with one line naming the place (exit 2 on the command line);
nothing raises anything else. An accepted fault spec also runs its firmware for a while.
Nothing started here can run unbounded: every command has a short --seconds or a
source of a few frames."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hardware.errors import HardwareError
from hardware.replica.faults import Faults
from hardware.replica.firmware import ReplicaFirmware
from hardware.replica.models import MODELS
from hardware.replica.ports import port_for_url
from hardware.replica.schedule import AutoFire
from hardware.vision.sources import open_source, parse_url
from hardware.vision.synthetic import SceneSpec
from range.cli import main
from tests.builders import run_cli

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
ODD_NUMBERS = ["0", "1", "-1", "0.5", "1e-9", "1e9", "1e308", "1e309", "nan", "inf", "-inf",
               "²", "٣", "1_000", " 1", "", "x", "0x10", "9" * 40, "3600", "10000", "-10000"]
NUMBERS = st.one_of(st.sampled_from(ODD_NUMBERS),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.integers(-(10**20), 10**20).map(str))


def one_line(error: Exception, starts: str) -> str:
    message = str(error)
    assert message.startswith(starts) and "\n" not in message and len(message) < 2000, message
    return message


# -- fault specs -----------------------------------------------------------------------------

FAULT_NAMES = ["noise", "corrupt", "drop", "dup", "jitter_ms", "drift_ppm", "unplug_every_s",
               "unplug_s", "reset_on_replug", "loss", ""]


@st.composite
def fault_specs(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.tuples(st.sampled_from(FAULT_NAMES), NUMBERS), max_size=4))
    sep = draw(st.sampled_from([":", ":", "=", ""]))
    return ",".join(f"{name}{sep}{value}" for name, value in items)


@SETTINGS
@given(fault_specs())
def test_a_fault_spec_is_accepted_and_runs_or_refused_in_one_line(spec: str) -> None:
    try:
        faults = Faults.parse(spec, "--faults")
    except HardwareError as exc:
        one_line(exc, "--faults: ")
        event("refused")
        return
    event("accepted")
    numbers = [faults.noise, faults.corrupt, faults.drop, faults.dup, faults.jitter_ms,
               faults.drift_ppm, faults.unplug_every_s, faults.unplug_s]
    assert all(math.isfinite(v) for v in numbers)
    # Its firmware runs ten simulated seconds, firing, without a thread or a cable.
    firmware = ReplicaFirmware(MODELS["pistol"](), "P1", faults, seed=1)
    firmware.boot(0)
    firmware.schedule.at(0, AutoFire(20.0))
    for step in range(1, 101):
        firmware.advance(step * 100_000_000)
    assert firmware.truth and firmware.outbox.frames


# -- device URLs -----------------------------------------------------------------------------

SYNTHETIC_KEYS = [*(f for f in SceneSpec.__dataclass_fields__), "speed"]
SIM_KEYS = ["model", "id", "faults", "seed", "rate", "lane", "speed"]
WORDS = ["red", "mixed", "ir", "blue", "chessboard", "black", "scene", "motion", "pistol",
         "taser7", "glock", "P1", "a,b", "x" * 40, "drop:0.1", "unplug_s:inf", "jitter_ms:nan"]
VALUES = st.one_of(NUMBERS, st.sampled_from(WORDS))


def query(keys: list[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(st.sampled_from(keys), VALUES).map(lambda kv: f"{kv[0]}={kv[1]}")
    return st.lists(pair, max_size=3).map("&".join)


DEVICE_URLS = st.one_of(
    query(SYNTHETIC_KEYS).map(lambda q: f"synthetic:?{q}"),
    query(SIM_KEYS).map(lambda q: f"sim:?{q}"),
    st.tuples(st.sampled_from(["0", "7", "x", "", "-1"]),
              query(["width", "height", "fps", "exposure"])).map(lambda t: f"cam:{t[0]}?{t[1]}"),
    st.sampled_from(["video:", "video:/no/such.mp4", "video:/dev/null?pace=slow",
                     "socket://127.0.0.1:1", "socket://127.0.0.1:99999", "socket://",
                     "loop://", "loop://?logging=debug", "rfc2217://127.0.0.1:1", "ttyUSB0",
                     "sim:x", "sim:?&&", "synthetic:?=1", "cam:0?fps"]),
)


def check_camera_url(url: str) -> None:
    spec = parse_url(url)
    if spec.scheme == "synthetic":
        SceneSpec.from_url(spec, url)  # what rendering reads, without rendering
    else:  # a camera's numbers are checked before the device is opened
        open_source(url).close()


@SETTINGS
@given(DEVICE_URLS)
def test_a_device_url_is_accepted_or_refused_in_one_line(url: str) -> None:
    try:
        if url.startswith(("synthetic:", "cam:", "video:")):
            check_camera_url(url)
        else:
            port = port_for_url(url)
            if url.startswith("loop://"):
                port.open().close()  # in-process: nothing to reach
            port.close()
    except HardwareError as exc:
        assert "\n" not in str(exc) and str(exc), exc
        event("refused")
        return
    event("accepted")


# -- command lines ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hw-cli")
    frame = open_source("synthetic:?content=chessboard&frames=1&seed=3").read()
    assert frame is not None
    cv2.imwrite(str(path / "board.png"), frame.image)
    cv2.imwrite(str(path / "tiny.png"), np.zeros((12, 12, 3), np.uint8))
    (path / "rigs").mkdir()
    assert main(["calibrate", str(path / "board.png"), "--rig", "r",
                 "--rigs-dir", str(path / "rigs")]) == 0
    return path


SMALL_SYNTHETIC = st.lists(st.sampled_from(
    ["pulses=1", "pulses=x", "noise=0", "noise=nan", "width=64", "width=0", "height=48",
     "fps=0", "fps=inf", "seed=-1", "seed=²", "content=chessboard", "colour=blue",
     "motion=1", "aim=motion", "drop=0.5", "drop=2", "dot=0", "pulse_ms=0", "tilt=9"]),
    max_size=3).map(lambda ps: "synthetic:?" + "&".join([*ps, "frames=2"]))  # a short clip
ODD = ["-1", "0", "nan", "inf", "1e308", "²", "1.5", "", "x" * 100, "1280x720", "64x48",
       "100000x100000", "1280x72²", "16x16", "out.png", "out.txt", "pnoext", "/", "."]
OPTIONS = {
    "replica-sim": ["--model", "--faults", "--seed", "--rate", "--dir"],
    "listen": ["--json"],
    "detect": ["--json", "--mono", "--mask", "--rig", "--rigs-dir", "--overlay",
               "--max-frames"],
    "calibrate": ["--projector", "--rig", "--rigs-dir", "--frames", "--overlay"],
    "calibration-pattern": ["--projector"],
    "check-alignment": ["--rigs-dir", "--tolerance"],
}
FLAGS = {"--json", "--mono"}


@st.composite
def command_lines(draw: st.DrawFn, folder: Path) -> list[str]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    files = [str(folder / "board.png"), str(folder / "tiny.png"), str(folder), "/dev/null",
             str(folder / "none.png")]
    argv = [command]
    if command == "replica-sim":
        argv += ["--seconds", draw(st.sampled_from(["0.05", "0.2", "nan", "0"]))]
    elif command == "listen":
        argv += [draw(st.sampled_from(["loop://", "sim:?rate=50", "sim:?rate=inf",
                                       "sim:?faults=drop:0.5", "sim:?lane=999", "COM999"])),
                 "--seconds", draw(st.sampled_from(["0.2", "-1", "inf"]))]
    elif command in ("detect", "calibrate"):
        argv.append(draw(st.one_of(st.sampled_from(files), SMALL_SYNTHETIC)))
    elif command == "calibration-pattern":
        argv.append(str(folder / draw(st.sampled_from(["p.png", "p.txt", "pnoext", "x/p.png"]))))
    else:
        argv += [draw(st.sampled_from(["r", "no-such", "../r", ""])),
                 draw(st.sampled_from(files[:2]))]
        argv += ["--rigs-dir", str(folder / "rigs")]
    for option in draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=3, unique=True)):
        argv.append(option)
        if option not in FLAGS:
            value = draw(st.sampled_from([*ODD, *files, str(folder / "rigs"), "r", "pistol",
                                          "drop:0.1", "unplug_s:inf"]))
            argv.append(str(folder / value) if value.startswith(("out", "pnoext")) else value)
    return argv


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_hardware_command_line_runs_or_is_refused_in_one_line(
        data: st.DataObject, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = data.draw(command_lines(folder))
    code, captured = run_cli(argv, capsys)
    assert code in (0, 1, 2), (argv, captured)
    event(f"{argv[0]} exit {code}")
    if code == 2:
        errors = [line for line in captured.err.splitlines() if line.startswith("holdfire")]
        assert len(errors) == 1 and captured.err.strip().endswith(errors[0]), (argv, captured)

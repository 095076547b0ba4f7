"""Bad input on the replica side never crashes, hangs or goes unheard: fault numbers and
URL numbers that would pass and then crash are refused naming the item and the range;
a device thread that dies says so in the caller's thread; the firmware runs without I/O."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from hardware.errors import DeviceUrlError, EmulatorError
from hardware.replica.emulator import ReplicaEmulator
from hardware.replica.endpoints import PtyEndpoint, SocketEndpoint
from hardware.replica.faults import Faults
from hardware.replica.firmware import ReplicaFirmware
from hardware.replica.models import Pistol
from hardware.replica.parser import Parser
from hardware.replica.ports import port_for_url
from hardware.replica.protocol import Hello, Trigger
from hardware.replica.schedule import Pull
from hardware.urls import MAX_SEED, number_param, whole_param
from range.cli import main
from tests.builders import refused

FAULT_NUMBERS = ["noise", "corrupt", "drop", "dup", "jitter_ms", "drift_ppm",
                 "unplug_every_s", "unplug_s"]


@pytest.mark.parametrize("name", FAULT_NUMBERS)
@pytest.mark.parametrize("bad", ["inf", "-inf", "nan", "1e309", "1e300", "-1e300"])
def test_a_fault_number_that_is_not_finite_or_in_range_is_refused_naming_it(
        name: str, bad: str) -> None:
    with pytest.raises(DeviceUrlError) as caught:
        Faults.parse(f"{name}:{bad}", "--faults")
    message = str(caught.value)
    assert message.startswith(f"--faults: {name} expected ") and " from " in message
    assert message.endswith(f"found {bad!r}") and "\n" not in message


def test_every_fault_number_has_a_range() -> None:
    from dataclasses import fields

    assert [f.name for f in fields(Faults) if f.name != "reset_on_replug"] == FAULT_NUMBERS


def test_an_unplug_every_few_nanoseconds_is_refused_it_would_flood_the_device_loop() -> None:
    with pytest.raises(DeviceUrlError, match=r"unplug_every_s expected 0 \(never\) or seconds "
                                             r"from 0\.01 to 3600, found '1e-9'"):
        Faults.parse("unplug_every_s:1e-9")
    assert Faults.parse("unplug_every_s:0,unplug_s:0") == Faults(unplug_s=0.0)


@pytest.mark.parametrize(("args", "expected"), [
    (["--seconds", "nan"], "argument --seconds: expected seconds from 0.001 to 604800, "
                           "found 'nan'"),
    (["--seconds", "inf"], "found 'inf'"),
    (["--rate", "inf"], "argument --rate: expected pulls per second from 0 to 100, "
                        "found 'inf'"),
    (["--rate", "nan"], "found 'nan'"),
    (["--rate", "1e6"], "found '1e6'"),
    (["--rate", "-1"], "found '-1'"),
    (["--seed", "-1"], "argument --seed: expected a seed from 0 to 2^63-1, found '-1'"),
    (["--faults", "unplug_s:inf"], "--faults: unplug_s expected seconds from 0 to 3600, "
                                   "found 'inf'"),
    (["--faults", "jitter_ms:nan"], "--faults: jitter_ms expected milliseconds"),
])
def test_replica_sim_refuses_numbers_that_would_crash_or_spin(
        args: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["replica-sim", *args], capsys)
    assert line.startswith("holdfire replica-sim: error: ") and expected in line


def test_listen_refuses_seconds_that_are_not_finite(capsys: pytest.CaptureFixture[str]) -> None:
    assert "found 'nan'" in refused(["listen", "loop://", "--seconds", "nan"], capsys)


@pytest.mark.parametrize(("url", "expected"), [
    ("sim:?rate=inf", "rate expected a number from 0 to 100, found 'inf'"),
    ("sim:?rate=nan", "found 'nan'"),
    ("sim:?seed=-1", "seed expected a whole number from 0 to 9223372036854775807, "
                     "found '-1'"),
    ("sim:?seed=²", "found '²'"),
    ("sim:?lane=256", "lane expected a whole number from 0 to 255, found '256'"),
    ("sim:?faults=drift_ppm:inf", "drift_ppm expected parts per million"),
    ("sim:?id=" + "x" * 40, "HELLO field id"),
])
def test_a_sim_url_with_a_bad_number_or_id_is_refused_before_anything_starts(
        url: str, expected: str) -> None:
    with pytest.raises(DeviceUrlError) as caught:
        port_for_url(url)
    assert str(caught.value).startswith(f"{url}: ") and expected in str(caught.value)


def test_number_and_whole_params_refuse_what_is_not_finite_ascii_and_in_range() -> None:
    def number(text: str) -> float:
        return number_param("u", {"n": text}, "n", 0.0, 0, 10)

    def whole(text: str, maximum: int = 10) -> int:
        return whole_param("u", {"n": text}, "n", 0, 0, maximum)

    assert number("2.5") == 2.5 and whole("7") == 7 and whole(str(MAX_SEED), MAX_SEED) == MAX_SEED
    for bad in ("nan", "inf", "-inf", "11", "-1", "x"):
        with pytest.raises(DeviceUrlError, match=f"u: n expected a number from 0 to 10, "
                                                 f"found '{bad}'"):
            number(bad)
    for bad in ("1.5", "1e1", "²", "٣", "9" * 5000, "11"):
        with pytest.raises(DeviceUrlError, match="u: n expected a whole number from 0 to 10"):
            whole(bad)
    with pytest.raises(DeviceUrlError, match=r"u: n expected a number >= 1, found 'inf'"):
        number_param("u", {"n": "inf"}, "n", 1.0, minimum=1)


# -- a device thread that dies says so -----------------------------------------------------


class FailingReplug(SocketEndpoint):
    """A cable that cannot be plugged back in (the pty pool is exhausted, say)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.plugged = 0

    def plug(self) -> int:
        self.plugged += 1
        if self.plugged > 1:
            raise OSError(24, "Too many open files")
        return super().plug()


def wait_for_failure(emulator: ReplicaEmulator, within_s: float = 20.0) -> EmulatorError:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            emulator.check()
        except EmulatorError as exc:
            return exc
        time.sleep(0.02)
    raise AssertionError("the emulator thread did not fail")


def test_an_error_in_the_emulator_thread_is_raised_by_check_and_on_leaving(
        no_leaked_threads: None) -> None:
    faults = Faults.parse("unplug_every_s:0.05,unplug_s:0.01")
    emulator = ReplicaEmulator(Pistol(), FailingReplug("sim:"), "P1", faults)
    with pytest.raises(EmulatorError) as left, emulator:
        error = wait_for_failure(emulator)
    assert str(error) == ("replica P1: the emulator stopped: OSError: [Errno 24] Too many "
                          "open files")
    assert left.value is error


def fail_replugs(monkeypatch: pytest.MonkeyPatch,
                 endpoint: type[PtyEndpoint] | type[SocketEndpoint]) -> None:
    """Every endpoint of this kind plugs in once; the next plug-in fails."""
    plugs: list[int] = []
    real_plug = endpoint.plug

    def plug(self: PtyEndpoint | SocketEndpoint) -> int:
        plugs.append(1)
        if len(plugs) > 1:
            raise OSError(24, "Too many open files")
        return real_plug(self)  # type: ignore[arg-type]

    monkeypatch.setattr(endpoint, "plug", plug)


def test_replica_sim_exits_2_with_one_line_when_an_emulator_dies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fail_replugs(monkeypatch, PtyEndpoint)
    started = time.monotonic()
    code = main(["replica-sim", "--dir", str(tmp_path), "--seconds", "60", "--faults",
                 "unplug_every_s:0.05,unplug_s:0.01"])
    banner, *rest = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and banner.startswith("faults: unplug_every_s:0.05")
    assert rest == ["holdfire replica-sim: error: replica pistol-1: the emulator stopped: "
                    "OSError: [Errno 24] Too many open files"]  # and no summary after it
    assert time.monotonic() - started < 50  # it stopped at the failure, not at --seconds


def test_listen_on_a_sim_url_exits_2_with_one_line_when_its_emulator_dies(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fail_replugs(monkeypatch, SocketEndpoint)
    line = refused(["listen", "sim:?faults=unplug_every_s:0.05,unplug_s:0.01", "--seconds",
                    "60"], capsys)
    assert line.startswith("holdfire listen: error: replica pistol-sim: the emulator stopped")


def test_auto_fire_refuses_a_rate_the_device_loop_cannot_keep_up_with() -> None:
    emulator = ReplicaEmulator(Pistol(), SocketEndpoint("sim:"), "P1")
    for rate in (float("inf"), float("nan"), 0.0, 1e6):
        with pytest.raises(DeviceUrlError, match="replica P1: auto_fire rate: expected pulls "
                                                 "per second above 0 and at most 100"):
            emulator.auto_fire(rate)
    assert emulator.firmware.next_due_ns() is None  # nothing was scheduled


# -- the firmware without I/O --------------------------------------------------------------


def frames(firmware: ReplicaFirmware) -> list[Any]:
    return [m.type for m in firmware.outbox.frames]


def test_the_firmware_runs_on_times_alone_and_says_when_the_cable_changes() -> None:
    firmware = ReplicaFirmware(Pistol(), "P1", Faults.parse("unplug_every_s:1,unplug_s:0.5"),
                               seed=3, lane=2)
    firmware.boot(0)
    assert firmware.plugged and firmware.plugs == 1
    assert frames(firmware)[0] == "Hello"
    firmware.schedule.at(200_000_000, Pull())
    assert firmware.advance(100_000_000) == []
    assert firmware.advance(999_999_999) == [] and len(firmware.truth) == 1
    assert firmware.truth[0].host_ns == 200_000_000
    assert firmware.advance(1_000_000_000) == ["unplug"] and not firmware.plugged
    assert firmware.advance(1_499_999_999) == []
    assert firmware.advance(1_500_000_000) == ["plug"] and firmware.plugs == 2
    assert frames(firmware)[-1] == "Hello"  # says who it is on every plug-in
    assert firmware.advance(2_000_000_000) == ["unplug"]


def test_the_firmware_answers_a_ping_and_numbers_what_it_sends() -> None:
    from hardware.replica.protocol import Ping, encode

    firmware = ReplicaFirmware(Pistol(), "P1", Faults(), seed=0)
    firmware.boot(0)
    firmware.receive(encode(Ping(1, 77)), 5_000_000)
    firmware.advance(5_000_000)
    sent = firmware.outbox.frames
    assert [f.seq for f in sent] == list(range(len(sent)))
    assert sent[-1].type == "Pong"


def test_a_replica_id_no_hello_can_carry_is_refused_when_the_firmware_is_made() -> None:
    from hardware.replica.protocol import ProtocolError

    with pytest.raises(ProtocolError, match="HELLO field id"):
        ReplicaFirmware(Pistol(), "no spaces", Faults(), seed=0)
    with pytest.raises(ProtocolError, match="HELLO field lane"):
        ReplicaFirmware(Pistol(), "P1", Faults(), seed=0, lane=256)


def test_no_class_of_the_emulator_is_over_200_lines() -> None:
    import ast
    import inspect

    import hardware.replica.emulator as emulator
    import hardware.replica.firmware as firmware

    for module in (emulator, firmware):
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                assert node.end_lineno is not None
                assert node.end_lineno - node.lineno < 200, (module.__name__, node.name)


def test_hello_and_trigger_decode_from_the_firmware_frames() -> None:
    """The split kept the wire the same: what the firmware queues decodes as sent."""
    firmware = ReplicaFirmware(Pistol(), "P1", Faults(), seed=0, lane=4)
    firmware.boot(0)
    firmware.schedule.at(1_000, Pull())
    firmware.advance(10_000_000)
    read, write = os.pipe()
    try:
        firmware.outbox.flush(write)
        messages = Parser().feed(os.read(read, 65536))
    finally:
        os.close(read)
        os.close(write)
    assert isinstance(messages[0], Hello) and messages[0].lane == 4
    assert any(isinstance(m, Trigger) for m in messages)

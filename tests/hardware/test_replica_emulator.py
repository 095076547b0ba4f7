"""Replica models and seeded faults of the emulator (no threads), plus the emulator on a pty."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hardware.errors import DeviceUrlError
from hardware.replica.emulator import ReplicaEmulator
from hardware.replica.endpoints import PtyEndpoint
from hardware.replica.faults import FaultInjector, Faults
from hardware.replica.models import ARC_CYCLE_US, X26, Delayed, Output, Pistol, Taser7, Taser10
from hardware.replica.parser import Parser
from hardware.replica.protocol import (
    Arc,
    Cartridge,
    DeviceMessage,
    Hello,
    Lockout,
    Magazine,
    Malfunction,
    Ping,
    Pong,
    Recoil,
    Trigger,
    encode,
)

pytestmark = pytest.mark.usefixtures("no_leaked_threads")

# -- faults ---------------------------------------------------------------------------------


def test_fault_specs_parse_and_bad_ones_name_the_item() -> None:
    faults = Faults.parse("corrupt:0.01, drop:0.005,jitter_ms:5,drift_ppm:-40,reset_on_replug:1")
    assert faults == Faults(corrupt=0.01, drop=0.005, jitter_ms=5, drift_ppm=-40,
                            reset_on_replug=True)
    assert Faults.parse("") == Faults() and Faults().describe() == "none"
    assert faults.describe() == ("corrupt:0.01,drop:0.005,jitter_ms:5.0,drift_ppm:-40.0,"
                                 "reset_on_replug:True")
    with pytest.raises(DeviceUrlError, match=r"--faults: expected name:value .* found 'loss:1'"):
        Faults.parse("loss:1", "--faults")
    with pytest.raises(DeviceUrlError, match="jitter_ms expected milliseconds from 0 to 10000, "
                       "found 'lots'"):
        Faults.parse("jitter_ms:lots")
    with pytest.raises(DeviceUrlError, match="jitter_ms expected milliseconds from 0 to 10000, "
                       "found '-1'"):
        Faults.parse("jitter_ms:-1")


def fates(seed: int, faults: Faults, count: int = 4000) -> list[tuple[list[bytes], str]]:
    injector = FaultInjector(faults, np.random.default_rng(seed))
    return [injector.apply(encode(Trigger(i, i, i + 1))) for i in range(count)]


def test_same_seed_same_fault_pattern_and_rates_as_asked() -> None:
    faults = Faults(noise=0.05, corrupt=0.01, drop=0.005, dup=0.02)
    first, again, other = fates(4, faults), fates(4, faults), fates(5, faults)
    assert first == again and first != other
    counts = {fate: sum(1 for _, f in first if f == fate) for fate in ("dropped", "corrupted")}
    assert 5 <= counts["dropped"] <= 40 and 20 <= counts["corrupted"] <= 70


def test_a_corrupted_frame_never_decodes_as_the_original() -> None:
    parser = Parser()
    for chunks, fate in fates(6, Faults(corrupt=1.0), count=2000):
        assert fate == "corrupted"
        parser.feed(b"".join(chunks))
    assert parser.stats.frames == 0  # CRC-16 catches every single-byte change


# -- models ---------------------------------------------------------------------------------


def messages(output: Output) -> list[DeviceMessage]:
    return [m.message if isinstance(m, Delayed) else m for m in output]


def test_pistol_counts_rounds_and_reloads_when_empty() -> None:
    pistol = Pistol()
    assert Magazine(0, 0, "in", 15) in messages(pistol.startup(0))
    for _ in range(15):
        out = pistol.pull(10)
    assert out == [Trigger(0, 10, 15), Magazine(0, 10, "in", 0)]
    click = messages(pistol.pull(20))
    assert click[0] == Trigger(0, 20, 16, fired=False)
    assert click[1:] == [Magazine(0, 20 + 800_000, "out", 0),
                         Magazine(0, 20 + 1_600_000, "in", 15)]


def test_pistol_jam_holds_until_reload_and_misfire_is_one_pull() -> None:
    pistol = Pistol()
    assert pistol.command(Malfunction(0, "misfire"))
    assert pistol.pull(1)[0] == Trigger(0, 1, 1, fired=False)
    assert pistol.pull(2)[0] == Trigger(0, 2, 2)
    pistol.command(Malfunction(0, "jam"))
    assert [pistol.pull(t)[0].fired for t in (3, 4)] == [False, False]  # type: ignore[union-attr]
    pistol.reload(5)
    assert pistol.pull(6)[0] == Trigger(0, 6, 5)
    assert pistol.command(Recoil(0, 30)) is True


def test_x26_fires_one_cartridge_and_arcs_for_a_5s_cycle() -> None:
    x26 = X26()
    out = x26.pull(100)
    assert out[:3] == [Trigger(0, 100, 1), Cartridge(0, 100, 1, "std", "fired"), Arc(0, 100, True)]
    assert out[3] == Delayed(ARC_CYCLE_US, Arc(0, 100 + ARC_CYCLE_US, False))
    spent = messages(x26.pull(200))
    assert spent[0] == Trigger(0, 200, 2, fired=False)  # drive stun: arcs, no probes
    assert Cartridge(0, 200, 1, "std", "loaded") in spent
    assert x26.command(Recoil(0, 30)) is False


def test_taser7_fires_bay_1_then_bay_2_and_reports_duds() -> None:
    taser = Taser7()
    first, second = taser.pull(1), taser.pull(2)
    assert first[:2] == [Trigger(0, 1, 1, bay=1), Cartridge(0, 1, 1, "cq", "fired")]
    assert second[:2] == [Trigger(0, 2, 2, bay=2), Cartridge(0, 2, 2, "so", "fired")]
    assert taser.pull(3)[0] == Trigger(0, 3, 3, fired=False)  # both spent; officer reloads
    taser.command(Malfunction(0, "dud"))
    dud = taser.pull(4)
    assert dud[:2] == [Trigger(0, 4, 4, bay=1, fired=False), Cartridge(0, 4, 1, "cq", "dud")]


def test_taser10_one_probe_per_pull_from_a_magazine_of_ten() -> None:
    taser = Taser10()
    outs = [taser.pull(t) for t in range(10)]
    assert all(o[0].fired for o in outs)  # type: ignore[union-attr]
    assert [o[1] for o in outs][-1] == Magazine(0, 9, "in", 0)
    assert taser.pull(10)[0] == Trigger(0, 10, 11, fired=False)
    taser.command(Lockout(0, True))
    assert taser.pull(11)[0] == Trigger(0, 11, 12, fired=False)


# -- the emulator on a pty, read raw ------------------------------------------------------


def read_frames(fd: int, parser: Parser, until, timeout_s: float = 5.0) -> list[Any]:
    got: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            got += parser.feed(os.read(fd, 4096))
            if until(got):
                return got
    raise AssertionError(f"timed out; got {got[-3:]}")


def test_the_emulator_speaks_on_a_pty_and_answers_pings(tmp_path: Path) -> None:
    with ReplicaEmulator(Pistol(), PtyEndpoint(tmp_path / "p"), "P7", seed=1) as emu:
        assert os.path.realpath(emu.device_path).startswith("/dev/pts/")
        fd = os.open(emu.device_path, os.O_RDWR | os.O_NOCTTY)
        try:
            parser = Parser()
            got = read_frames(fd, parser, lambda g: any(isinstance(m, Hello) for m in g))
            sent_at = time.monotonic_ns()
            os.write(fd, encode(Ping(1, 99)))
            got = read_frames(fd, parser, lambda g: any(isinstance(m, Pong) for m in g))
        finally:
            os.close(fd)
    pong = next(m for m in got if isinstance(m, Pong))
    assert pong.token == 99
    assert abs(pong.device_us - emu.device_us(sent_at)) < 500_000


def test_the_emulator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    def run(seed: int) -> list[str]:
        faults = Faults(corrupt=0.2, drop=0.2, dup=0.2)
        emu = ReplicaEmulator(Pistol(), PtyEndpoint(tmp_path / f"d{seed}"), "D", faults, seed)
        with emu:
            emu.schedule_pulls([emu.clock.now_ns() + i * 1_000_000 for i in range(40)])
            deadline = time.monotonic() + 10
            while len(emu.truth) < 40 and time.monotonic() < deadline:
                time.sleep(0.01)
        return [f"{f.type}:{f.fate}:{f.copies}" for f in emu.frames[:60]]

    assert run(3) == run(3) != run(4)

"""The console's live loop: each run the range master starts is `range.run.loop.run_live`
on the trainee's view, with a display that also reports every frame to the console and
takes the console's commands (branch buttons, pause, stop) between frames, as it takes
the mouse and keys. It runs on the main thread (the trainee's window needs it); the web
app serves the console from another.

A pause holds the loop where it is: the world steps to the clock, so a real clock is
wrapped in one that stands still while paused. Headless, a `ManualClock` advances a
frame a turn and a pacer keeps those turns to the wall clock (tests drive it by hand)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from hardware.clock import Clock, ManualClock
from range.cli.run_commands import _rig as make_rig
from range.errors import HoldfireError
from range.run.events import Event, InputSource, OperatorAction
from range.run.live import LiveSession
from range.run.log_writer import EventLogWriter
from range.run.loop import Display, FrameStats, Key, OperatorInput, ScriptedOperator, run_live
from range.run.provenance import provenance
from range.scenario.catalogue import load_inputs_arg
from range.station.console import Command, Console, RunRequest
from range.station.rigstatus import RigWatch
from range.world.engine import STEP_S
from range.world.snapshot import WorldSnapshot

FRAME_HZ = 60


class Pacer(Protocol):
    def wait(self, sim_ns: int) -> None:
        """Hold the loop until `sim_ns` of session time is due to be shown."""


class WallPacer:
    """Keeps a headless run to the wall clock, `speed` times as fast."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._origin: float | None = None
        self._paused_s = 0.0

    def wait(self, sim_ns: int) -> None:
        now = time.monotonic()
        if self._origin is None:
            self._origin = now - sim_ns / 1e9 / self.speed
        ahead = self._origin + self._paused_s + sim_ns / 1e9 / self.speed - now
        if ahead > 0:
            time.sleep(ahead)

    def paused_for(self, seconds: float) -> None:
        self._paused_s += seconds


class StepPacer:
    """A pacer a test releases frame by frame: nothing waits on the wall clock."""

    def __init__(self) -> None:
        self._allowed = 0
        self._shown = 0
        self._lock = threading.Condition()

    def wait(self, sim_ns: int) -> None:
        with self._lock:
            self._lock.wait_for(lambda: self._shown < self._allowed)
            self._shown += 1
            self._lock.notify_all()

    def release(self, frames: int) -> None:
        with self._lock:
            self._allowed += frames
            self._lock.notify_all()

    def shown(self, frames: int, timeout_s: float = 30.0) -> bool:
        """Wait until `frames` frames have been shown in all."""
        with self._lock:
            return self._lock.wait_for(lambda: self._shown >= frames, timeout_s)

    def paused_for(self, seconds: float) -> None:
        pass


class PausableClock:
    """A real clock that stands still while paused, so the world waits for the console."""

    def __init__(self, inner: Clock) -> None:
        self._inner = inner
        self._held_ns = 0
        self._since: int | None = None

    def now_ns(self) -> int:
        now = self._inner.now_ns() if self._since is None else self._since
        return now - self._held_ns

    def pause(self) -> None:
        if self._since is None:
            self._since = self._inner.now_ns()

    def resume(self) -> None:
        if self._since is not None:
            self._held_ns += self._inner.now_ns() - self._since
            self._since = None


class ConsoleDisplay:
    """The trainee's view (or none, headless) with the console looking on."""

    def __init__(self, console: Console, session: LiveSession, clock: Clock,
                 inner: Display | None, pacer: Any = None, rig: Any = None,
                 watch: RigWatch | None = None) -> None:
        self.rig = rig
        self.watch = watch
        self.console = console
        self.session = session
        self.clock = clock
        self.inner = inner
        self.pacer = pacer
        self.stats = FrameStats(round(1e9 / FRAME_HZ))

    def show(self, snapshot: WorldSnapshot) -> int:
        if self.pacer is not None:
            self.pacer.wait(self.clock.now_ns() - self.session.start_ns)
        flip_ns = self.inner.show(snapshot) if self.inner is not None else self.clock.now_ns()
        self.console.shown(snapshot)
        self.stats.flipped(flip_ns)
        if self.stats.shown % FRAME_HZ == 1:  # the console's rig figures, once a second
            self.report()
        return flip_ns

    def report(self) -> None:
        rig: dict[str, Any] = {"kind": "mouse"}
        if self.watch is not None and self.rig is not None:
            for url, counters in self.rig.link_counters().items():
                self.watch.counters(url, counters)
            camera = getattr(self.rig, "camera", None)
            if camera is not None:
                self.watch.camera = {"fps": round(float(camera.fps), 1),
                                     "dropped": int(getattr(self.rig, "frames_dropped", 0))}
            rig = self.watch.to_dict()
        self.console.report_rig(frame_report(self.stats), rig)

    def pixels(self, size: tuple[int, int] | None = None) -> Any:
        return self.inner.pixels(size) if self.inner is not None else None  # type: ignore[attr-defined]

    def inputs(self) -> list[OperatorInput]:
        found = self.inner.inputs() if self.inner is not None else []
        if self.console.closed:  # the station is shutting down: end the run, keep its log
            return [Key(self.clock.now_ns(), stop=True, operator="the station's shutdown")]
        for command in self.console.commands():
            found += self._take(command)
        return found

    def _take(self, command: Command) -> list[OperatorInput]:
        now = self.clock.now_ns()
        if command.action == "replica":
            self._replica(command, now)
            return []
        if command.action == "stop":
            return [Key(now, stop=True)]
        if command.action == "branch":
            self._note(command, "branch", command.key, screen_tick=command.screen_tick)
            return [Key(now, branch=command.key, operator=command.operator)]
        if command.action == "pause":
            return self._hold(command)
        return []

    def _replica(self, command: Command, now_ns: int) -> None:
        """A replica command, sent on its link and kept in the log."""
        from hardware.replica.protocol import Lockout, Malfunction, Recoil

        if self.rig is None:
            return
        name, _, value = command.detail.partition(":")
        message = (Lockout(0, name == "lock") if name in ("lock", "unlock")
                   else Malfunction(0, value) if name == "malfunction"
                   else Recoil(0, int(value)))
        self.rig.command(command.replica, message, now_ns)
        who = self.watch.replicas.get(command.replica) if self.watch is not None else None
        self._note(command, name, who.replica_id if who and who.replica_id else command.replica,
                   detail=value)

    def _hold(self, command: Command) -> list[OperatorInput]:
        """Paused: wait here for resume or stop; the trainee's clicks meanwhile go nowhere."""
        self._note(command, "pause")
        self.console.paused(True)
        if isinstance(self.clock, PausableClock):
            self.clock.pause()
        began = time.monotonic()
        while True:
            if self.inner is not None:
                self.inner.inputs()
            taken = self.console.commands()
            done = next((c for c in taken if c.action == "stop"),
                        next((c for c in taken if c.action == "resume"), None))
            if done is not None or self.console.closed:
                self.console.requeue([c for c in taken if c.action not in ("resume", "stop")])
                break
            time.sleep(0.02)
        if isinstance(self.clock, PausableClock):
            self.clock.resume()
        if self.pacer is not None:
            self.pacer.paused_for(time.monotonic() - began)
        self.console.paused(False)
        if done is None or done.action == "stop":
            return [Key(self.clock.now_ns(), stop=True)]
        self._note(done, "resume")
        return []

    def _note(self, command: Command, action: Any, subject: str = "",
              screen_tick: int | None = None, detail: str = "") -> None:
        world = self.session.world
        world.note(OperatorAction(tick=world.tick, operator=command.operator, action=action,
                                  subject=subject, detail=detail, screen_tick=screen_tick))


@dataclass
class RunnerSetup:
    """How the console's runs are made: where their logs go, their clock, their view."""

    sessions: Path
    headless: bool = True
    pacer: Any = None  # headless: a WallPacer or a StepPacer; None runs at full speed
    window: Callable[[Any, Clock], Display] | None = None  # (scenario, clock) -> view
    rig: str = "mouse"  # as `holdfire run --rig` takes it
    inputs: str | None = None  # an inputs script played as the trainee (demos, tests)
    frame_hz: int = FRAME_HZ


def serve_runs(console: Console, setup: RunnerSetup) -> None:
    """Run what the console asks, one run at a time, until it is closed."""
    while not console.closed:
        request = console.next_request(timeout_s=0.5)
        if request is None:
            continue
        try:
            run_one(console, setup, request)
        except HoldfireError as exc:  # said on the console; the station goes on
            console.failed(str(exc))


def log_path(sessions: Path, request: RunRequest, when: datetime | None = None) -> Path:
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    name = f"{request.choice.name}-{stamp}-seed{request.seed}"
    path = sessions / f"{name}.jsonl"
    number = 1
    while path.exists() or path.with_name(path.name + ".partial").exists():
        number += 1
        path = sessions / f"{name}-{number}.jsonl"
    return path


def run_one(console: Console, setup: RunnerSetup, request: RunRequest) -> Path:
    from hardware.clock import MonotonicClock

    scenario = request.choice.scenario
    clock: Clock = (ManualClock(time.monotonic_ns()) if setup.headless
                    else PausableClock(MonotonicClock()))
    path = log_path(setup.sessions, request)
    script = (load_inputs_arg(setup.inputs, scenario, None) if setup.inputs is not None
              else None)
    source: InputSource = "rig" if setup.rig != "mouse" else "script" if script else "mouse"
    origin = provenance(scenario, source, clock.now_ns(), inputs=script,
                        policy=request.choice.policy)
    with EventLogWriter(path) as log:
        def sink(event: Event) -> None:
            log.write(event)
            console.took(event)

        console.began(request, STEP_S, None)
        inner = setup.window(scenario, clock) if setup.window is not None else None
        aligned, camera_delay_ns = None, 0
        if setup.rig not in ("mouse", "sim"):  # before the session's clock starts
            from range.run.rig import check_rig_alignment, measure_rig_delay

            show = getattr(inner, "show_picture", None)
            aligned = check_rig_alignment(setup.rig, show or (lambda picture: None))
            delay_line = "camera delay: NOT MEASURED (no projector window)"
            if show is not None:
                delay_line, camera_delay_ns = measure_rig_delay(setup.rig, show)
            aligned = f"{aligned}; {delay_line}"
        session = LiveSession(scenario, request.seed, clock, sink=sink, provenance=origin)
        session.world.note(OperatorAction(tick=0, operator=request.operator, action="trainee",
                                          subject=request.trainee, detail=request.badge))
        rig, watch = None, None
        try:
            rig = make_rig(setup.rig, scenario, session.start_ns, request.seed,
                           threaded=not isinstance(clock, ManualClock),
                           officers=session.squad, camera_delay_ns=camera_delay_ns)
            if rig is not None:
                watch = RigWatch(setup.rig if setup.rig in ("sim", "mouse") else "connected")
                watch.alignment = aligned or alignment_note(setup.rig)
                rig.on_link = watch.link_event
            display = ConsoleDisplay(console, session, clock, inner,
                                     setup.pacer if setup.headless else None, rig, watch)
            trainee = [ScriptedOperator(script.input, session.start_ns)] if script else []
            run_live(session, display, clock, round(1e9 / setup.frame_hz), trainee,
                     operator=request.operator, rig=rig)
            display.report()
        finally:
            if rig is not None:
                rig.close()
            if inner is not None:
                inner.close()  # type: ignore[attr-defined]
    console.finished(path)
    return path


def alignment_note(spec: str) -> str:
    if spec == "sim":
        return "simulated rig: calibrated on the projected board at the start of the run"
    if spec == "mouse":
        return ""
    return ("not checked in this run: run holdfire check-alignment, since a camera that "
            "moved misplaces every shot")


def frame_report(stats: FrameStats) -> dict[str, Any]:
    return {"shown": stats.shown, "dropped": stats.dropped,
            "worst_interval_ms": round(stats.worst_ns / 1e6, 3)}

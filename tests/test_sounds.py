"""Sounds: every voice line the shipped scenarios name is shipped as a WAV made offline
and listed with its licence; a session plays each shot and line as its frame is shown."""

from __future__ import annotations

import wave

from assets.make_sounds import voice_lines
from assets.voices import EFFECTS, voice_file
from hardware.clock import ManualClock
from range.run.live import LiveSession
from range.run.loop import Key, run_live
from range.scenario.catalogue import load_scenario_arg, shipped_names
from range.views.audio import Sounds
from tests.conftest import REPO_ROOT

ASSETS = REPO_ROOT / "assets"


def test_every_voice_line_and_effect_is_a_short_mono_wav_listed_with_its_licence() -> None:
    licences = (ASSETS / "LICENSES.md").read_text()
    files = [voice_file(line) for line in voice_lines()]
    files += [f"sounds/{name}.wav" for name in EFFECTS]
    assert len(files) >= 10
    for name in files:
        with wave.open(str(ASSETS / name)) as sound:
            seconds = sound.getnframes() / sound.getframerate()
            assert (sound.getnchannels(), sound.getframerate()) == (1, 22050), name
            assert 0.3 <= seconds <= 6.0, (name, seconds)
        assert f"`{name}`" in licences, name
    shipped = {p.relative_to(ASSETS).as_posix() for p in ASSETS.rglob("*.wav")}
    assert shipped == set(files)  # no stray asset, none missing


def test_the_lines_come_from_the_shipped_scenarios() -> None:
    said = {state.say for name in shipped_names()
            for actor in load_scenario_arg(name)[0].actors for state in actor.states.values()
            if state.say}
    assert said == set(voice_lines())
    assert "It's just my phone!" in said


class Silent:
    """A display that plays sound but draws nothing, with a stop after some turns."""

    def __init__(self, clock: ManualClock, sounds: Sounds, turns: int) -> None:
        self.clock, self.sounds, self.turns = clock, sounds, turns

    def show(self, snapshot):
        self.sounds.update(snapshot)
        return self.clock.now_ns()

    def inputs(self):
        self.turns -= 1
        return [Key(self.clock.now_ns(), command="show-hands")] if self.turns == 200 else []


def test_a_session_plays_each_line_as_its_speaker_enters_the_state() -> None:
    scenario, _ = load_scenario_arg("phone-not-gun")
    clock = ManualClock(10**9)
    sounds = Sounds(scenario, enabled=False)  # the cues, without a device
    session = LiveSession(scenario, 0, clock)
    run_live(session, Silent(clock, sounds, 400), clock, 16_666_667)
    lines = {state: s.say for state, s in scenario.actors[0].states.items() if s.say}
    # argues from the start, reaches at 2 s, holds the phone at 2.8 s; "show hands" at
    # turn 200 (3.3 s): he puts his hands up.
    assert sounds.played == [voice_file(lines["arguing"]), voice_file(lines["holding-phone"]),
                             voice_file(lines["hands-up"])]


def test_shots_are_heard_through_the_mixer_as_they_are_fired() -> None:
    from range.run.loop import ScriptedOperator
    from range.scenario.catalogue import load_inputs_arg

    scenario, _ = load_scenario_arg("phone-not-gun")
    script = load_inputs_arg("poor", scenario, None)
    clock = ManualClock(10**9)
    sounds = Sounds(scenario)  # the dummy audio driver: a mixer that plays to nothing
    session = LiveSession(scenario, 0, clock)
    run_live(session, Silent(clock, sounds, 10**6), clock, 16_666_667,
             [ScriptedOperator(script.input, session.start_ns)])
    shots = sum(1 for item in script.input if item.fire)
    assert sounds.played.count("sounds/pistol.wav") == shots >= 2
    assert set(sounds._cache) >= {"sounds/pistol.wav"}  # loaded from the installed assets

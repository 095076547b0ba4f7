"""A named regression test for each cause of bad input that once crashed, hung or
misled the scenario side: each is now refused with one line naming the place."""

from __future__ import annotations

import json

import pytest

from range.errors import EventLogError, ScenarioError
from range.run.codec import read_log
from range.scenario.catalogue import load_scenario_arg, shipped_source
from range.scenario.inputs import parse_inputs
from range.scenario.model import parse_scenario
from range.scenario.validation import parse_toml

CRISIS = shipped_source("crisis-knife")[0]
KNIFE = shipped_source("knife-charge")[0]


def refusal(text: str, source: str = "bad.toml") -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(source)
    return message


@pytest.mark.parametrize("weight", ["inf", "1e308", "nan", "-1"])
def test_choose_weights_that_would_crash_the_draw_are_refused(weight: str) -> None:
    text = CRISIS.replace("dropping = 0.9", f"dropping = {weight}")
    assert "choose.dropping: expected" in refusal(text)


def test_a_choose_weight_bound_is_not_stated_in_si_units() -> None:
    message = refusal(CRISIS.replace("dropping = 0.9", "dropping = 1e308"))
    assert message.endswith("expected a value <= 1000000.0, found 1e+308")


@pytest.mark.parametrize("key", ["screen_width", "screen_height"])
def test_a_zero_screen_size_is_refused(key: str) -> None:
    text = KNIFE.replace("[officer]", f"[rig]\n{key} = 0\n\n[officer]", 1) \
        if "[officer]" in KNIFE else KNIFE + f"\n[rig]\n{key} = 0\n"
    assert f"rig.{key}: expected a value >= 0.1 m, found 0" in refusal(text)


def test_script_points_of_nan_are_refused_not_logged() -> None:
    scenario, _ = load_scenario_arg("knife-charge")
    text = ('schema_version = 1\nscenario = "knife-charge"\n[[input]]\nat = "1 s"\n'
            'fire = "pistol"\npoint = [nan, nan]\n')
    with pytest.raises(ScenarioError) as caught:
        parse_inputs(text, "nan.toml", scenario)
    assert str(caught.value).startswith("nan.toml: input[0].point[0]: expected a finite number")


def test_a_branch_key_error_says_the_pattern_it_enforces() -> None:
    message = refusal(CRISIS.replace('branch = "1"', 'branch = "12"', 1))
    assert message.endswith("expected one letter or digit, found '12'")


def test_key_paths_carry_no_internal_type_names() -> None:
    message = refusal(CRISIS.replace("{ command = \"drop-weapon\", choose",
                                     "{ hit = [\"hed\"], choose", 1))
    assert "hit[0]: expected 'head'" in message
    assert "list[" not in message and "literal" not in message


def test_a_very_long_value_is_cut_in_the_message() -> None:
    message = refusal(KNIFE.replace('title = "Knife charge from 30 ft"',
                                    f"title = {['x' * 100_000]}", 1))
    assert len(message) < 300 and message.endswith("... (100004 characters)")


def test_toml_nested_too_deep_for_python_is_one_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_toml("a = " + "[" * 5000 + "]" * 5000, "deep.toml")
    assert str(caught.value) == ("deep.toml: expected TOML nested a few levels deep, found it "
                                 "nested deeper than Python can read")


START = {"type": "scenario_started", "tick": 0, "t": 0.0, "scenario": "s", "title": "t",
         "seed": 0, "step_s": 1 / 240, "policy": "default", "actors": {}}


@pytest.mark.parametrize(("change", "expected"), [
    ({"policy": None}, "policy: input should be a valid string"),
    ({"seed": "7"}, "seed: input should be a valid integer"),
    ({"actors": {"a": "villain"}}, "actors.a: input should be 'subject' or 'bystander'"),
])
def test_a_start_event_with_a_wrong_field_is_named(change: dict[str, object],
                                                   expected: str) -> None:
    with pytest.raises(EventLogError) as caught:
        list(read_log([json.dumps({**START, **change})], "run.jsonl"))
    assert str(caught.value).startswith(f"run.jsonl:1: scenario_started: {expected}")


def test_an_unknown_force_option_in_a_log_is_named() -> None:
    line = json.dumps({"type": "shot_fired", "tick": 3, "shot": 1, "weapon": "pistol",
                       "force": "harsh words", "point": None})
    with pytest.raises(EventLogError) as caught:
        list(read_log([json.dumps(START), line], "run.jsonl"))
    assert str(caught.value).startswith("run.jsonl:2: shot_fired: force: input should be")


def test_deep_json_in_a_log_is_one_line() -> None:
    with pytest.raises(EventLogError) as caught:
        list(read_log(["[" * 100_000 + "]" * 100_000], "run.jsonl"))
    assert str(caught.value).startswith("run.jsonl:1: expected a JSON event object")

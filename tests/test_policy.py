"""Policy tables: the shipped examples, and errors that name the place and suggest a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from range.errors import ScenarioError
from range.scenario.catalogue import shipped_names
from range.scenario.policy import load_policy, parse_policy, shipped_policy
from range.vocabulary import ThreatLevel

MINIMAL = """
schema_version = 1
title = "Test table"
[levels.compliant]
expected = ["verbal"]
[levels.passive_resistance]
expected = ["verbal"]
[levels.active_aggression]
expected = ["verbal", "taser"]
note = "TASER allowed"
[levels.deadly_force]
expected = ["taser", "firearm"]
"""


def error_of(text: str, source: str = "agency/table.toml") -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_policy(text, source)
    return str(caught.value)


def test_shipped_policies_load_by_name() -> None:
    assert shipped_names("policies") == ["default", "restrictive"]
    default = shipped_policy("default")
    assert default.name == "default"
    assert default.source == "scenarios/policies/default.toml"
    assert default.expects(ThreatLevel.PASSIVE_RESISTANCE) == ("verbal",)
    assert default.expects(ThreatLevel.ACTIVE_AGGRESSION) == ("verbal", "taser")
    assert default.expects(ThreatLevel.DEADLY_FORCE) == ("taser", "firearm")
    assert shipped_policy("restrictive").expects(ThreatLevel.ACTIVE_AGGRESSION) == ("verbal",)


def test_shipped_reference_figures() -> None:
    default = shipped_policy("default")
    assert [f.key for f in default.reference] == [
        "simple_reaction", "taser_to_firearm", "firearm_to_taser", "stop_shooting"]
    transition = default.figure("taser_to_firearm")
    assert transition is not None and transition.mean_s == 2.49
    assert transition.text == "2.490 s mean"
    stop = default.figure("stop_shooting")
    assert stop is not None and stop.range_s == (0.2, 1.5)
    assert stop.text == "0.200-1.500 s"


def test_minimal_table_without_reference() -> None:
    policy = parse_policy(MINIMAL, "agency/table.toml")
    assert policy.name == "table"  # the file stem
    assert policy.title == "Test table"
    assert policy.note(ThreatLevel.ACTIVE_AGGRESSION) == "TASER allowed"
    assert policy.note(ThreatLevel.DEADLY_FORCE) == ""
    assert policy.reference == ()
    assert policy.figure("simple_reaction") is None
    assert parse_policy(MINIMAL, "<test>", name="county").name == "county"


def test_misspelt_level_names_the_key_and_suggests() -> None:
    message = error_of(MINIMAL.replace("[levels.deadly_force]", "[levels.dedly_force]"))
    assert message.startswith("agency/table.toml: levels.dedly_force: ")
    assert "found unknown key 'dedly_force' (did you mean 'deadly_force'?)" in message


def test_misspelt_force_option_suggests_the_option() -> None:
    message = error_of(MINIMAL.replace('["taser", "firearm"]', '["taser", "fireram"]'))
    assert message == ("agency/table.toml: levels.deadly_force.expected[1]: expected 'verbal', "
                       "'taser' or 'firearm', found 'fireram' (did you mean 'firearm'?)")


def test_misspelt_field_suggests_the_field() -> None:
    message = error_of(MINIMAL.replace('expected = ["verbal", "taser"]',
                                       'expect = ["verbal", "taser"]'))
    assert "levels.active_aggression.expect: " in message
    assert "(did you mean 'expected'?)" in message


def test_missing_level_says_so() -> None:
    text = MINIMAL.split("[levels.deadly_force]")[0]
    assert error_of(text) == ("agency/table.toml: levels.deadly_force: expected a value "
                              "(the key is required), found no such key")


def test_repeated_option_and_empty_list() -> None:
    repeated = error_of(MINIMAL.replace('["taser", "firearm"]', '["taser", "taser"]'))
    assert repeated == ("agency/table.toml: levels.deadly_force.expected: expected each force "
                        "option once, found ['taser'] repeated")
    empty = error_of(MINIMAL.replace('["taser", "firearm"]', "[]"))
    assert empty.startswith("agency/table.toml: levels.deadly_force.expected: expected ")


def test_reference_figure_checks() -> None:
    both = error_of(MINIMAL + "[reference.stop_shooting]\nmean_s = 0.5\nrange_s = [0.2, 1.5]\n")
    assert both == ("agency/table.toml: reference.stop_shooting: expected either mean_s or "
                    "range_s = [low, high], found both")
    reversed_range = error_of(MINIMAL + "[reference.stop_shooting]\nrange_s = [1.5, 0.2]\n")
    assert reversed_range.endswith("expected range_s as [low, high], found [1.5, 0.2]")
    text_number = error_of(MINIMAL + '[reference.simple_reaction]\nmean_s = "0.31"\n')
    assert text_number == ("agency/table.toml: reference.simple_reaction.mean_s: expected a "
                           "number, found '0.31'")
    unknown = error_of(MINIMAL + "[reference.stop_shootin]\nrange_s = [0.2, 1.5]\n")
    assert "(did you mean 'stop_shooting'?)" in unknown


def test_toml_syntax_error_names_the_file() -> None:
    assert error_of("title = ", "x.toml").startswith("x.toml: expected TOML, found a syntax error")


def test_unknown_shipped_name_suggests() -> None:
    with pytest.raises(ScenarioError, match=r"found 'defualt' \(did you mean 'default'\?\)"):
        shipped_policy("defualt")


def test_load_policy_from_a_file_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "county.toml").write_text(MINIMAL, encoding="utf-8")
    policy = load_policy("county.toml", base=tmp_path)
    assert policy.name == "county"
    assert policy.source == str(tmp_path / "county.toml")
    assert load_policy("restrictive").name == "restrictive"
    with pytest.raises(ScenarioError,
                       match=r"missing\.toml: expected a TOML file, found no such file"):
        load_policy("missing.toml", base=tmp_path)

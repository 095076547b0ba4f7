"""Agency use-of-force policy tables: TOML text -> a validated, frozen `Policy`.

A policy says which force options (verbal, taser, firearm) the agency expects at each
threat level, with an optional note in the agency's own words, and may carry reference
figures (human timing from research) that the debrief shows beside measured times for
context. The analysis compares what the officer did against this table and words the
result as a debrief indicator, never a verdict.

Format (see scenarios/policies/default.toml for a full example):

    schema_version = 1
    title = "..."
    [levels.active_aggression]
    expected = ["verbal", "taser"]
    note = "..."                      # optional
    [reference.taser_to_firearm]      # optional: simple_reaction, taser_to_firearm,
    mean_s = 2.49                     #   firearm_to_taser, stop_shooting
    source = "..."                    # give mean_s or range_s = [low, high], not both

Parsing does no I/O; `read_policy`, `shipped_policy` and `load_policy` are the thin edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator, model_validator

from range.scenario.validation import SchemaVersion, Strict, parse_model, read_text
from range.vocabulary import ForceOption, ThreatLevel

REFERENCE_LABELS: dict[str, str] = {
    "simple_reaction": "simple reaction",
    "taser_to_firearm": "TASER to firearm transition",
    "firearm_to_taser": "firearm to TASER transition",
    "stop_shooting": "stop-shooting latency",
}


Seconds = Annotated[float, Field(gt=0, le=60)]


class _Strict(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class _Level(_Strict):
    expected: Annotated[list[ForceOption], Field(min_length=1)]
    note: str = ""

    @field_validator("expected")
    @classmethod
    def _no_repeats(cls, value: list[ForceOption]) -> list[ForceOption]:
        repeated = sorted({o for o in value if value.count(o) > 1})
        if repeated:
            raise ValueError(f"expected each force option once, found {repeated} repeated")
        return value


class _Levels(_Strict):
    compliant: _Level
    passive_resistance: _Level
    active_aggression: _Level
    deadly_force: _Level


class _Figure(_Strict):
    mean_s: Seconds | None = None
    range_s: Annotated[list[Seconds], Field(min_length=2, max_length=2)] | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one_figure(self) -> _Figure:
        if (self.mean_s is None) == (self.range_s is None):
            found = "both" if self.mean_s is not None else "neither"
            raise ValueError(f"expected either mean_s or range_s = [low, high], found {found}")
        if self.range_s is not None and self.range_s[0] > self.range_s[1]:
            raise ValueError(f"expected range_s as [low, high], found {list(self.range_s)}")
        return self


class _Reference(_Strict):
    simple_reaction: _Figure | None = None
    taser_to_firearm: _Figure | None = None
    firearm_to_taser: _Figure | None = None
    stop_shooting: _Figure | None = None


class _PolicyFile(_Strict):
    schema_version: SchemaVersion
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    levels: _Levels
    reference: _Reference = _Reference()


@dataclass(frozen=True, slots=True)
class LevelPolicy:
    level: ThreatLevel
    expected: tuple[ForceOption, ...]
    note: str


@dataclass(frozen=True, slots=True)
class ReferenceFigure:
    """A published figure shown for context, e.g. the 2.49 s mean TASER-to-firearm time."""

    key: str
    label: str
    mean_s: float | None
    range_s: tuple[float, float] | None
    source: str

    @property
    def text(self) -> str:
        """'2.490 s mean' or '0.200-1.500 s': how the figure reads beside a measured time."""
        if self.range_s is not None:
            return f"{self.range_s[0]:.3f}-{self.range_s[1]:.3f} s"
        return f"{self.mean_s:.3f} s mean"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    title: str
    description: str
    source: str
    levels: tuple[LevelPolicy, ...]  # one per threat level, compliant first
    reference: tuple[ReferenceFigure, ...]

    def expects(self, level: ThreatLevel) -> tuple[ForceOption, ...]:
        return self.levels[level].expected

    def note(self, level: ThreatLevel) -> str:
        return self.levels[level].note

    def figure(self, key: str) -> ReferenceFigure | None:
        return next((f for f in self.reference if f.key == key), None)


def parse_policy(text: str, source: str, name: str | None = None) -> Policy:
    """Validate policy TOML text. `source` names it in errors; the policy's name defaults
    to the source's file stem ("scenarios/policies/default.toml" -> "default")."""
    model = parse_model(_PolicyFile, text, source)
    return _policy(model, source, name if name is not None else Path(source).stem)


def _policy(model: _PolicyFile, source: str, name: str) -> Policy:
    levels = tuple(
        LevelPolicy(level, tuple(entry.expected), entry.note)
        for level in ThreatLevel
        for entry in [getattr(model.levels, level.label)]
    )
    figures = tuple(
        ReferenceFigure(key, label, figure.mean_s,
                        None if figure.range_s is None else (figure.range_s[0], figure.range_s[1]),
                        figure.source)
        for key, label in REFERENCE_LABELS.items()
        for figure in [getattr(model.reference, key)]
        if figure is not None
    )
    return Policy(name, model.title, model.description, source, levels, figures)


def read_policy(path: Path) -> Policy:
    """Read and validate a policy file."""
    return parse_policy(read_text(path), str(path))


def shipped_policy(name: str) -> Policy:
    """A policy shipped under scenarios/policies/, by name ("default")."""
    from range.scenario.catalogue import shipped_source

    return parse_policy(*shipped_source(name, "policies", where="policy"))


def load_policy(ref: str, base: Path | None = None) -> Policy:
    """A scenario's `policy` value: a shipped name, or a .toml path relative to `base`
    (the scenario's folder)."""
    if ref.endswith(".toml"):
        path = Path(ref)
        return read_policy(path if base is None or path.is_absolute() else base / path)
    return shipped_policy(ref)

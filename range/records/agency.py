"""The agency's settings that reports depend on: its name, and whether its rules let a
simulator score stand in for live-fire qualification (by default they do not)."""

from __future__ import annotations

import os
from pathlib import Path

from range.scenario.validation import Strict, parse_model, read_text

ENV = "HOLDFIRE_AGENCY"
NOT_LIVE_FIRE = ("Simulator scores do not replace live-fire qualification: this record "
                 "documents simulator training only.")


class Agency(Strict):
    name: str = ""
    simulator_replaces_live_fire: bool = False
    authority: str = ""  # the rule or order that allows it, named in every report

    def simulator_rule(self) -> str:
        if not self.simulator_replaces_live_fire:
            return NOT_LIVE_FIRE
        by = f" ({self.authority})" if self.authority else ""
        return (f"By the configuration of {self.name or 'the agency'}{by}, this simulator "
                "score counts as a qualification score.")


def load_agency(path: str | None = None) -> Agency:
    """The agency file given, else `HOLDFIRE_AGENCY`'s, else the defaults."""
    chosen = path or os.environ.get(ENV)
    if not chosen:
        return Agency()
    return parse_model(Agency, read_text(Path(chosen)), chosen)

"""One exception hierarchy for the scenario side. Each message names the place (file and
key path, line, or argument) and says what was expected and what was found.

    HoldfireError
      ScenarioError        a scenario, inputs, policy or course file
        InputsError        a scripted officer-inputs file
        UnitError          a quantity with no unit, or one of the wrong dimension
      EventLogError        an event log line that is not a known event
        AnalysisError      a log of known events that cannot be analysed
      RunError             a run that cannot go on (a behaviour loop without end)
"""


class HoldfireError(Exception):
    """Base of every error raised by `range`."""


class ScenarioError(HoldfireError, ValueError):
    """A scenario, inputs, policy or course file that cannot be used. The message names the
    first problem; `problems` lists every one found, a line each."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class InputsError(ScenarioError):
    """A scripted officer-inputs file that cannot be used."""


class UnitError(ScenarioError):
    """A quantity that is not a number with a known unit of the right dimension."""


class EventLogError(HoldfireError, ValueError):
    """An event log line that is not a known event, or a log of a version we cannot read."""


class AnalysisError(EventLogError):
    """An event log that cannot be analysed (no start event, ticks out of order...)."""


class RunError(HoldfireError):
    """A run that cannot go on, such as one whose events would outgrow any memory."""

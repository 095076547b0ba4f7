"""One exception hierarchy for the scenario side. Each message names the place (file and
key path, or argument) and says what was expected and what was found."""


class HoldfireError(Exception):
    """Base of every error raised by `range`."""


class ScenarioError(HoldfireError, ValueError):
    """A scenario, inputs, policy or course file that cannot be used."""


class InputsError(ScenarioError):
    """A scripted officer-inputs file that cannot be used."""

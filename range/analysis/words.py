"""Plain words for what the log writes as codes: threat levels, causes, weapons, zones.

The report is read by range staff, not by the engine's authors: `deadly_force` reads
"deadly force", `hit:upper_torso` reads "hit in the upper torso", `x26` reads "X26 (21 ft
cartridge)". A code this module does not know is shown as it is, with underscores and
hyphens turned into spaces.
"""

from __future__ import annotations

from collections.abc import Iterable

# Device labels and how many cartridges (bays) a device holds loaded at once (domain
# facts B.1): a second pull of a one-bay device needs a new cartridge first, so the time
# between two such pulls is a reload, never a split.
WEAPON_LABELS: dict[str, str] = {
    "pistol": "pistol",
    "x26": "X26 (21 ft cartridge)",
    "x26-25ft": "X26 (25 ft cartridge)",
    "x26p": "X26P (21 ft cartridge)",
    "x2-15ft": "X2 (15 ft cartridge)",
    "x2-25ft": "X2 (25 ft cartridge)",
    "taser7-cq": "TASER 7 (close-quarter cartridge)",
    "taser7-so": "TASER 7 (standoff cartridge)",
    "taser10": "TASER 10",
}
DEVICES: dict[str, str] = {
    "pistol": "pistol", "x26": "X26", "x26-25ft": "X26", "x26p": "X26P", "x2-15ft": "X2",
    "x2-25ft": "X2", "taser7-cq": "TASER 7", "taser7-so": "TASER 7", "taser10": "TASER 10",
}
ONE_BAY_DEVICES = frozenset({"X26", "X26P"})


OPTIONS = {"verbal": "verbal", "taser": "TASER", "firearm": "firearm"}


def option(name: str) -> str:
    return OPTIONS.get(name, name)


def options(names: Iterable[str]) -> str:
    return ", ".join(option(n) for n in names)


def plain(code: str) -> str:
    return code.replace("_", " ").replace("-", " ")


def level(label: str | None) -> str:
    return "compliant" if label is None else plain(label)


def weapon(name: str) -> str:
    return WEAPON_LABELS.get(name, name)


def device(name: str) -> str:
    return DEVICES.get(name, name)


def zone(name: str | None) -> str:
    return "-" if name is None else plain(name)


def cause(code: str, seconds_in_state: float | None = None) -> str:
    """'after' -> 'after 3.0 s', 'command:drop-weapon' -> "on the command 'drop weapon'"."""
    kind, _, value = code.partition(":")
    chance = value == "random" or value.endswith(":random")  # the engine marks chance
    value = value.removesuffix(":random")
    words = {
        "start": "at the start",
        "after": ("after a set time" if seconds_in_state is None
                  else f"after {seconds_in_state:.1f} s"),
        "within": "as the distance closed",
        "beyond": "as the distance opened",
        "agitation above": "as he grew agitated",
        "agitation below": "as he calmed down",
        "command": f"on the command '{plain(value)}'",
        "hit": f"hit in the {plain(value)}",
        "taser": f"TASER {plain(value)}",
        "branch": f"on instructor key {value}",
    }.get(kind, plain(code))
    return words + (" (chosen by chance)" if chance else "")

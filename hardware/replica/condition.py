"""Why a replica's pull may discharge nothing, as far as its own reports tell the host.

The protocol has no status frame: a `TRIG ... fire=0` says only that nothing was
discharged. What the host does know, in stream order, is what the replica acknowledged
(a `LOCK` or `MALF` command answered `ACK ok=1`) and what it reported of its loads (`MAG`
rounds, `CART` states). A dry pull is named by those; when they tell nothing it is
"no_discharge", never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.events import DryCause
from hardware.replica.protocol import (
    Ack,
    Cartridge,
    HostMessage,
    Lockout,
    Magazine,
    Malfunction,
    Trigger,
)

INJECTED: dict[str, DryCause] = {"jam": "jam", "misfire": "misfire", "dud": "dud"}


@dataclass(slots=True)
class Condition:
    locked: bool = False  # a lockout the replica acknowledged
    malfunction: DryCause | None = None  # an injected malfunction it acknowledged
    rounds: int | None = None  # its last MAG report (None: it reports none)
    spent: dict[int, bool] = field(default_factory=dict)  # bay -> fired since loaded
    _sent: dict[str, Lockout | Malfunction] = field(default_factory=dict)  # awaiting ACK

    def sent(self, message: HostMessage) -> None:
        """A host command written to the replica: it counts once acknowledged."""
        if isinstance(message, Lockout):
            self._sent["LOCK"] = message
        elif isinstance(message, Malfunction):
            self._sent["MALF"] = message

    def seen(self, message: object) -> None:
        """A device frame, in stream order."""
        if isinstance(message, Ack):
            self._acknowledged(message)
        elif isinstance(message, Magazine):
            self.rounds = message.rounds
            if message.state == "out" or message.rounds > 0:
                self._cleared("jam")  # a magazine change clears a jam (tap, rack)
        elif isinstance(message, Cartridge):
            self.spent[message.bay] = message.state in ("fired", "dud", "removed")
            if message.state == "loaded":
                self._cleared("jam")
            elif message.state == "dud":
                self._cleared("dud")

    def cause(self, trig: Trigger) -> DryCause | None:
        """Why this pull fired nothing (None: it fired); a misfire is one pull."""
        if trig.fired:
            return None
        if self.locked:
            return "lockout"
        if self.malfunction is not None:
            cause = self.malfunction
            self._cleared("misfire")
            return cause
        if self.rounds == 0:
            return "empty"
        if self.spent and all(self.spent.values()):
            return "spent"
        return "no_discharge"

    def _acknowledged(self, ack: Ack) -> None:
        command = self._sent.pop(ack.cmd, None)
        if not ack.ok or command is None:
            return
        if isinstance(command, Lockout):
            self.locked = command.on
        else:
            self.malfunction = INJECTED.get(command.kind)

    def _cleared(self, kind: DryCause) -> None:
        if self.malfunction == kind:
            self.malfunction = None

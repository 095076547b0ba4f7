"""The provenance of a run as its log's first event records it: what ran (content hashes),
which Holdfire, which inputs, and when on the calendar."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata

from range.run.events import InputSource, Provenance
from range.scenario.validation import content_hash


def holdfire_version() -> str:
    try:
        return metadata.version("holdfire")
    except metadata.PackageNotFoundError:
        return "unknown"  # run from a source tree that was never installed


def provenance(scenario: object, source: InputSource, mono_origin_ns: int,
               inputs: object | None = None, policy: object | None = None,
               rig: str | None = None, calibration: str | None = None,
               wall: datetime | None = None, officers: Sequence[str] = ()) -> Provenance:
    """`wall` is the calendar time at `mono_origin_ns`; now, unless a test fixes it.
    `inputs` is a script, or each officer's (by name) when several are played."""
    started = (wall or datetime.now(UTC)).astimezone(UTC)
    return Provenance(
        holdfire_version=holdfire_version(), scenario_sha256=content_hash(scenario),
        inputs_sha256=_inputs_hash(inputs),
        policy_sha256=content_hash(policy) if policy is not None else None,
        input_source=source, rig=rig, calibration=calibration,
        wall_start=started.isoformat(timespec="milliseconds"), mono_origin_ns=mono_origin_ns,
        officers=list(officers))


def _inputs_hash(inputs: object | None) -> str | None:
    """One script's content hash; for several, the hash of each officer's, by name."""
    if inputs is None:
        return None
    if not isinstance(inputs, Mapping):
        return content_hash(inputs)
    hashes = {name: content_hash(script) for name, script in inputs.items()}
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()

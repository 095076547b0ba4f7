"""Summary figures of timing samples, shared by every benchmark so a p99 means the same
thing wherever it is printed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentiles_ms(samples_ns: Sequence[int], quantiles: Sequence[float]) -> tuple[float, ...]:
    """The given percentiles (0-100) of nanosecond samples, in milliseconds."""
    if not samples_ns:
        raise ValueError("percentiles of no samples")
    values = np.percentile(np.asarray(samples_ns, np.float64) / 1e6, list(quantiles))
    return tuple(float(v) for v in values)

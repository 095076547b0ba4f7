"""Names of the sound assets: a voice line's file, and the effects with the sox recipes
that made them (assets/make_sounds.py). No I/O."""

from __future__ import annotations

import hashlib
import re

# sox effect chains after `sox -n -r 22050 -c 1 -b 16 OUT.wav`: a pistol's report (a
# burst of noise, low-passed, a fast decay) and a TASER's discharge (the ~19 pulses a
# second of its cycle, as clicks over crackle).
EFFECTS: dict[str, str] = {
    "pistol": "synth 0.35 brownnoise gain -9 fade q 0.002 0.35 0.33 lowpass 2500 norm -1",
    "taser": ("synth 1.0 square 19 noise amod 0.6 gain -12 lowpass 6000 highpass 300 "
              "fade 0.01 1.0 0.05 norm -3"),
}


def voice_file(line: str) -> str:
    """The file a voice line is kept in, under assets/: its words, and a short hash so two
    lines that read alike never share a file."""
    words = re.sub(r"[^a-z0-9]+", "-", line.lower()).strip("-")[:40].rstrip("-")
    digest = hashlib.sha256(line.encode("utf-8")).hexdigest()[:8]
    return f"voice/{words}-{digest}.wav"

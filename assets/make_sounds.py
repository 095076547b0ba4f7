"""Make the sound assets offline: every voice line the shipped scenarios name (espeak-ng)
and the effects (sox), as 22,050 Hz mono WAV files in assets/voice and assets/sounds.

Run on a developer machine with espeak-ng and sox installed:
    python -m assets.make_sounds
The files are committed; nothing makes them at run time, and no test needs the tools."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from assets.voices import EFFECTS, voice_file

ASSETS = Path(__file__).resolve().parent
SCENARIOS = ASSETS.parent / "scenarios"


def voice_lines() -> list[str]:
    """Every `say` line of the shipped scenarios, once each, in file order."""
    lines: list[str] = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        for actor in tomllib.loads(path.read_text(encoding="utf-8")).get("actors", []):
            for state in actor.get("states", {}).values():
                line = state.get("say")
                if line and line not in lines:
                    lines.append(line)
    return lines


def speak(line: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(raw), line],
                       check=True)
        subprocess.run(["sox", str(raw), "-r", "22050", "-c", "1", "-b", "16", str(out),
                        "norm", "-3"], check=True)


def effect(name: str, out: Path) -> None:
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(out),
                    *EFFECTS[name].split()], check=True)


def main() -> int:
    for line in voice_lines():
        out = ASSETS / voice_file(line)
        speak(line, out)
        print(f"{out.relative_to(ASSETS)}: {line}")
    for name in EFFECTS:
        out = ASSETS / "sounds" / f"{name}.wav"
        effect(name, out)
        print(f"{out.relative_to(ASSETS)}: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

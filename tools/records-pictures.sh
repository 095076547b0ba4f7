#!/bin/sh
# Redraws the pictures of docs/records.md from a scratch records file: an officer with
# failed and passed FBI and TASER attempts, one signed off; its certificate (through
# pdftoppm), shot groups, history, and the projector's view of targets.
set -eu
cd "$(dirname "$0")/.."
HF=.venv/bin/holdfire
OUT=docs/records
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DB="--db sqlite:///$TMP/records.sqlite"
mkdir -p "$OUT"
$HF officers add 4711 "Dana Reyes" $DB >/dev/null
echo "correct horse" | $HF users add cert --role certifier --password-stdin $DB >/dev/null
for seed in 1 2 3; do $HF qualify fbi-2019 --officer 4711 --inputs poor --seed $seed $DB >/dev/null; done
$HF qualify fbi-2019 --officer 4711 --inputs good --seed 4 $DB >/dev/null
$HF qualify taser-user --officer 4711 --inputs poor --seed 1 $DB >/dev/null
$HF qualify taser-user --officer 4711 --inputs good --seed 2 --view "$OUT/taser-view.png" $DB >/dev/null
echo "correct horse" | $HF records sign 4 --as cert --password-stdin $DB >/dev/null
$HF records certificate 4 --out "$TMP/certificate.pdf" $DB >/dev/null
pdftoppm -png -r 70 -singlefile "$TMP/certificate.pdf" "$OUT/certificate"
$HF records show 1 --plot "$OUT/fbi-groups.png" $DB >/dev/null
$HF records show 6 --plot "$OUT/taser-groups.png" $DB >/dev/null
$HF records history 4711 --plot "$OUT/history.png" $DB >/dev/null
SDL_VIDEODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 .venv/bin/python - <<'PY'
from range.courses.catalogue import load_course
from range.courses.qualify import placement
from range.courses.view import target_png
from range.world.projection import Projection

course = load_course("fbi-2019")
for index in (0, 9):  # 3 yd and 25 yd
    where = placement(course, course.stages[index], Projection())
    with open(f"docs/records/qit99-stage{index + 1}.png", "wb") as out:
        out.write(target_png(where, size=(640, 360)))
PY
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 .venv/bin/python - <<'PY'
# The live qualification's window between strings 1 and 2: "stand by", the holes of 1.
import numpy as np
import pygame

from hardware.clock import ManualClock
from range.courses.catalogue import load_course, load_shooter
from range.courses.live import StageRunner
from range.courses.session import ScriptedMouse, run_qualification
from range.courses.timer import ShotTimer
from range.views.course_window import CourseWindow
from range.world.projection import Projection

course = load_course("fbi-2019")
rng, clock = np.random.default_rng(4), ManualClock()
window = CourseWindow(Projection().resolution, clock, sound=False)
runner = StageRunner(course, ShotTimer(rng), 4)
saved = []

def look(now: int) -> None:
    if runner.index == 1 and not saved and now >= runner.current.start.ready_ns - 8 * 10**9:
        small = pygame.transform.smoothscale(pygame.image.load(__import__("io").BytesIO(
            window.png())), (960, 540))
        pygame.image.save(small, "docs/records/live-qualify.png")
        saved.append(now)

run_qualification(runner, window, clock, 10**9 // 60, course.weapon, "officer",
                  ScriptedMouse(load_shooter("good", course), course.weapon, rng),
                  on_frame=look)
PY
echo "wrote $OUT"

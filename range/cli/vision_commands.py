"""`holdfire detect`, `judge-clips`, `calibrate`, `check-alignment` and `bench vision`.

Building the parser imports nothing heavy (numpy, OpenCV, hardware.vision): each handler
imports what it needs, so `holdfire --help` stays quick."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from range.cli.args import count, folder, number, output_file

DEFAULT_PEER_DATA = Path("../shared/peer-data/shootoff")
DEFAULT_KNOWN_GAPS = Path("tests/data/vision/known_gaps.json")

Handler = Callable[[argparse.Namespace], int]


# hardware.vision.augment.AUGMENTATIONS (a test keeps them the same): named here so that
# building the parser imports nothing heavy
AUGMENTATION_NAMES = ("half-size", "1.5x-size", "darker", "brighter", "noise", "blur",
                      "jpeg", "white-balance", "exposure-swing", "double-rate",
                      "held-out-size-0.7", "held-out-gain-1.2", "held-out-gain-1.7",
                      "held-out-white-balance", "held-out-white-balance-2",
                      "held-out-exposure-swing")

RIGS_HELP = "an existing folder where rigs are kept (default: rigs in the user's data folder)"


def register(subparsers: Any, benches: dict[str, Handler]) -> None:
    p = subparsers.add_parser("detect", help="print the laser shots found in a clip or a still")
    p.add_argument("video", help="a clip path, a still (PNG/JPEG), or a camera URL (video:, "
                                 "synthetic:, cam:)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--mono", action="store_true", help="IR camera: colour is 'ir'")
    p.add_argument("--mask", type=Path, help="PNG, white where shots may be")
    p.add_argument("--rig", help="limit to this rig's calibrated projection area")
    p.add_argument("--rigs-dir", type=folder, default=None, help=RIGS_HELP)
    p.add_argument("--overlay", type=folder,
                   help="an existing folder for a PNG of each shot's frame with the shot marked")
    p.add_argument("--max-frames", type=count(1, 10**9, "frames"), default=None,
                   help="stop after this many")
    p.set_defaults(handler=_detect)

    p = subparsers.add_parser("judge-clips",
                              help="score the detector and calibration on the ShootOFF data")
    p.add_argument("--data", type=Path, default=DEFAULT_PEER_DATA,
                   help=f"folder holding expected.json (default {DEFAULT_PEER_DATA})")
    p.add_argument("--known-gaps", type=Path, default=None,
                   help="the documented differences that do not fail (default "
                        f"{DEFAULT_KNOWN_GAPS}, where it exists)")
    p.add_argument("--no-known-gaps", action="store_true",
                   help="every difference from the peer's lists fails")
    p.add_argument("--folds", action="store_true",
                   help="leave one camera out: figures tuned on all cases beside "
                        "held-out ones (each camera kind judged as chosen by the others)")
    p.add_argument("--augment", choices=AUGMENTATION_NAMES, default=None,
                   help="judge the clips as another camera would have recorded them")
    p.set_defaults(handler=_judge_clips)

    p = subparsers.add_parser("judge-synthetic",
                              help="score the detector on the synthetic kinds of footage")
    p.add_argument("--seeds", type=count(0, 10**9, "seeds"), nargs=2, default=[100, 110],
                   metavar=("FIRST", "END"), help="seeds FIRST..END-1 (default 100 110: "
                   "never looked at while tuning)")
    p.add_argument("--kind", action="append", default=None,
                   help="only this kind (repeatable; default: every kind)")
    p.add_argument("--aware", action="store_true",
                   help="projection-aware: predict the camera image from the frames shown")
    p.set_defaults(handler=_judge_synthetic)

    p = subparsers.add_parser("calibrate", help="fit camera-to-projector from a chessboard")
    p.add_argument("source", help="a camera view: PNG/JPEG still, clip path, or camera URL")
    p.add_argument("--projector", default="1280x720", help="projector size WxH")
    p.add_argument("--rig", help="save the calibration under this rig name")
    p.add_argument("--rigs-dir", type=folder, default=None, help=RIGS_HELP)
    p.add_argument("--frames", type=count(1, 100_000, "frames"), default=60,
                   help="frames to try from a clip")
    p.add_argument("--overlay", type=output_file(".png"),
                   help="write the view with the corners, area and bounds found (PNG)")
    p.add_argument("--ramp", help="the camera's view of the grey ramp (calibration-pattern "
                   "--ramp) shown full screen: fits the projector and camera's photometric "
                   "model, stored with the rig, so sessions on it are projection-aware")
    p.set_defaults(handler=_calibrate)

    p = subparsers.add_parser("calibration-pattern",
                              help="write the chessboard to project for calibration")
    p.add_argument("out", type=output_file(".png"), help="PNG to write")
    p.add_argument("--projector", default="1280x720", help="projector size WxH")
    p.add_argument("--ramp", action="store_true",
                   help="write the grey ramp (black to white) instead of the chessboard")
    p.set_defaults(handler=_pattern)

    p = subparsers.add_parser("check-alignment",
                              help="quick check that a saved rig still matches the camera")
    p.add_argument("rig", help="rig name")
    p.add_argument("source", help="a camera view showing the projected chessboard")
    p.add_argument("--rigs-dir", type=folder, default=None, help=RIGS_HELP)
    p.add_argument("--tolerance", type=number(0.0, 1000.0, "projector px"), default=2.0,
                   help="projector px (mean)")
    p.set_defaults(handler=_check_alignment)

    benches["vision"] = _bench
    benches["projection"] = _bench_projection


def _rigs_dir(args: argparse.Namespace) -> Path:
    from hardware.vision.rig import default_rigs_dir

    given: Path | None = args.rigs_dir
    return given if given is not None else default_rigs_dir()


def _detect(args: argparse.Namespace) -> int:
    from hardware.vision.overlay import OverlayWriter

    overlay = OverlayWriter(args.overlay) if args.overlay else None
    shots = frames = 0
    for frame, found in _detections(args, _mask(args)):
        if overlay and frame is not None:
            overlay.add(frame, found)
        for ev in found:
            _print_shot(ev, args.json)
        shots += len(found)
        frames += frame is not None
    if shots == 0:  # say so: an empty output reads like a command that did nothing
        print(f"0 shots in {frames} frame{'s' if frames != 1 else ''}",
              file=sys.stderr if args.json else sys.stdout)
    return 0


def _detections(args: argparse.Namespace, mask: Any) -> Iterator[tuple[Any, list[Any]]]:
    """(frame, shots first seen in it) in order; a clip's last held shots with no frame."""
    from hardware.vision.detector import ShotDetector, detect_still
    from hardware.vision.frames import Frame
    from hardware.vision.sources import is_still, open_source, read_still, source_url

    if is_still(args.video):
        still = Frame(read_still(args.video), 0, 0)
        yield still, detect_still(still.image, mono=args.mono, mask=mask)
        return
    det = ShotDetector(mask=mask, mono=args.mono)
    src = open_source(source_url(args.video))
    try:
        n = 0
        while (args.max_frames is None or n < args.max_frames) and (f := src.read()) is not None:
            yield f, det.feed(f)
            n += 1
        yield None, det.flush()
    finally:
        src.close()


def _mask(args: argparse.Namespace) -> Any:
    import cv2

    from hardware.errors import MediaError
    from hardware.vision.rig import load_rig

    if args.rig:
        return load_rig(_rigs_dir(args), args.rig).mask()
    if args.mask is None:
        return None
    mask = cv2.imread(str(args.mask), cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise MediaError(f"{args.mask}: cannot read the mask (expected a grey PNG)")
    return mask


def _print_shot(ev: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"t": round(ev.t_ns / 1e9, 6), "x": round(ev.x, 2), "y": round(ev.y, 2),
                          "colour": ev.colour, "frame": ev.frame_index,
                          "peak": round(ev.peak, 1)}))
    else:
        print(f"{ev.t_ns / 1e9:9.3f} s  x {ev.x:7.2f}  y {ev.y:7.2f}  {ev.colour:5s}"
              f"  frame {ev.frame_index}")


def _judge_clips(args: argparse.Namespace) -> int:
    if args.folds:
        return _folds(args)
    if args.augment:
        return _augmented(args)
    from hardware.vision.evaluate import judge_corpus
    from hardware.vision.judge import load_expected
    from hardware.vision.judge_report import report_lines
    from hardware.vision.known_gaps import load_known_gaps

    expected = load_expected(args.data / "expected.json")
    path = _known_gaps_path(args)
    gaps = load_known_gaps(path) if path else ()
    judgement = judge_corpus(args.data, expected, gaps,
                             progress=lambda line: print(line, file=sys.stderr, flush=True))
    for line in report_lines(judgement):
        print(line)
    print(f"known gaps from {path}" if path else "no known gaps given")
    return 0 if judgement.passed else 1


def _known_gaps_path(args: argparse.Namespace) -> Path | None:
    if args.no_known_gaps:
        return None
    given: Path | None = args.known_gaps
    if given is not None:
        return given
    # run from a checkout, like the default --data: its known gaps; elsewhere none
    return DEFAULT_KNOWN_GAPS if DEFAULT_KNOWN_GAPS.is_file() else None


def _calibrate(args: argparse.Namespace) -> int:
    from hardware.errors import CalibrationError
    from hardware.vision.calibration import parse_size
    from hardware.vision.overlay import write_calibration
    from hardware.vision.rig import calibrate_view, fit_rig_photometry, save_rig, view_frames

    size = parse_size(args.projector)
    cal, view = calibrate_view(args.source, size, max_frames=args.frames)
    print(cal.summary())
    _warn_aspect(view, cal, args.projector)
    if args.overlay:
        write_calibration(args.overlay, view, cal)
        print(f"wrote {args.overlay}")
    photometry = None
    if args.ramp:
        ramp = next(view_frames(args.ramp, 1), None)
        if ramp is None:
            raise CalibrationError(f"{args.ramp}: no frame to read the grey ramp from")
        photometry = fit_rig_photometry(cal, view, ramp)
        print("photometry (B, G, R): gain " + _three(photometry.gain) + ", offset "
              + _three(photometry.offset) + ", gamma " + _three(photometry.gamma)
              + f", blur {photometry.blur:g} px")
    if args.rig:
        path = save_rig(_rigs_dir(args), args.rig, cal, photometry)
        print(f"saved rig {args.rig!r} to {path}")
        if photometry is None:
            print("no --ramp view: the rig has no photometric model, so sessions on it "
                  "search the camera with the temporal detector (not projection-aware)")
    return 0


def _three(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def _warn_aspect(view: Any, cal: Any, given: str) -> None:
    from hardware.vision.rig import ASPECT_TOLERANCE, lit_aspect

    seen = lit_aspect(view, cal)
    w, h = cal.projector_size
    if seen is not None and abs(seen / (w / h) - 1) > ASPECT_TOLERANCE:
        print(f"warning: --projector {given} is {w / h:.2f}:1, but the lit area around the "
              f"board is about {seen:.2f}:1; give the size the pattern was made for",
              file=sys.stderr)


def _pattern(args: argparse.Namespace) -> int:
    from hardware.vision.calibration import chessboard_image, parse_size
    from hardware.vision.overlay import write_png
    from hardware.vision.prediction import grey_ramp

    size = parse_size(args.projector)
    if args.ramp:
        write_png(args.out, grey_ramp(size), "the ramp")
        print(f"wrote the {size[0]}x{size[1]} grey ramp to {args.out}")
        return 0
    write_png(args.out, chessboard_image(size), "the pattern")
    print(f"wrote the {size[0]}x{size[1]} calibration pattern to {args.out}")
    return 0


def _check_alignment(args: argparse.Namespace) -> int:
    from hardware.vision.rig import check_alignment, load_rig

    cal = load_rig(_rigs_dir(args), args.rig)
    check = check_alignment(cal, args.source, args.tolerance)
    print(check.summary())
    return 0 if check.ok else 1


def _bench(args: argparse.Namespace) -> int:
    from hardware.vision.bench import run_bench

    for line in run_bench(args.seconds, DEFAULT_PEER_DATA):
        print(line)
    return 0


def _folds(args: argparse.Namespace) -> int:
    from hardware.vision.folds import leave_one_out, score_table, settings
    from hardware.vision.judge import load_expected

    expected = load_expected(args.data / "expected.json")
    table = score_table(args.data, expected, settings(),
                        progress=lambda line: print(line, file=sys.stderr, flush=True))
    for line in leave_one_out(table).lines():
        print(line)
    return 0


def _bench_projection(args: argparse.Namespace) -> int:
    """Projection-aware detection on the simulated rig; --seconds: camera time (600)."""
    from range.bench.projection import run_bench

    for line in run_bench((args.seconds if args.seconds is not None else 600.0) / 60):
        print(line, flush=True)
    return 0


def _augmented(args: argparse.Namespace) -> int:
    from hardware.vision.augment import judge_augmented
    from hardware.vision.judge import Score, load_expected

    expected = load_expected(args.data / "expected.json")
    scores = judge_augmented(args.data, expected, args.augment,
                             progress=lambda line: print(line, file=sys.stderr, flush=True))
    total = Score()
    for file, s in scores.items():
        total.add(s)
        print(f"{Path(file).name[:58]:58s} {s.found:5d} {s.missed:6d} {s.false:5d} "
              f"{s.wrong_colour:6d}")
    print(f"{'TOTAL ' + args.augment:58s} {total.found:5d} {total.missed:6d} "
          f"{total.false:5d} {total.wrong_colour:6d}")
    return 0


def _judge_synthetic(args: argparse.Namespace) -> int:
    from hardware.errors import DeviceUrlError
    from hardware.vision.scenes import KINDS, run_suite

    unknown = [k for k in args.kind or () if k not in KINDS]
    if unknown:
        raise DeviceUrlError(f"--kind {unknown[0]!r}: expected one of {', '.join(KINDS)}")
    first, end = args.seeds
    result = run_suite(range(first, end), args.kind, aware=args.aware,
                       progress=lambda line: print(line, file=sys.stderr, flush=True))
    for line in result.lines():
        print(line)
    return 0

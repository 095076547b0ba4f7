"""`holdfire detect`, `judge-clips`, `calibrate`, `check-alignment` and `bench vision`.

Building the parser imports nothing heavy (numpy, OpenCV, hardware.vision): each handler
imports what it needs, so `holdfire --help` stays quick."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_PEER_DATA = Path("../shared/peer-data/shootoff")
DEFAULT_KNOWN_GAPS = Path("tests/data/vision/known_gaps.json")

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: Any, benches: dict[str, Handler]) -> None:
    p = subparsers.add_parser("detect", help="print the laser shots found in a clip")
    p.add_argument("video", help="a clip path, or a camera URL (video:, synthetic:, cam:)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--mono", action="store_true", help="IR camera: colour is 'ir'")
    p.add_argument("--mask", type=Path, help="PNG, white where shots may be")
    p.add_argument("--rig", help="limit to this rig's calibrated projection area")
    p.add_argument("--rigs-dir", type=Path, default=Path("rigs"), help="where rigs are kept")
    p.add_argument("--overlay", type=Path,
                   help="folder for a PNG of each shot's frame with the shot marked")
    p.add_argument("--max-frames", type=int, default=None, help="stop after this many")
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
    p.set_defaults(handler=_judge_clips)

    p = subparsers.add_parser("calibrate", help="fit camera-to-projector from a chessboard")
    p.add_argument("source", help="a camera view: PNG/JPEG still, clip path, or camera URL")
    p.add_argument("--projector", default="1280x720", help="projector size WxH")
    p.add_argument("--rig", help="save the calibration under this rig name")
    p.add_argument("--rigs-dir", type=Path, default=Path("rigs"), help="where rigs are kept")
    p.add_argument("--frames", type=int, default=60, help="frames to try from a clip")
    p.add_argument("--overlay", type=Path,
                   help="write the view with the corners, area and bounds found (PNG)")
    p.set_defaults(handler=_calibrate)

    p = subparsers.add_parser("calibration-pattern",
                              help="write the chessboard to project for calibration")
    p.add_argument("out", type=Path, help="PNG to write")
    p.add_argument("--projector", default="1280x720", help="projector size WxH")
    p.set_defaults(handler=_pattern)

    p = subparsers.add_parser("check-alignment",
                              help="quick check that a saved rig still matches the camera")
    p.add_argument("rig", help="rig name")
    p.add_argument("source", help="a camera view showing the projected chessboard")
    p.add_argument("--rigs-dir", type=Path, default=Path("rigs"))
    p.add_argument("--tolerance", type=float, default=2.0, help="projector px (mean)")
    p.set_defaults(handler=_check_alignment)

    benches["vision"] = _bench


def _detect(args: argparse.Namespace) -> int:
    from hardware.vision.detector import ShotDetector
    from hardware.vision.overlay import OverlayWriter
    from hardware.vision.sources import open_source, source_url

    det = ShotDetector(mask=_mask(args), mono=args.mono)
    overlay = OverlayWriter(args.overlay) if args.overlay else None
    src = open_source(source_url(args.video))
    try:
        n = 0
        while (args.max_frames is None or n < args.max_frames) and (f := src.read()) is not None:
            shots = det.feed(f)
            if overlay:
                overlay.add(f, shots)
            for ev in shots:
                _print_shot(ev, args.json)
            n += 1
        for ev in det.flush():
            _print_shot(ev, args.json)
    finally:
        src.close()
    return 0


def _mask(args: argparse.Namespace) -> Any:
    import cv2

    from hardware.errors import MediaError
    from hardware.vision.rig import load_rig

    if args.rig:
        return load_rig(args.rigs_dir, args.rig).mask()
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
    from hardware.vision.evaluate import judge_corpus
    from hardware.vision.judge import load_expected
    from hardware.vision.judge_report import report_lines
    from hardware.vision.known_gaps import load_known_gaps

    expected = load_expected(args.data / "expected.json")
    path = _known_gaps_path(args)
    gaps = load_known_gaps(path) if path else ()
    judgement = judge_corpus(args.data, expected, gaps)
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
    from hardware.vision.calibration import parse_size
    from hardware.vision.overlay import write_calibration
    from hardware.vision.rig import calibrate_view, save_rig

    size = parse_size(args.projector)
    cal, view = calibrate_view(args.source, size, max_frames=args.frames)
    print(cal.summary())
    if args.overlay:
        write_calibration(args.overlay, view, cal)
        print(f"wrote {args.overlay}")
    if args.rig:
        path = save_rig(args.rigs_dir, args.rig, cal)
        print(f"saved rig {args.rig!r} to {path}")
    return 0


def _pattern(args: argparse.Namespace) -> int:
    import cv2

    from hardware.errors import MediaError
    from hardware.vision.calibration import chessboard_image, parse_size

    size = parse_size(args.projector)
    if not cv2.imwrite(str(args.out), chessboard_image(size)):
        raise MediaError(f"{args.out}: could not write the pattern (expected a .png path)")
    print(f"wrote the {size[0]}x{size[1]} calibration pattern to {args.out}")
    return 0


def _check_alignment(args: argparse.Namespace) -> int:
    from hardware.vision.rig import check_alignment, load_rig

    cal = load_rig(args.rigs_dir, args.rig)
    check = check_alignment(cal, args.source, args.tolerance)
    print(check.summary())
    return 0 if check.ok else 1


def _bench(args: argparse.Namespace) -> int:
    from hardware.vision.bench import run_bench

    for line in run_bench(args.seconds):
        print(line)
    return 0

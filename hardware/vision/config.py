"""What the detector is told (`DetectorConfig`: every threshold, with its physical reason
in docs/vision.md) and what it measures of each candidate (`Blob`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter

from hardware.events import Colour


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Thresholds in brightness levels (0..255) and pixels at 640x480 (areas scale with
    the frame). Chosen on the ShootOFF clips and synthetic scenes for the general case,
    never per clip."""

    # background and warm-up
    bg_rate: float = 0.1  # background learning rate per frame
    gain_tolerance: float = 0.02  # exposure changes smaller than this are ignored
    warmup_frames: int = 3  # the background must learn the scene first:
    warmup_ms: float = 500.0  # at least this many frames and this long
    half_res_from: int = 1200  # frames this wide are searched at half size, then refined
    # what a dot must be
    min_rise: int = 24  # a dot that clips may rise this little (on a bright background)
    min_rise_unsaturated: int = 40  # one that does not clip must rise this much
    saturated: int = 245  # "clips" (lowered with `clip_level` for a camera that tops out
    clip_level: int = 255  # below 255: the detector sets both from the brightest level seen)
    min_peak: int = 150  # a dot is among the brightest things in view
    min_area: float = 3.0  # a single hot pixel is noise
    min_area_unsaturated: float = 6.0  # so is a dim speck (a blinking pixel looks the same)
    # The lens and the sensor's colour mosaic spread a spot over this many pixels or more
    # each way: a core one pixel thin is an edge or a line of light, not a spot.
    min_side: int = 2
    max_area: float = 1500.0
    max_area_unsaturated: float = 100.0  # bigger than this: clipped, round, rising hard
    max_elongation_large: float = 2.0
    min_fill_large: float = 0.55  # a big dot is a filled disc (0.785), not a lit patch
    min_fill: float = 0.25  # core area / its box: streaks and blotches fill little
    min_fill_unsaturated: float = 0.4  # a dim dot's core is a compact disc
    max_aspect: float = 4.0
    max_elongation: float = 4.5
    streak_elongation: float = 2.2  # longer than this, a dot must rise far and be coloured
    # A first sighting whose white core fills less of its disc than this is a smear,
    # placed on the next frame's dot if that one's core is compact (fills at least this)
    min_core_fill: float = 0.74
    core_headroom: float = 0.25  # the white core: every channel rose this much of its room
    min_rise_streak: int = 80  # smeared laser light still rises far; a lit strip less
    # Moving white content and lit edges add grey light; a laser's smear, or a laser on
    # moving content, still shows its colour at least this much (dominant / other).
    min_purity_moving: float = 1.1
    min_purity: float = 0.0  # for every dot; stills use 1.5 (no history to go on)
    plateau_levels: int = 15  # the position is the centre of the core within this of peak
    # what is going on around it
    max_ring_rise: float = 0.5  # ring rise / peak rise: moving content rises around too
    max_flicker: float = 0.3  # ring's mean |change| over a few frames / peak rise
    activity_rate: float = 0.3  # the motion map's learning rate per frame
    max_activity: float = 5.0  # mean change of 8x8 cells per frame under a dot, levels
    activity_over_quiet: float = 4.0  # or this times the 20th percentile, if higher (at
    # most three times max_activity: a whole-view change is no licence for specks)
    rise_over_activity: float = 10.0  # a clipped coloured dot rising this far over it passes
    max_dots_per_frame: int = 4  # more new dots at once is a flash
    # The most candidates measured in one frame, strongest rise first: a range has a few
    # lanes, each laser a dot; past this many the frame is a flash or a scene change
    # (judged "burst" anyway), and the cost of a frame stays bounded.
    max_candidates: int = 8
    # New light: a laser dot is light that was nowhere near in the previous frame; moving
    # content is light that was a few pixels away then, and content a person uncovers was
    # in the same place a few frames before. Compared with the brightest of the previous
    # frame within this reach (px at 640 wide; more than projected content moves in a
    # frame) and of the frames before in the same place, a pulse's first sighting rises
    # at least this much.
    new_light_reach: float = 7.0
    new_light_frames: int = 10
    min_new_light: int = 24
    # A person may stand in front of content this long and it is still known, when they
    # move on, as content uncovered rather than new light (`memory`): from half a second
    # at a walk to a few seconds stopped.
    hidden_ms: float = 2000.0
    # Clipping hides a clipped blob's rise; a pulse appears from nothing, so at most this
    # share of its newly clipped pixels were clipped a frame before. Moving content
    # overlaps where it was: it moves less than half its own size in a frame.
    max_clipped_before: float = 0.5
    # The weakest channel of a white surface at the clip level is the least of three
    # noisy channels: about one noise sd (2-3 levels) under each, so a clipped white
    # target there reads as a sieve of pixels under `saturated`. In that channel
    # clipping is a level with this noise band under `saturated` (at full scale): the
    # clipped patch grows through it, and a pixel in it was clipped a frame before.
    clip_noise: int = 4
    # one pulse, one event (the peer's rule: a new shot after 60 ms and 2 frames)
    same_pulse_radius: float = 20.0
    same_pulse_ms: float = 60.0
    same_pulse_frames: int = 2
    max_pulse_ms: float = 150.0  # a laser pulse lasts 1 ms to about 100 ms
    still_kernel: int = 21  # px: larger than any dot in a single image


@dataclass(frozen=True, slots=True)
class Blob:
    x: float
    y: float
    area: int
    w: int
    h: int
    peak: int  # brightest value in the current frame
    peak_rise: int
    contrast: float
    ring_rise: float
    d_red: float
    d_green: float
    colour: Colour
    accepted: bool
    why: str
    elongation: float = 1.0  # major / minor axis of the weighted blob: streaks are long
    activity: float = 0.0  # recent frame-to-frame change around it: moving content
    flicker: float = 0.0  # mean |change| of its ring over a few frames / its rise
    # the white core (where every channel rose far): its pixels over the disc its box
    # spans; about 1 for a round dot, low for a smear, 0 if there is no white core
    core_fill: float = 0.0
    # its peak over the light already there (see `history.new_light`; 255: no history,
    # or a rejected blob: only a dot's new light is kept)
    new_light: int = 255
    # its clipped white core appeared from nothing (`history.appeared`): light that is
    # new, where clipping hides how far its peak rose
    appeared: bool = False
    # its core's width across its narrowest axis (from its second moments, px): 1 for a
    # line one pixel thin at any angle, 2 for a bar two pixels thick; inf: not measured
    thickness: float = float("inf")


_BLOB_FIELDS = tuple(f.name for f in fields(Blob))
_BLOB_INDEX = {name: i for i, name in enumerate(_BLOB_FIELDS)}
_blob_values = attrgetter(*_BLOB_FIELDS)


def changed(b: Blob, **changes: object) -> Blob:
    """`dataclasses.replace(b, **changes)` for a blob, at about half its cost (the field
    names looked up once): a frame's candidates are changed a few times each."""
    values = list(_blob_values(b))
    for name, value in changes.items():
        values[_BLOB_INDEX[name]] = value
    return Blob(*values)

"""A rise per channel where max(R, G) has no headroom: dots on backdrops that already clip
the laser's channel or the other of red and green. Hand-drawn frames with known truth."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector, brightness
from hardware.vision.frames import Frame, Image
from hardware.vision.headroom import HeadroomChannels, _headroom_channel
from hardware.vision.pixels import added_light

PERIOD_NS = 33_333_333
Draw = Callable[[Image, int], None]


def _feed(backdrop: tuple[int, int, int], draw: Draw, frames: int = 40) -> list[SpotEvent]:
    """A uniform backdrop (B, G, R) 640x480 with sensor noise (sd 2) and what `draw` adds
    to frame i, through a fresh detector."""
    det = ShotDetector()
    rng = np.random.default_rng(0)
    base = np.array(backdrop, np.float64)
    noise = [np.clip(base + rng.normal(0, 2, (480, 640, 3)), 0, 255).astype(np.uint8)
             for _ in range(3)]
    events: list[SpotEvent] = []
    for i in range(frames):
        image = noise[i % 3].copy()
        draw(image, i)
        events.extend(det.feed(Frame(image, i * PERIOD_NS, i)))
    return [*events, *det.flush()]


def _dot(at: tuple[int, int], fringe: tuple[int, int, int], frames: tuple[int, ...] = (25, 26)
         ) -> Draw:
    """A pulse whose 4 px core clips to white, inside a 7 px fringe of `fringe` light
    added to the backdrop (B, G, R): what a laser's light bleeding out of its own
    channel looks like."""
    yy, xx = np.mgrid[0:480, 0:640]
    r2 = (xx - at[0]) ** 2 + (yy - at[1]) ** 2

    def draw(image: Image, i: int) -> None:
        if i in frames:
            lit = r2 <= 49
            image[lit] = np.clip(image[lit].astype(int) + fringe, 0, 255).astype(np.uint8)
            image[r2 <= 16] = 255
    return draw


def test_a_red_dot_on_a_backdrop_clipping_red_is_found_by_its_blue_and_green() -> None:
    """Red clips (255) before the pulse, so max(R, G) cannot rise; the dot's white core
    rises blue, the channel with the most headroom, by 115 levels over its background
    (140), and its fringe bleeds into both, blue 40 levels (35 % of
    its headroom) and green 20 (27 %): no more in green than the bleed, a red shot."""
    events = _feed((140, 180, 255), _dot((320, 240), (40, 20, 0)))
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (320, 240, "red", 25)]


def test_a_green_dot_on_a_backdrop_clipping_green_is_found_by_its_red() -> None:
    """Green clips; blue (120) has the most headroom, and rises 135 levels in the white
    core. The fringe's own light is green, which cannot show; it
    bleeds into blue 40 levels (30 % of its headroom) and red 20 (24 %): a green shot."""
    events = _feed((120, 255, 170), _dot((200, 300), (40, 0, 20)))
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (200, 300, "green", 25)]


def test_a_green_dot_on_a_backdrop_clipping_red_is_green() -> None:
    """Red clips, green has headroom and the fringe's light is green (it rises 60 levels
    in green against 10 bled into blue): a green shot."""
    events = _feed((100, 150, 255), _dot((400, 200), (10, 60, 0)))
    assert [(round(e.x), round(e.y), e.colour) for e in events] == [(400, 200, "green")]


def test_a_backdrop_clipping_every_channel_shows_nothing() -> None:
    """No channel has room for a rise: the dot is physically invisible, and nothing is
    reported (no rise is made up from clipped pixels)."""
    assert _feed((250, 255, 255), _dot((320, 240), (0, 0, 0))) == []


def test_the_headroom_channel_is_the_darkest_one_if_it_has_room_for_a_rise() -> None:
    """The channel with the most headroom is chosen, if its background is at most the
    clip level less `min_rise` (245 - 24 = 221): otherwise no channel can show a rise."""
    bg = np.array([[[140, 230, 255], [250, 200, 255], [250, 255, 200], [222, 255, 240]]],
                  np.uint8)
    blue, green, red = (m[0].tolist() for m in _headroom_channel(bg, 221))
    assert (blue, green, red) == ([255, 0, 0, 0], [0, 255, 0, 0], [0, 0, 255, 0])


@pytest.mark.parametrize("shape", [(1, 1), (4, 1), (1, 4), (5, 7)])
def test_a_clipped_patch_of_any_size_is_read_in_its_headroom_channel(
        shape: tuple[int, int]) -> None:
    """A backdrop (B, G, R) = (140, 180, 255) clipped in red over a patch of `shape`
    pixels: there brightness is blue's level, 140 (the most headroom, under 221),
    elsewhere max(R, G) as before; patches one or four pixels across included."""
    cfg = DetectorConfig()
    image = np.full((10, 10, 3), (140, 180, 255), np.uint8)
    bright = brightness(image)
    bright_bg = np.zeros_like(bright)
    patch = (slice(2, 2 + shape[0]), slice(3, 3 + shape[1]))
    bright_bg[patch] = 255
    chans = HeadroomChannels(cfg.bg_rate)
    chans.learn(image, bright_bg, 0, cfg)
    seen, rise, ref = chans.view(image, image.copy(), bright, bright_bg,
                                 np.zeros_like(bright), 1.0, cfg)
    assert ref is not None
    expected = bright.copy()
    expected[patch] = 140
    assert (seen == expected).all() and (ref == expected).all() and not rise.any()


def test_nothing_clipped_costs_one_threshold_and_changes_nothing() -> None:
    """A background under the clip level everywhere: brightness and rise are the arrays
    given, and no reference brightness is made."""
    cfg = DetectorConfig()
    image = np.full((48, 64, 3), 200, np.uint8)
    chans = HeadroomChannels(cfg.bg_rate)
    bright = brightness(image)
    rise = np.zeros_like(bright)
    chans.learn(image, bright, 0, cfg)
    seen, risen, ref = chans.view(image, image, bright, bright, rise, 1.0, cfg)
    assert seen is bright and risen is rise and ref is None


def test_colour_on_a_clipped_channel_is_read_against_the_bleed_into_blue() -> None:
    """Every pixel had red clipped: red's light cannot show. Green rising 20 % of its
    headroom and blue 25 % is bleed (red laser); green 50 % against blue 10 % is green
    light."""
    before = np.array([[135, 180, 255]] * 4, np.uint8)
    bleed = np.array([[165, 195, 255]] * 4, np.uint8)  # blue +30 of 120, green +15 of 75
    green = np.array([[147, 217, 255]] * 4, np.uint8)  # blue +12 of 120, green +37 of 75
    d_red, d_green = added_light(bleed, before, 245)
    assert d_red > d_green
    d_red, d_green = added_light(green, before, 245)
    assert d_green > d_red
    # nothing clipped: the same sums as without the clip level
    open_ = np.array([[100, 120, 140]] * 4, np.uint8)
    assert added_light(open_ + 20, open_, 245) == added_light(open_ + 20, open_)

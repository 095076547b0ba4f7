"""Each channel's own top level, and colour read with every channel at the common top:
hand-drawn frames through a white balance with known gains."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from hardware.events import SpotEvent
from hardware.vision.channels import ChannelBalance, balance_gains, channel_top
from hardware.vision.detector import ShotDetector, detect_still
from hardware.vision.frames import Frame, Image

PERIOD_NS = 33_333_333
Draw = Callable[[Image, int], None]
RED_DOWN = (1.25, 1.0, 0.8)  # B, G, R gains: red x0.8 (clips at 204), blue x1.25
PALE = 180  # a pale paper target: little headroom left in any channel


def _balanced_by(image: Image, gains: tuple[float, float, float]) -> Image:
    """What a camera's white balance does after the sensor: a gain per channel, clipped."""
    scaled = image.astype(np.float32) * np.asarray(gains, np.float32)
    out: Image = np.clip(scaled, 0, 255).astype(np.uint8)
    return out


def _feed(draw: Draw, gains: tuple[float, float, float], frames: int = 40) -> list[SpotEvent]:
    """A pale scene 640x480 with what `draw` adds to frame i, sensor noise over it, then
    the white balance, through a fresh detector."""
    det = ShotDetector()
    rng = np.random.default_rng(0)
    noise = [rng.normal(0, 2, (480, 640, 3)).astype(np.float32) for _ in range(3)]
    events: list[SpotEvent] = []
    for i in range(frames):
        scene = np.full((480, 640, 3), PALE, np.uint8)
        draw(scene, i)
        image = np.clip(scene + noise[i % 3], 0, 255).astype(np.uint8)
        events.extend(det.feed(Frame(_balanced_by(image, gains), i * PERIOD_NS, i)))
    return [*events, *det.flush()]


def _lamp(image: Image) -> None:
    """A clipped white patch: every channel shows its top there."""
    cv2.rectangle(image, (300, 200), (340, 230), (255, 255, 255), -1)


def _red_dot(image: Image, at: tuple[int, int]) -> None:
    """A red laser dot on a pale target: its core clips to white, its fringe clips red
    and lifts green by the dot's glare (a camera's crosstalk) by less."""
    cv2.circle(image, at, 7, (190, 215, 255), -1)
    cv2.circle(image, at, 3, (255, 255, 255), -1)


def test_a_channel_top_is_where_levels_pile_up() -> None:
    channel = np.full((100, 100), 120, np.uint8)
    channel[10:20, 10:20] = 204  # a clipped patch: every brighter level folded into 204
    channel[10:12, 30:33] = 203
    assert channel_top(channel) == 204
    channel[40:60, 40:60] = 203  # as many at the level below: a flat area, not a clip
    assert channel_top(channel) == 0
    one = np.full((100, 100), 120, np.uint8)
    one[5, 5] = 250  # a hot pixel
    assert channel_top(one) == 0


def test_a_channel_that_tops_out_lower_is_brought_to_the_common_top() -> None:
    assert balance_gains((255, 255, 204), 0.02) == (1.0, 1.0, 1.25)
    assert balance_gains((0, 255, 204), 0.02) == (1.0, 1.0, 1.25)
    assert balance_gains((255, 0, 253), 0.02) == (1.0, 1.0, 1.0)  # within the tolerance
    assert balance_gains((153, 153, 153), 0.02) == (1.0, 1.0, 1.0)  # a darker camera
    image = _balanced_by(np.full((60, 60, 3), 255, np.uint8), RED_DOWN)
    balance = ChannelBalance()
    balance.learn(image, every=True)
    assert (balance.tops, balance.gains) == ([255, 255, 204], (1.0, 1.0, 1.25))
    assert balance.apply(image)[0, 0].tolist() == [255, 255, 255]
    assert not balance.known  # red may still show a higher top
    white = ChannelBalance()
    white.learn(np.full((60, 60, 3), 255, np.uint8), every=True)
    assert white.known and white.gains == (1.0, 1.0, 1.0)  # nothing left to check


def test_light_already_on_one_scale_learns_no_balance() -> None:
    """Projection-aware, each channel of the unexplained light is a share of that
    channel's headroom: its tops say what the light did, not where the camera clips."""
    image = _balanced_by(np.full((60, 60, 3), 255, np.uint8), RED_DOWN)
    shared = ChannelBalance(shared=True)
    assert shared.known and shared.learn(image, every=True) is None
    assert shared.apply(image) is image and shared.gains == (1.0, 1.0, 1.0)
    shared.reset()
    assert shared.known
    assert ChannelBalance().learn(image, every=True) == (1.0, 1.0, 1.0)  # a camera's: learnt


def test_a_red_dot_under_white_balance_reads_red() -> None:
    """Red x0.8: the red channel clips at 204. Read at 255, its headroom is overstated and
    the dot's clipped red fringe reads weaker than its green (it read green before this
    work); at red's own top it is red."""
    def draw(image: Image, i: int) -> None:
        _lamp(image)
        if i in (25, 26):
            _red_dot(image, (200, 300))

    events = _feed(draw, RED_DOWN)
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (200, 300, "red", 25)]


def test_a_still_under_white_balance_reads_red() -> None:
    image = np.full((480, 640, 3), PALE, np.uint8)
    _lamp(image)
    _red_dot(image, (200, 300))
    events = detect_still(_balanced_by(image, RED_DOWN))
    assert [(round(e.x), round(e.y), e.colour) for e in events] == [(200, 300, "red")]


def test_a_balance_learnt_mid_stream_is_no_shot() -> None:
    """A lamp switched on at frame 20 shows red's top for the first time; the red patch
    already in view is brightened by the new balance, and must not rise over a
    background kept at the old one."""
    def draw(image: Image, i: int) -> None:
        cv2.rectangle(image, (100, 100), (107, 107), (60, 70, 230), -1)  # red print
        if i >= 20:
            cv2.rectangle(image, (400, 50), (470, 100), (255, 255, 255), -1)

    assert _feed(draw, RED_DOWN) == []


def test_a_small_dots_top_piles_up_over_the_frames() -> None:
    """A dot that clips in 3 pixels a frame (red at 204 under the balance, green and blue
    at 255) shows no top in one frame; summed over the frames, 16 pixels at the top and
    none just below it are a clip. A higher level seen later, however few pixels hold
    it, means that was no clip."""
    frame = np.full((60, 60, 3), 100, np.uint8)
    frame[30, 30:33] = (255, 255, 204)
    balance = ChannelBalance()
    for _ in range(5):
        balance.learn(frame, every=True)
    assert (balance.tops, balance.gains) == ([0, 0, 0], (1.0, 1.0, 1.0))  # 15 pixels
    assert balance.learn(frame, every=True) == (1.0, 1.0, 1.0)  # changed, from these
    assert (balance.tops, balance.gains) == ([255, 255, 204], (1.0, 1.0, 1.25))
    frame[10, 10, 2] = 230
    balance.learn(frame, every=True)
    assert (balance.tops, balance.gains) == ([255, 255, 0], (1.0, 1.0, 1.0))

"""The light memory (`hardware.vision.memory`) and the rule it serves: content a person
uncovers is no shot, however long they stood in front of it; a second shot at the same
place is still one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector
from hardware.vision.frames import Frame, Image
from hardware.vision.memory import LightMemory
from hardware.vision.scenes import run_kind

PERIOD_NS = 33_333_333  # 30 fps
BOX = (100, 100, 104, 104)


def _grey(level: int, w: int = 320, h: int = 240) -> Image:
    return np.full((h, w, 3), level, np.uint8)


def _with_patch(level: int, patch: int) -> Image:
    image = _grey(level)
    image[100:104, 100:104] = patch
    return image


def test_the_memory_holds_the_steady_light_over_its_span_then_forgets_it():
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    t = 0
    for _ in range(10):  # the patch shows all through a block, then is hidden
        memory.add(_with_patch(60, 200), t)
        t += PERIOD_NS
    for _ in range(20):
        memory.add(_grey(60), t)
        t += PERIOD_NS
    held = memory.recall(_grey(60), 245).brightest(BOX)
    assert held is not None and held[0].min() == 200
    for _ in range(30):  # a second more: past the span
        memory.add(_grey(60), t)
        t += PERIOD_NS
    held = memory.recall(_grey(60), 245).brightest(BOX)
    assert held is not None and held[0].max() == 60 and not held[1].any()


def test_what_the_detector_measured_is_not_remembered():
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    for k in range(8):  # steady content, but a candidate was measured on it once
        memory.add(_with_patch(60, 200), k * PERIOD_NS,
                   measured=[(99, 99, 105, 105)] if k == 3 else [])
    held = memory.recall(_grey(60), 245).brightest(BOX)
    assert held is not None and held[0].max() == 0


def test_a_bright_thing_passing_through_is_no_steady_light():
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    for k in range(8):  # a white target crosses the place in two frames of the block
        memory.add(_with_patch(60, 255) if k in (2, 3) else _grey(60), k * PERIOD_NS)
    held = memory.recall(_grey(60), 245).brightest(BOX)
    assert held is not None and held[0].max() == 60 and not held[1].any()


def test_each_channel_is_recalled_as_the_camera_shows_it_now():
    # white balance moved: red is 1.25 times as bright now, green as before
    then = _grey(80)
    then[100:104, 100:104] = (40, 100, 160)  # B, G, R: a red-dominant patch
    now = then.copy()
    now[..., 2] = np.clip(now[..., 2] * 1.25, 0, 255).astype(np.uint8)
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    memory.add(then, 0)
    held = memory.recall(now, 245).brightest(BOX)
    assert held is not None and abs(int(held[0].max()) - 200) <= 1  # 160 * 1.25


def test_a_clipped_level_is_known_as_clipped_and_recalled_as_the_view_now_shows_it():
    then = _with_patch(120, 255)
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    memory.add(then, 0)
    darker = (then * 0.8).astype(np.uint8)  # the exposure fell: the patch may still clip
    held = memory.recall(darker, 245).brightest(BOX)
    assert held is not None and held[1].all()  # 255 then: at least that
    assert abs(int(held[0].min()) - 204) <= 1  # at least 255 * 0.8 now


def _scene(frames: int, speed: float, dots: dict[int, tuple[int, int]] | None = None
           ) -> list[Image]:
    """Bright projected content (a lit square, green-dominant, near clipping) on a grey
    wall, and a dark person (an ellipse) who walks in front of it at `speed` px a frame,
    stands over it, and walks on; `dots`: frame -> a laser dot's place."""
    dots = dots or {}
    rng = np.random.default_rng(7)
    noise = [rng.normal(0, 2.0, (240, 320, 3)).astype(np.float32) for _ in range(4)]
    out = []
    for i in range(frames):
        img = np.full((240, 320, 3), 70.0, np.float32)
        img[80:160, 150:230] = (150, 250, 200)
        x = 110 + speed * min(i, 20) + speed * max(0, i - 80)  # stands from 20 to 80
        cv2.ellipse(img, (int(x), 130), (22, 80), 0, 0, 360, (40, 36, 32), -1)
        if i in dots:
            cx, cy = dots[i]
            cv2.circle(img, (cx, cy), 3, (255, 255, 255), -1)
            cv2.circle(img, (cx, cy), 5, (60, 60, 255), 2)
        img += noise[i % len(noise)]
        out.append(np.clip(img, 0, 255).astype(np.uint8))
    return out


def _events(images: list[Image], config: DetectorConfig) -> list[SpotEvent]:
    det = ShotDetector(config)
    events = [e for i, im in enumerate(images) for e in det.feed(Frame(im, i * PERIOD_NS, i))]
    return events + det.flush()


@pytest.mark.parametrize("speed", [1.0, 1.5, 2.5])
def test_content_a_person_stood_in_front_of_is_no_shot_when_uncovered(speed: float):
    images = _scene(150, speed)
    assert _events(images, DetectorConfig()) == []


def test_without_the_memory_that_content_reads_as_shots():
    # the same scene, with the person hiding the content longer than the memory's span:
    # what the rule above stops (if this ever gives nothing, the test above proves nothing)
    short = DetectorConfig(hidden_ms=250.0)
    assert sum(len(_events(_scene(150, s), short)) for s in (1.0, 1.5, 2.5)) > 0


def test_a_second_shot_at_the_same_place_is_a_shot():
    dots = {40: (120, 60), 52: (120, 60), 64: (121, 60)}  # 0.4 s apart, on the wall
    events = _events(_scene(90, 0.0, dots), DetectorConfig())
    assert [e.frame_index for e in events] == [40, 52, 64]


def test_a_mono_camera_is_remembered_in_its_one_channel():
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    then = np.full((240, 320), 100, np.uint8)
    then[100:104, 100:104] = 180
    memory.add(then, 0)
    brighter = np.clip(then * 1.1, 0, 255).astype(np.uint8)  # the exposure rose by 10 %
    held = memory.recall(brighter, 245).brightest(BOX)
    assert held is not None and abs(int(held[0].min()) - 198) <= 1 and not held[1].any()


def test_an_older_block_is_recalled_through_every_gain_change_since():
    # the exposure rose 10 % a quarter second for half a second; the patch showed first
    memory = LightMemory(span_ms=1000.0, block_ms=250.0)
    first = _grey(100)
    first[100:104, 100:104] = 150
    for k, gain in enumerate((1.0, 1.1, 1.21)):
        shown = first if k == 0 else _grey(round(100 * gain))
        memory.add(shown, k * 300_000_000)
    held = memory.recall(_grey(121), 245).brightest(BOX)
    assert held is not None and abs(int(held[0].min()) - 182) <= 1  # 150 * 1.21


@pytest.mark.slow
def test_content_beside_a_person_walking_past_is_remembered():
    """Tuning seed 27 of the over-exposed camera, first 5 s. The person's own rise is a
    candidate, rejected as too large, and its box is a square of its longer side (50-80
    px). Left out of the memory, that box also hid the content visible beside the person
    in every block of the walk past (frames 74-96). A 1x4 sliver of that content, which
    the person then uncovered, read as new light (1 false shot, frame 132, before). Now
    only the boxes of dots and of the moving content the tracker holds are left out."""
    assert run_kind("overexposed-no-shots", 27, seconds=5.0).false == 0

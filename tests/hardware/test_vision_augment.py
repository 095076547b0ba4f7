"""Augmentations of real footage: the same clip as another camera would have given it."""

from __future__ import annotations

import numpy as np

from hardware.vision.augment import AUGMENTATIONS, augmented
from hardware.vision.frames import Frame


def _frames(n: int = 3) -> list[Frame]:
    rng = np.random.default_rng(0)
    return [Frame(rng.integers(0, 200, (48, 64, 3), dtype=np.uint8), i * 33_000_000, i)
            for i in range(n)]


def test_scale_changes_the_size_and_says_how_positions_move() -> None:
    aug = AUGMENTATIONS["half-size"]
    out = list(augmented(_frames(), aug))
    assert out[0].image.shape == (24, 32, 3) and aug.scale == 0.5


def test_double_rate_shows_each_frame_twice_at_half_the_period() -> None:
    out = list(augmented(_frames(), AUGMENTATIONS["double-rate"]))
    assert [f.index for f in out] == list(range(6))
    assert [f.t_ns for f in out] == [0, 0, 33_000_000, 49_500_000, 66_000_000, 82_500_000]
    assert out[2].image is out[3].image


def test_white_balance_moves_red_and_blue_apart() -> None:
    grey = [Frame(np.full((8, 8, 3), 100, np.uint8), 0, 0)]
    pixel = next(augmented(grey, AUGMENTATIONS["white-balance"])).image[0, 0]
    assert pixel[0] > 100 == pixel[1] > pixel[2]


def test_every_augmentation_keeps_frames_valid_images() -> None:
    for aug in AUGMENTATIONS.values():
        for f in augmented(_frames(), aug):
            assert f.image.dtype == np.uint8 and f.image.ndim == 3


def test_the_command_line_names_every_augmentation() -> None:
    from range.cli.vision_commands import AUGMENTATION_NAMES

    assert tuple(AUGMENTATIONS) == AUGMENTATION_NAMES


def test_held_out_strengths_are_marked_and_named_so() -> None:
    held = [a.name for a in AUGMENTATIONS.values() if a.held_out]
    assert len(held) == 6 and all(name.startswith("held-out-") for name in held)
    assert not any(a.name.startswith("held-out-") for a in AUGMENTATIONS.values()
                   if not a.held_out)


def _dot_image(x: float, y: float, size: tuple[int, int] = (160, 120)) -> np.ndarray:
    """A grey image with a round red dot (Gaussian, sd 1.5 px) centred at (x, y)."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    dot = 200 * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * 1.5**2))
    image = np.full((h, w, 3), 30, np.float64)
    image[..., 2] += dot
    return np.clip(image, 0, 255).astype(np.uint8)


def _centroid(image: np.ndarray) -> tuple[float, float]:
    red = image[..., 2].astype(np.float64) - 30
    red[red < 0] = 0
    ys, xs = np.mgrid[0:red.shape[0], 0:red.shape[1]]
    return float((xs * red).sum() / red.sum()), float((ys * red).sum() / red.sum())


def test_positions_on_resized_footage_map_back_onto_the_recording() -> None:
    from hardware.events import SpotEvent
    from hardware.vision.augment import as_recorded

    for name in ("half-size", "1.5x-size", "held-out-size-0.7"):
        aug = AUGMENTATIONS[name]
        assert aug.op is not None
        x, y = _centroid(aug.op(_dot_image(81.0, 57.0), 0))
        back = as_recorded([SpotEvent(0, x, y, "red", 0, 200.0)], aug.scale)[0]
        assert abs(back.x - 81.0) < 0.05 and abs(back.y - 57.0) < 0.05, name
    # dividing by the scale alone is half a recorded pixel off at half size
    x, _ = _centroid(AUGMENTATIONS["half-size"].op(_dot_image(81.0, 57.0), 0))  # type: ignore[misc]
    assert abs(x / 0.5 - 81.0) > 0.45


def test_a_coarser_camera_is_allowed_the_peer_tolerance_in_its_own_pixels() -> None:
    from hardware.vision.augment import judged_at
    from hardware.vision.judge import ClipCase, Point, score_clip

    still = ClipCase("still.png", 480, 361, "strict", (Point(53.0, 175.0, "red"),), (),
                     tolerance=1.0)
    off = [Point(54.6, 175.0, "red")]  # 1.6 recorded px: 0.8 of a half-size camera's pixel
    assert score_clip(still, off).found == 0
    assert judged_at(still, 0.5).tolerance == 2.0
    assert score_clip(judged_at(still, 0.5), off).found == 1
    # a finer camera is held to the pixels the peer's positions were marked on
    assert judged_at(still, 1.5).tolerance == 1.0 and judged_at(still, 1.0) == still

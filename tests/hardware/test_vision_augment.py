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
    assert len(held) == 5 and all(name.startswith("held-out-") for name in held)
    assert not any(a.name.startswith("held-out-") for a in AUGMENTATIONS.values()
                   if not a.held_out)

"""Telling a device URL from a file path: `hardware.urls.is_device_url`, and the camera
sources and `holdfire detect` that rely on it."""

from __future__ import annotations

import string

import pytest

from hardware.errors import DeviceUrlError, MediaError
from hardware.urls import is_device_url
from hardware.vision.sources import open_source, parse_url, source_url
from range.cli import main

URLS = ["video:clip.mp4", "video:C:\\clips\\a.mp4", "cam:0", "cam:1?fps=60",
        "synthetic:?seed=3", "socket://h:1", "loop://", "sim:?model=taser7&seed=3",
        "rfc2217://host:4000", "rtsp://cam.local/live", "video:"]
PATHS = ["C:\\clip.mp4", "C:/clip.mp4", "c:clip.mp4", "clip.mp4", "./clip.mp4",
         "/dev/ttyUSB0", "/tmp/a:b.mp4", "dir/a:b.mp4", "dir\\a:b.mp4", "COM3",
         "\\\\server\\share\\clip.mp4", "", ":0", "1cam:0", "-x:y"]


@pytest.mark.parametrize("text", URLS)
def test_urls_are_urls(text: str) -> None:
    assert is_device_url(text)


@pytest.mark.parametrize("text", PATHS)
def test_paths_are_not_urls(text: str) -> None:
    assert not is_device_url(text)


def test_every_drive_letter_is_a_path_and_every_longer_scheme_a_url() -> None:
    for letter in string.ascii_letters:
        for rest in ("\\clip.mp4", "/clip.mp4", "clip.mp4", ""):
            assert not is_device_url(f"{letter}:{rest}"), f"{letter}:{rest}"
            assert is_device_url(f"{letter}v:{rest}"), f"{letter}v:{rest}"


def test_a_clip_path_becomes_a_video_url_and_a_url_stays_as_it_is() -> None:
    assert source_url("C:\\clips\\a.mp4") == "video:C:\\clips\\a.mp4"
    assert source_url("C:/clips/a.mp4") == "video:C:/clips/a.mp4"
    assert source_url("dir/a:b.mp4") == "video:dir/a:b.mp4"
    assert source_url("cam:0") == "cam:0"
    assert parse_url(source_url("C:\\clips\\a.mp4")).target == "C:\\clips\\a.mp4"


def test_a_windows_path_given_as_a_camera_url_is_refused() -> None:
    with pytest.raises(DeviceUrlError, match="expected one of cam:N"):
        parse_url("C:\\clip.mp4")


def test_a_missing_windows_clip_is_reported_as_a_missing_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    # a drive letter is no scheme: the clip is looked for, not taken for a camera URL
    with pytest.raises(MediaError, match=r"C:\\nope\.mp4: no such video file"):
        open_source(source_url("C:\\nope.mp4"))
    assert main(["detect", "C:/nope.mp4"]) == 2
    assert "C:/nope.mp4: no such video file" in capsys.readouterr().err

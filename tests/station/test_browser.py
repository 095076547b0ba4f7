"""The console and the review driven in a real headless Chromium (Debian's `chromium` and
`chromium-driver`, installed by tools/system-packages.sh): pick a scenario, start it,
press a branch and see the map change, stop; then scrub, play and export a PDF.

Without the browser these tests fail, saying what to install: they never skip. Set
HOLDFIRE_SCREENSHOTS=DIR to keep the screenshots they take (docs/ holds them)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from range.station.app import create_app
from range.station.auth import Access
from range.station.console import Console
from range.station.library import Library
from range.station.runner import RunnerSetup, StepPacer, serve_runs
from range.station.serve import Served
from tests.station.helpers import choice

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
BOUND_S = 40.0  # a loaded 2-core machine: the page polls every 250 ms

pytestmark = pytest.mark.slow


def browser() -> Any:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(f"browser tests need {' and '.join(missing)}: install Debian's chromium "
                    "and chromium-driver (bash tools/system-packages.sh)", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1600,1000", "--hide-scrollbars"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def until(driver: Any, predicate: Any, what: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, BOUND_S, poll_frequency=0.05).until(
        lambda d: predicate(d), message=f"timed out waiting for {what}")


def drawn(driver: Any) -> list[dict[str, str]]:
    text = driver.find_element("id", "map").get_attribute("data-drawn") or "[]"
    found: list[dict[str, str]] = json.loads(text)
    return found


def pressed(console: Console, pacer: StepPacer) -> bool:
    """Whether the live loop took the branch press yet; a frame more if not (the loop takes
    the console's commands between frames)."""
    if any(e["kind"] == "operator" and "pressed" in e["text"]
           for e in console.state()["run"]["timeline"]):
        return True
    pacer.release(1)
    return False


def keep(driver: Any, name: str, tmp: Path) -> None:
    path = tmp / name
    driver.save_screenshot(str(path))
    if os.environ.get("HOLDFIRE_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["HOLDFIRE_SCREENSHOTS"]) / name)


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[str, StepPacer, Console]]:
    console = Console([choice("knife-charge"), choice("crisis-knife")])
    pacer = StepPacer()
    loop = threading.Thread(target=serve_runs,
                            args=(console, RunnerSetup(tmp_path, pacer=pacer)), daemon=True)
    loop.start()
    served = Served(create_app(Access(), console, Library()), "127.0.0.1", 0)
    try:
        yield served.url, pacer, console
    finally:
        console.close()
        pacer.release(10 ** 9)
        loop.join(timeout=30)
        served.close()


def test_console_and_review_in_a_real_browser(station: tuple[str, StepPacer, Console],
                                              tmp_path: Path):
    from selenium.webdriver.support.ui import Select

    url, pacer, console = station
    driver = browser()
    try:
        driver.get(url + "/")
        until(driver, lambda d: len(Select(d.find_element("id", "scenario")).options) == 2,
              "the scenario list")
        Select(driver.find_element("id", "scenario")).select_by_value("crisis-knife")
        until(driver, lambda d: "crisis" in d.find_element("id", "scenario-description")
              .text.lower() or d.find_element("id", "scenario-policy").text, "the description")
        driver.find_element("id", "trainee-name").send_keys("Dana Reyes")
        driver.find_element("id", "trainee-badge").send_keys("4471")
        driver.find_element("id", "save-trainee").click()
        until(driver, lambda d: "Dana Reyes" in d.find_element("id", "trainee-saved").text,
              "the trainee")
        driver.find_element("id", "start").click()
        pacer.release(150)
        until(driver, lambda d: [a for a in drawn(d) if a["id"] == "man"], "the man on the map")
        assert drawn(driver)[0]["state"] != "rushing"
        branch = until(driver, lambda d: [b for b in d.find_elements(
            "css selector", "#branches button") if b.is_enabled()], "a branch button")[0]
        assert branch.get_attribute("data-key") == "1"
        branch.click()
        until(driver, lambda d: pressed(console, pacer), "the press to reach the live loop")
        pacer.release(20)  # he rushes at once, and reaches the officer 2.5 s later
        until(driver, lambda d: drawn(d) and drawn(d)[0]["state"] == "rushing",
              "the branch on the map")
        until(driver, lambda d: d.find_element("id", "view").get_attribute("naturalWidth")
              not in (None, "0"), "the trainee's view")
        keep(driver, "station-console.png", tmp_path)
        driver.find_element("id", "stop").click()
        pacer.release(10 ** 6)
        link = until(driver, lambda d: d.find_elements("id", "review-link"), "the review link")
        link[0].click()

        until(driver, lambda d: d.find_element("id", "scrub").get_attribute("max") not in
              ("0", None), "the review")
        end = int(driver.find_element("id", "scrub").get_attribute("max"))
        middle = end // 2
        driver.execute_script("const s = document.getElementById('scrub'); s.value = "
                              "arguments[0]; s.dispatchEvent(new Event('input'));", middle)
        until(driver, lambda d: d.find_element("id", "view").get_attribute("data-tick")
              == str(middle), "the scrubbed moment")
        driver.find_element("id", "step-forward").click()
        until(driver, lambda d: int(d.find_element("id", "view").get_attribute("data-tick"))
              == middle + 4, "one frame on")
        driver.find_element("id", "speed").send_keys("2x")
        driver.find_element("id", "play").click()
        until(driver, lambda d: int(d.find_element("id", "view").get_attribute("data-tick"))
              > middle + 60, "playing")
        driver.find_element("id", "pause").click()
        rushing = [li for li in driver.find_elements("css selector", "#timeline li.cue")
                   if "rushing" in li.text]
        rushing[0].click()
        jumped = int(rushing[0].get_attribute("data-tick"))
        until(driver, lambda d: d.find_element("id", "view").get_attribute("data-tick")
              == str(jumped), "the jump to the cue")
        keep(driver, "station-review.png", tmp_path)
        pdf = driver.execute_async_script(
            "const done = arguments[0]; fetch(document.getElementById('export-pdf').href)"
            ".then(r => r.arrayBuffer().then(b => done([r.headers.get('content-type'), "
            "String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])));")
        assert pdf == ["application/pdf", "%PDF-"]
    finally:
        driver.quit()


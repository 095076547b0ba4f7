"""Screenshots of the instructor station for the docs, taken in headless Chromium.

    SDL_VIDEODRIVER=dummy .venv/bin/python tools/station_screenshots.py docs/

The console runs knife-charge with its `good` script playing the trainee and is caught
just after the shot; the review is of a winter-jacket session (TASER and firearm), at the
first hit. Needs Debian's chromium and chromium-driver, and the dev dependencies."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from range.cli import main as holdfire
from range.station.app import create_app
from range.station.auth import Access
from range.station.console import Choice, Console
from range.station.library import Library, load_choice
from range.station.runner import RunnerSetup, StepPacer, serve_runs
from range.station.serve import Served


def choice(name: str) -> Choice:
    return load_choice(name)


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000",
                 "--hide-scrollbars"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def settle(driver: webdriver.Chrome, script: str, timeout_s: float = 20.0) -> None:
    end = time.monotonic() + timeout_s
    while not driver.execute_script(script):
        if time.monotonic() > end:
            raise SystemExit(f"timed out: {script}")
        time.sleep(0.1)


def console_shot(out: Path, work: Path, driver: webdriver.Chrome) -> None:
    console = Console([choice("knife-charge"), choice("crisis-knife")])
    pacer = StepPacer()
    setup = RunnerSetup(work, pacer=pacer, inputs="good")
    loop = threading.Thread(target=serve_runs, args=(console, setup), daemon=True)
    loop.start()
    served = Served(create_app(Access(), console, Library()), "127.0.0.1", 0)
    try:
        console.set_trainee("Dana Reyes", "4471")
        driver.get(served.url + "/")
        settle(driver, "return document.getElementById('scenario').options.length > 0")
        console.start("range master", seed=3)
        pacer.release(150)  # the shot at 2.4 s and its hit, on 60 Hz frames
        pacer.shown(150)
        settle(driver, "return (document.getElementById('map').dataset.tick|0) >= 590 && "
               "document.querySelectorAll('#timeline li.hit').length > 0 && "
               "document.getElementById('view').complete")
        time.sleep(0.6)
        driver.save_screenshot(str(out / "station-console.png"))
    finally:
        console.close()
        pacer.release(10 ** 9)
        loop.join(timeout=30)
        served.close()


def review_shot(out: Path, work: Path, driver: webdriver.Chrome) -> None:
    log = work / "winter-jacket-review.jsonl"
    holdfire(["run", "winter-jacket", "--headless", "--inputs", "good", "--no-sound",
              "--log", str(log), "--seed", "4"])
    library = Library()
    name = library.add(log)
    review, _ = library.get(name)
    hit = min(landing.tick for r in review.rounds for landing in r.landings
              if landing.fate == "subject")
    served = Served(create_app(Access(), None, library), "127.0.0.1", 0)
    try:
        driver.get(f"{served.url}/review#{name}")
        settle(driver, "return document.getElementById('scrub').max > 0")
        driver.execute_script("const s = document.getElementById('scrub'); s.value = "
                              f"{hit + 30}; s.dispatchEvent(new Event('input'));")
        settle(driver, f"return document.getElementById('view').dataset.tick == '{hit + 30}'")
        time.sleep(0.4)
        driver.save_screenshot(str(out / "station-review.png"))
    finally:
        served.close()
    print(json.dumps({"review": name, "tick": hit + 30}))


def run(out: Path) -> None:
    driver = browser()
    try:
        with tempfile.TemporaryDirectory() as work:
            console_shot(out, Path(work), driver)
            review_shot(out, Path(work), driver)
    finally:
        driver.quit()


if __name__ == "__main__":
    run(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))

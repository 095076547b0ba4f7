"""A screenshot of the station's certification records page for docs/records.md, taken in
headless Chromium after logging in through the login page as a certifier.

    SDL_VIDEODRIVER=dummy .venv/bin/python tools/records_page_screenshot.py docs/records/

Needs Debian's chromium and chromium-driver, and the dev dependencies."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from station_screenshots import browser, settle

from range.courses.catalogue import course_source, load_shooter
from range.courses.model import parse_course
from range.courses.qualify import shoot_scripted
from range.records.agency import NOT_LIVE_FIRE
from range.records.store import Records
from range.station.app import create_app
from range.station.library import Library
from range.station.serve import Served, access_for

PASSWORD = "a certifier's passphrase"


def filled(records: Records) -> int:
    """An officer with a history on the FBI course; the attempt to show (a pass)."""
    records.add_officer("4711", "Dana Reyes")
    records.add_officer("5120", "Sam Okafor")
    records.add_user("j.miller", "certifier", PASSWORD)
    text, source = course_source("fbi-2019")
    course = parse_course(text, source)
    shown = 0
    for badge, who, seed in (("4711", "poor", 1), ("4711", "poor", 2), ("4711", "good", 3),
                             ("5120", "good", 4), ("4711", "good", 5)):
        attempt = shoot_scripted(course, load_shooter(who, course), seed)
        shown = records.record_attempt(badge, course, text, attempt, f"script {who}",
                                       NOT_LIVE_FIRE)
    records.sign(shown, "j.miller", PASSWORD)
    return shown


def run(out: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        records = Records.open(f"sqlite:///{Path(work) / 'records.sqlite'}")
        shown = filled(records)
        app = create_app(access_for("127.0.0.1", "instructor", records=records), None,
                         Library(), records)
        served = Served(app, "127.0.0.1", 0)
        driver = browser()
        try:
            driver.get(served.url + "/records")  # sent to the login page first
            settle(driver, "return location.pathname == '/login'")
            driver.find_element(By.ID, "name").send_keys("j.miller")
            driver.find_element(By.ID, "code").send_keys(PASSWORD)
            driver.find_element(By.ID, "submit").click()
            settle(driver, "return location.pathname == '/records'")
            driver.get(f"{served.url}/records#attempt/{shown}")
            settle(driver, "return !document.getElementById('attempt-box').hidden && "
                   "document.getElementById('groups').complete && "
                   "document.getElementById('history-plot').complete && "
                   "document.getElementById('chain').textContent.length > 0")
            time.sleep(0.5)
            driver.set_window_size(1600, 1800)
            time.sleep(0.5)
            driver.save_screenshot(str(out / "station-records.png"))
        finally:
            driver.quit()
            served.close()
            records.close()


if __name__ == "__main__":
    run(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/records"))

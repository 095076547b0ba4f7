"""The review replays a log exactly, seeks anywhere to the world as a straight replay
has it, opens older log versions, and exports files a person can read."""

from __future__ import annotations

import dataclasses
import json
import math
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from range.run.events import ShotFired
from range.run.replay import inputs_of
from range.run.scripted import simulate
from range.scenario.catalogue import load_inputs_arg, load_scenario_arg, shipped_names
from range.scenario.policy import load_policy
from range.station.library import open_review
from range.station.review import Review, _first_difference
from range.world.engine import World
from tests.builders import refused, run_cli
from tests.station.helpers import running_station
from tests.station.test_console import wait_for


@pytest.fixture(scope="module")
def live_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A headless live session of the TASER-and-firearm scenario's good script."""
    from range.cli import main

    path = tmp_path_factory.mktemp("logs") / "winter.jsonl"
    assert main(["run", "winter-jacket", "--headless", "--inputs", "good", "--no-sound",
                 "--log", str(path)]) == 0
    return path


def straight(events, scenario, tick: int):
    world = World(scenario, events[0].seed, provenance=events[0].provenance())
    inputs_of(events).drive(world, tick)
    return world.snapshot()


def test_a_seek_shows_the_world_a_replay_from_the_start_shows(live_log: Path):
    review = open_review(live_log)
    assert review.differs_at is None
    assert review.keyframes >= review.end_tick // 120
    rng = random.Random(3)
    ticks = [rng.randrange(review.end_tick) for _ in range(4)] + [0, review.end_tick - 1]
    for tick in ticks:  # jumps back and forth, and playing on from the cursor
        assert review.snapshot_at(tick) == straight(review.events, review.scenario, tick)
        assert review.snapshot_at(tick + 3) == straight(review.events, review.scenario, tick + 3)


def test_every_round_is_accounted_for(live_log: Path):
    review = open_review(live_log)
    fired = [e for e in review.events if isinstance(e, ShotFired)]
    assert [r.shot for r in review.rounds] == [e.shot for e in fired]
    assert all(r.fate != "in_flight" for r in review.rounds)
    taser = [r for r in review.rounds if r.force == "taser"]
    assert taser and all(r.taser_result for r in taser)
    assert all(len(r.landings) == 2 for r in taser if r.weapon != "taser10")


def test_a_console_session_reviewed_gives_the_debrief_of_its_log(tmp_path: Path, capsys):
    """The trainee played by a script (TASER and firearm shots), the range master pressing
    a branch on the console."""
    with running_station(tmp_path, inputs="poor") as station:
        client = station.client
        client.post("/api/console/select", json={"name": "crisis-knife"})
        client.post("/api/console/trainee", json={"name": "T", "badge": "1"})
        client.post("/api/console/start", json={"seed": 2})
        station.pacer.release(120)
        station.pacer.shown(120)
        client.post("/api/console/branch", json={"key": "1", "screen_tick": 400})
        station.pacer.release(10 ** 6)
        wait_for(lambda: client.get("/api/console/state").json()["status"] == "ended", "end")
        name = client.get("/api/reviews").json()[0]
        info = client.get(f"/api/review/{name}/info").json()
        assert info["trainee"] == {"name": "T", "badge": "1"} and info["differs_at"] is None
        assert [e["text"] for e in info["timeline"] if e["kind"] == "branch"][:1] == [
            "branch 1 by instructor"]
        assert [r["weapon"] for r in info["rounds"]] == ["taser7-cq", "taser7-so", "pistol"]
        pdf = client.get(f"/api/review/{name}/debrief.pdf")
        assert pdf.content.startswith(b"%PDF")
        video = client.get(f"/api/review/{name}/video.mp4?fps=1&width=160")
        assert video.headers["content-type"] == "video/mp4" and b"ftyp" in video.content[:16]
    log = tmp_path / f"{name}.jsonl"
    code, out = run_cli(["debrief", str(log), "--json"], capsys)
    assert code == 0
    assert open_review(log).report.to_dict() == json.loads(out.out)


def test_older_log_versions_open_and_others_say_which_they_need(live_log: Path,
                                                               tmp_path: Path, capsys):
    lines = live_log.read_text().splitlines()
    first = json.loads(lines[0])
    old = {k: v for k, v in first.items() if k in ("type", "tick", "t", "scenario", "title",
                                                   "seed", "step_s", "policy", "actors")}
    old["log_version"] = "1.0"
    old_log = tmp_path / "old.jsonl"
    old_log.write_text("\n".join([json.dumps(old), *lines[1:]]) + "\n")
    review = open_review(old_log)
    assert review.start.log_version == "1.0" and review.differs_at is None
    assert review.end_tick == open_review(live_log).end_tick
    future = tmp_path / "future.jsonl"
    future.write_text("\n".join([json.dumps({**first, "log_version": "2.0"}), *lines[1:]]))
    line = refused(["review", str(future), "--plot", str(tmp_path / "p.png")], capsys)
    assert "log version '2.0'" in line and "1.x" in line


def test_an_older_log_without_the_newer_fields_replays_as_it_was_written(live_log: Path,
                                                                       tmp_path: Path):
    # An older log's shots have no device, mode or origin (fields later versions added);
    # the replay, in this version, fills them in: that is no difference from the log. A
    # changed value still is.
    lines = live_log.read_text().splitlines()
    newer = ("device", "mode", "origin", "heading", "first_on_line", "load")
    older = [json.dumps({**json.loads(lines[0]), "log_version": "1.2"})]
    for line in lines[1:]:
        record = json.loads(line)
        if record["type"] == "shot_fired":
            record = {k: v for k, v in record.items() if k not in newer}
        older.append(json.dumps(record))
    old_log = tmp_path / "old.jsonl"
    old_log.write_text("\n".join(older) + "\n")
    review = open_review(old_log)
    shot, logged = next((i, e) for i, e in enumerate(review.events)
                        if isinstance(e, ShotFired))
    replayed = review.replayed[shot]
    assert isinstance(replayed, ShotFired)
    assert logged.device == "" and replayed.device != ""
    assert review.differs_at is None
    review.events[shot] = dataclasses.replace(logged, weapon="taser10")
    assert _first_difference(review.events, review.replayed) == shot + 1


def not_blank(path: Path) -> np.ndarray:
    import cv2

    image = cv2.imread(str(path))
    assert image is not None, path
    assert image.std() > 10, f"{path} looks blank"
    return image


@pytest.mark.slow
def test_headless_exports_are_whole_and_readable(live_log: Path, tmp_path: Path, capsys):
    import cv2

    pdf, plot, video, frames = (tmp_path / "d.pdf", tmp_path / "t.png", tmp_path / "v.mp4",
                                tmp_path / "frames")
    code, out = run_cli(["review", str(live_log), "--pdf", str(pdf), "--plot", str(plot),
                         "--video", str(video), "--frames", str(frames), "--fps", "5",
                         "--width", "480"], capsys)
    assert code == 0, out.err
    review = open_review(live_log)
    expected = int(review.duration_s * 5) + 1
    assert len(list(frames.glob("frame-*.png"))) == expected
    first = not_blank(frames / "frame-00001.png")
    assert first.shape == (270, 480, 3)
    capture = cv2.VideoCapture(str(video))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == expected
    assert not list(tmp_path.glob(".*partial*"))
    not_blank(plot)
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed: tools/system-packages.sh"
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1, "the debrief is one page"
    page = not_blank(pages[0])
    dark = (page.mean(axis=2) < 100).mean()
    assert 0.005 < dark < 0.5, f"text and plot expected on the page, found {dark:.3f} dark"


def test_bad_review_and_console_arguments_are_one_line(tmp_path: Path, capsys):
    missing = refused(["review", str(tmp_path / "none.jsonl"), "--plot",
                       str(tmp_path / "p.png")], capsys)
    assert "none.jsonl" in missing
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"type": "shot_fired", "tick": 0}\n')
    assert "garbage.jsonl" in refused(["review", str(garbage), "--plot",
                                        str(tmp_path / "p.png")], capsys)
    assert "--log with --console" in refused(
        ["run", "knife-charge", "--console", "--log", str(tmp_path / "x.jsonl")], capsys)
    assert "port" in refused(["station", "--console", "127.0.0.1:99999"], capsys)
    assert "expected a file name ending .pdf" in refused(
        ["review", str(garbage), "--pdf", str(tmp_path / "x.txt")], capsys)


def test_a_review_only_station_serves_the_review(live_log: Path):
    from fastapi.testclient import TestClient

    from range.station.app import create_app
    from range.station.auth import Access
    from range.station.library import Library

    library = Library()
    name = library.add(live_log)
    with TestClient(create_app(Access(), None, library)) as client:
        home = client.get("/", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/review"
        assert client.get("/api/whoami").json()["console"] is False
        assert client.get("/api/console/state").status_code == 404
        info = client.get(f"/api/review/{name}/info").json()
        moment = client.get(f"/api/review/{name}/map?tick={info['end_tick'] // 2}").json()
        assert moment["tick"] == info["end_tick"] // 2 and moment["actors"]
        assert client.get(f"/api/review/{name}/view.png?tick=10&width=320").content[:4] == \
            b"\x89PNG"
        assert client.get("/review").text.startswith("<!doctype html>")
        assert client.get("/static/map.js").headers["content-type"].startswith("text/javascript")


@pytest.mark.slow
@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_scenario_seeks_exactly(name: str):
    """Keyframes restore every world the shipped scenarios make (cover, TASER cycles,
    bystanders, dropped weapons) exactly: a seek matches a replay from the start."""
    scenario, _ = load_scenario_arg(name)
    events = simulate(scenario, load_inputs_arg("poor", scenario, None).input, seed=11).events
    review = Review(events, scenario, load_policy(scenario.policy))
    assert review.differs_at is None
    rng = random.Random(name)
    for tick in sorted(rng.randrange(review.end_tick) for _ in range(3)):
        seeked, session = review.snapshot_at(tick), straight(events, scenario, tick)
        if review.exact_at(tick):
            assert seeked == session, tick
        else:  # from a keyframe with bodies in contact: within rounding
            assert seeked.tick == session.tick
            for a, b in zip(seeked.actors, session.actors, strict=True):
                assert (a.state, a.threat) == (b.state, b.threat)
                assert math.dist(a.position, b.position) < 1e-9, tick

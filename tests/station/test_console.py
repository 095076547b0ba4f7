"""The console's routes over its live loop: a run started, steered by a branch button,
paused and stopped, its log written, its trainee and every press in the audit trail."""

from __future__ import annotations

import time
from pathlib import Path

from range.cli.debrief_commands import read_event_log
from range.run.events import BranchKey, OperatorAction, ScenarioEnded
from tests.station.helpers import running_station

BOUND_S = 30.0  # a loaded machine's scheduler: the loop thread gets there well before


def wait_for(predicate, what: str):
    end = time.monotonic() + BOUND_S
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_run_steered_from_the_console_is_logged_with_who_pressed_what(tmp_path: Path):
    with running_station(tmp_path) as station:
        client = station.client
        assert client.post("/api/console/select", json={"name": "crisis-knife"}).status_code == 200
        refused = client.post("/api/console/start", json={})
        assert refused.status_code == 409 and "trainee" in refused.json()["error"]
        client.post("/api/console/trainee", json={"name": "Dana Reyes", "badge": "4471"})
        assert client.post("/api/console/start", json={"seed": 5}).json() == {"seed": 5}
        station.pacer.release(30)
        assert station.pacer.shown(30)
        state = wait_for(lambda: (s := client.get("/api/console/state").json())["run"]
                         and s["run"]["map"] and s["run"]["map"]["tick"] >= 100 and s,
                         "the map")
        man = state["run"]["map"]["actors"][0]
        assert man["id"] == "man" and man["state"] != "rushing"
        assert [b["key"] for b in state["run"]["branches"]] == ["1"]
        screen_tick = state["run"]["map"]["tick"]
        assert client.post("/api/console/branch",
                           json={"key": "9", "screen_tick": screen_tick}).status_code == 409
        client.post("/api/console/branch", json={"key": "1", "screen_tick": screen_tick})
        station.pacer.release(10)
        rushing = wait_for(lambda: [a for a in client.get("/api/console/state").json()
                                    ["run"]["map"]["actors"] if a["state"] == "rushing"],
                           "the branch on the map")
        assert rushing[0]["threat"] == "deadly_force"
        assert client.get("/api/console/view.png?width=320").headers["content-type"] == \
            "image/png"
        client.post("/api/console/stop")
        station.pacer.release(10)
        wait_for(lambda: client.get("/api/console/state").json()["status"] == "ended", "end")
        state = client.get("/api/console/state").json()
        assert state["run"]["log"].endswith(".jsonl")
        assert client.get("/api/reviews").json() == [state["run"]["log"][:-6]]
    events = read_event_log(tmp_path / state["run"]["log"])
    trainee = [e for e in events if isinstance(e, OperatorAction) and e.action == "trainee"]
    assert (trainee[0].subject, trainee[0].detail) == ("Dana Reyes", "4471")
    press = next(e for e in events if isinstance(e, OperatorAction) and e.action == "branch")
    key = next(e for e in events if isinstance(e, BranchKey))
    assert (press.subject, press.screen_tick, press.operator) == ("1", screen_tick, "instructor")
    assert key.tick >= press.tick >= screen_tick
    assert isinstance(events[-1], ScenarioEnded) and "operator" in events[-1].reason


def test_pause_holds_the_world_and_resume_goes_on(tmp_path: Path):
    with running_station(tmp_path) as station:
        client = station.client
        client.post("/api/console/trainee", json={"name": "A", "badge": ""})
        client.post("/api/console/start", json={})
        station.pacer.release(20)
        station.pacer.shown(20)
        client.post("/api/console/pause")
        station.pacer.release(1)
        wait_for(lambda: client.get("/api/console/state").json()["status"] == "paused", "pause")
        tick = client.get("/api/console/state").json()["run"]["map"]["tick"]
        station.pacer.release(50)
        time.sleep(0.2)  # nothing should move: the loop is held, not racing the pacer
        assert client.get("/api/console/state").json()["run"]["map"]["tick"] == tick
        assert client.post("/api/console/start", json={}).status_code == 409
        client.post("/api/console/resume")
        wait_for(lambda: client.get("/api/console/state").json()["run"]["map"]["tick"] > tick,
                 "the run to go on")
        client.post("/api/console/stop")
        station.pacer.release(10 ** 6)
        wait_for(lambda: client.get("/api/console/state").json()["status"] == "ended", "end")
        log = client.get("/api/console/state").json()["run"]["log"]
    actions = [e.action for e in read_event_log(tmp_path / log) if isinstance(e, OperatorAction)]
    assert actions == ["trainee", "pause", "resume"]


def test_bad_requests_are_refused_in_one_line(tmp_path: Path):
    with running_station(tmp_path) as station:
        client = station.client
        answer = client.post("/api/console/select", json={"name": "no-such"})
        assert answer.status_code == 409 and "expected one of" in answer.json()["error"]
        assert client.post("/api/console/trainee", json={"name": ""}).status_code == 422
        assert client.post("/api/console/start", json={"seed": -1}).status_code == 422
        assert client.post("/api/console/stop").status_code == 409
        assert client.get("/api/review/nothing/info").status_code == 404
        assert client.get("/static/..%2Fapp.py").status_code == 404

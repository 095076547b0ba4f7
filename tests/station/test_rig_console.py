"""The console over the simulated rig: each replica's status as its link reports it, and
a command sent over the protocol, answered, and kept in the log."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from range.cli.debrief_commands import read_event_log
from range.run.events import OperatorAction
from range.station.app import create_app
from range.station.auth import Access
from range.station.console import Console
from range.station.library import Library
from range.station.runner import RunnerSetup, StepPacer, serve_runs
from tests.station.helpers import choice
from tests.station.test_console import wait_for


def dummy_window(scenario: Any, clock: Any) -> Any:
    from range.views.window import Window

    return Window(tuple(scenario.rig.resolution), clock, size=(320, 180))


@pytest.mark.slow
def test_rig_status_and_a_lock_sent_to_a_replica(tmp_path: Path):
    console = Console([choice("knife-charge")])
    pacer = StepPacer()
    setup = RunnerSetup(tmp_path, pacer=pacer, window=dummy_window, rig="sim")
    loop = threading.Thread(target=serve_runs, args=(console, setup), daemon=True)
    loop.start()
    try:
        with TestClient(create_app(Access(), console, Library())) as client:
            client.post("/api/console/trainee", json={"name": "T", "badge": ""})
            client.post("/api/console/start", json={})
            pacer.release(70)
            pacer.shown(70)
            rig = wait_for(lambda: (r := client.get("/api/console/state").json()["run"]["rig"])
                           .get("replicas") and r, "the rig's status")
            assert rig["kind"] == "sim" and rig["camera"]["fps"] > 0
            pistol = next(r for r in rig["replicas"] if r["model"] == "pistol")
            assert pistol["id"] == "pistol-sim" and pistol["link"] == "connected"
            assert pistol["battery"].endswith("mV)") and "rounds" in pistol["magazine"]
            assert {"lock", "malfunction", "recoil"} <= set(pistol["commands"])
            taser = next(r for r in rig["replicas"] if r["model"] == "x26")
            assert "recoil" not in taser["commands"]
            refused = client.post("/api/console/replica", json={
                "replica": taser["url"], "command": "recoil", "value": "40"})
            assert refused.status_code == 409 and "capability" in refused.json()["error"]
            client.post("/api/console/replica", json={"replica": pistol["url"],
                                                      "command": "lock"})
            pacer.release(70)
            def answered() -> bool:
                replicas = client.get("/api/console/state").json()["run"]["rig"]["replicas"]
                pacer.release(5)  # the answer comes back over the link as frames go by
                return any(r["last_command"] == "LOCK done" for r in replicas)

            wait_for(answered, "the replica's answer")
            client.post("/api/console/stop")
            pacer.release(10 ** 6)
            wait_for(lambda: client.get("/api/console/state").json()["status"] == "ended", "end")
            log = client.get("/api/console/state").json()["run"]["log"]
    finally:
        console.close()
        pacer.release(10 ** 9)
        loop.join(timeout=30)
    locks = [e for e in read_event_log(tmp_path / log)
             if isinstance(e, OperatorAction) and e.action == "lock"]
    assert [(e.subject, e.operator) for e in locks] == [("pistol-sim", "instructor")]

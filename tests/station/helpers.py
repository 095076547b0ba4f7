"""A console with its live loop on a thread, paced frame by frame by the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from range.station.app import create_app
from range.station.auth import Access
from range.station.console import Choice, Console
from range.station.library import Library, load_choice
from range.station.runner import RunnerSetup, StepPacer, serve_runs


def choice(name: str) -> Choice:
    return load_choice(name)


@dataclass
class Station:
    console: Console
    pacer: StepPacer
    client: TestClient
    sessions: Path


@contextmanager
def running_station(sessions: Path, access: Access | None = None,
                    names: tuple[str, ...] = ("crisis-knife", "knife-charge"),
                    inputs: str | None = None) -> Iterator[Station]:
    console = Console([choice(n) for n in names])
    pacer = StepPacer()
    setup = RunnerSetup(sessions, headless=True, pacer=pacer, inputs=inputs)
    loop = threading.Thread(target=serve_runs, args=(console, setup), daemon=True)
    loop.start()
    app = create_app(access or Access(), console, Library())
    try:
        with TestClient(app) as client:
            yield Station(console, pacer, client, sessions)
    finally:
        console.close()
        pacer.release(10 ** 9)
        loop.join(timeout=30)

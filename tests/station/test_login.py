"""A station served to the network refuses every route without a login; a one-time
pairing code opens a session, once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from range.station.app import OPEN_PATHS
from range.station.auth import COOKIE, Access, PairingCodes, Principal, Sessions
from range.station.serve import access_for
from tests.station.helpers import running_station


def networked() -> tuple[Access, list[str]]:
    shown: list[str] = []
    return Access(authenticators=(PairingCodes(shown.append),), sessions=Sessions()), shown


def concrete(path: str) -> str:
    return (path.replace("{name}", "some-session").replace("{name:path}", "x")
            .replace("{name}", "x"))


def test_every_route_is_refused_without_a_login(tmp_path: Path):
    access, _ = networked()
    with running_station(tmp_path, access) as station:
        routes = [r for r in station.client.app.routes if isinstance(r, APIRoute)]  # type: ignore[attr-defined]
        assert len(routes) >= 20
        checked = 0
        for route in routes:
            for method in route.methods or ():
                answer = station.client.request(method, concrete(route.path), json={},
                                                follow_redirects=False)
                if route.path in OPEN_PATHS:
                    assert answer.status_code != 401, route.path
                    continue
                checked += 1
                if route.path.startswith("/api/"):
                    assert answer.status_code == 401, (method, route.path)
                    assert answer.json() == {"error": "login required"}
                else:
                    assert answer.status_code == 303, (method, route.path)
                    assert answer.headers["location"] == "/login"
        assert checked >= 20
        # A forged or stale cookie is no login either.
        station.client.cookies.set(COOKIE, "forged")
        assert station.client.get("/api/console/state").status_code == 401


def test_a_pairing_code_opens_one_session_and_is_then_replaced(tmp_path: Path):
    access, shown = networked()
    with running_station(tmp_path, access) as station:
        client = station.client
        assert client.post("/api/login", json={"name": "Sgt Vale", "code": "0"}).status_code \
            == 401
        code = shown[-1]
        answer = client.post("/api/login", json={"name": "Sgt Vale", "code": code})
        assert answer.status_code == 200
        assert "httponly" in answer.headers["set-cookie"].lower()
        assert client.get("/api/whoami").json()["name"] == "Sgt Vale"
        assert client.get("/api/console/state").status_code == 200
        assert shown[-1] != code  # used: a new code for the next device
        client.cookies.clear()
        assert client.post("/api/login", json={"name": "Other", "code": code}).status_code \
            == 401
        client.post("/api/login", json={"name": "Sgt Vale", "code": shown[-1]})
        client.post("/api/logout")
        assert client.get("/api/console/state").status_code == 401


def test_wrong_codes_replace_the_code():
    shown: list[str] = []
    codes = PairingCodes(shown.append)
    first = shown[-1]
    for _ in range(5):
        assert codes.authenticate("x", "not it") is None
    assert shown[-1] != first and codes.authenticate("x", first) is None


def test_sessions_expire():
    now = [0.0]
    sessions = Sessions(clock=lambda: now[0], lifetime_s=10)
    token = sessions.open(Principal("a", "range_master"))
    assert sessions.principal(token) == Principal("a", "range_master")
    now[0] = 11
    assert sessions.principal(token) is None


@pytest.mark.parametrize("host,open_", [("127.0.0.1", True), ("0.0.0.0", False),
                                        ("192.168.1.20", False), ("::1", True)])
def test_only_loopback_is_served_without_a_login(host: str, open_: bool):
    assert access_for(host, "instructor", show=lambda code: None).open is open_


class Viewers:
    """An authenticator as the records' users will be: a password, a role."""

    def authenticate(self, name: str, secret: str) -> Principal | None:
        return Principal(name, "trainee") if secret == "letmein" else None


def test_a_role_that_may_not_steer_may_only_look(tmp_path: Path):
    access = Access(authenticators=(Viewers(),), sessions=Sessions())
    with running_station(tmp_path, access) as station:
        client = station.client
        assert client.post("/api/login", json={"name": "Cadet", "code": "letmein"}
                           ).status_code == 200
        assert client.get("/api/console/state").status_code == 200
        answer = client.post("/api/console/trainee", json={"name": "Cadet"})
        assert answer.status_code == 403 and "may look but not steer" in answer.json()["error"]
        assert client.post("/api/console/start", json={}).status_code == 403

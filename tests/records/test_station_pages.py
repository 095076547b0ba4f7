"""The records' pages in the station: every route refused without a records login (on the
range PC too), refused for an officer, open to a range master and a certifier; sign-off
by a certifier with the password entered again, and by nobody else."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from range.records.scratch import ScratchServer
from range.records.store import Records
from range.station.app import create_app
from range.station.library import Library
from range.station.serve import access_for
from tests.records.helpers import PASSWORD, filled

GETS = ("/api/records/officers", "/api/records/officers/B100",
        "/api/records/officers/B100/history.png", "/api/records/attempts/{a}",
        "/api/records/attempts/{a}/groups.png", "/api/records/attempts/{a}/certificate.pdf",
        "/api/records/export.csv", "/api/records/verify", "/api/records/whoami")


def _open(url: str) -> Records:
    return Records.open(url, PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[TestClient, Records, int, int]]:
    records = _open(f"sqlite:///{tmp_path / 'records.sqlite'}")
    passed, failed = filled(records)
    records.add_user("dana", "officer", PASSWORD)
    app = create_app(access_for("127.0.0.1", "instructor", records=records), None, Library(),
                     records)
    with TestClient(app) as client:
        yield client, records, passed, failed
    records.close()


def _login(client: TestClient, name: str, password: str = PASSWORD) -> int:
    status: int = client.post("/api/login", json={"name": name, "code": password}).status_code
    return status


def _routes(attempt: int) -> list[str]:
    return [path.format(a=attempt) for path in GETS]


def test_every_records_route_needs_a_login_even_on_the_range_pc(
        station: tuple[TestClient, Records, int, int]) -> None:
    client, _, passed, _ = station
    assert client.get("/api/reviews").status_code == 200  # the PC's own: open
    for path in _routes(passed):
        assert client.get(path).status_code == 401, path
    assert client.post(f"/api/records/attempts/{passed}/sign",
                       json={"password": PASSWORD}).status_code == 401
    page = client.get("/records", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/records"
    assert _login(client, "cert", "wrong") == 401
    assert client.get("/api/records/officers").status_code == 401
    assert _login(client, "cert") == 200  # on the PC a certifier's login opens the records
    assert client.get("/api/whoami").json()["name"] == "instructor"  # and steers nothing


def test_an_officer_may_not_open_the_records(
        station: tuple[TestClient, Records, int, int]) -> None:
    client, records, passed, _ = station
    assert _login(client, "dana") == 200
    for path in [*_routes(passed), "/records"]:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/api/records/attempts/{passed}/sign",
                       json={"password": PASSWORD}).status_code == 403
    assert records.attempt(passed).signoffs == []


def test_a_range_master_reads_but_does_not_sign(
        station: tuple[TestClient, Records, int, int]) -> None:
    client, records, passed, failed = station
    assert _login(client, "rm") == 200
    assert "Certification records" in client.get("/records").text
    assert client.get("/api/records/officers").json() == [
        {"badge": "B100", "name": "Dana Reyes", "added": records.officers()[0].created_at,
         "attempts": 2}]
    officer = client.get("/api/records/officers/B100").json()
    assert [a["id"] for a in officer["attempts"]] == [passed, failed]
    assert officer["trends"][0]["attempts"] == 2 and "live-fire" in officer["rule"]
    attempt = client.get(f"/api/records/attempts/{failed}").json()
    assert attempt["passed"] is False and len(attempt["stages"]) == 11
    assert sum(len(s["shots"]) for s in attempt["stages"]) == 50
    assert sum(s["points"] for s in attempt["stages"]) == attempt["points"]
    for path in (f"/api/records/attempts/{failed}/groups.png",
                 "/api/records/officers/B100/history.png"):
        assert client.get(path).content[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/records/export.csv?officer=B100").text)))
    assert [int(r["attempt"]) for r in rows] == [passed, failed]
    assert client.get("/api/records/verify").json()["intact"] is True
    refused = client.post(f"/api/records/attempts/{passed}/sign", json={"password": PASSWORD})
    assert refused.status_code == 403 and "certifier" in refused.json()["error"]
    assert client.get("/api/records/attempts/999").status_code == 404
    assert client.get(f"/api/records/attempts/{passed}/certificate.pdf").status_code == 409


def test_a_certifier_signs_with_the_password_again_and_gets_the_certificate(
        station: tuple[TestClient, Records, int, int]) -> None:
    client, records, passed, _ = station
    assert _login(client, "cert") == 200
    wrong = client.post(f"/api/records/attempts/{passed}/sign", json={"password": "nope"})
    assert wrong.status_code == 403 and records.attempt(passed).signoffs == []
    signed = client.post(f"/api/records/attempts/{passed}/sign", json={"password": PASSWORD})
    assert signed.status_code == 200 and signed.json()["signoffs"][0]["user"] == "cert"
    pdf = client.get(f"/api/records/attempts/{passed}/certificate.pdf")
    assert pdf.content[:5] == b"%PDF-" and "attachment" in pdf.headers["content-disposition"]
    assert client.get("/api/records/verify").json()["entries"] == records.verify().entries
    client.post("/api/logout")
    assert client.get("/api/records/officers").status_code == 401


def test_served_to_the_network_the_records_users_log_in_beside_the_pairing_code(
        tmp_path: Path) -> None:
    records = _open(f"sqlite:///{tmp_path / 'records.sqlite'}")
    filled(records)
    codes: list[str] = []
    app = create_app(access_for("0.0.0.0", "instructor", codes.append, records), None,
                     Library(), records)
    with TestClient(app) as client:
        assert client.get("/api/reviews").status_code == 401
        assert _login(client, "tablet", codes[-1]) == 200  # a paired device: no records
        assert client.get("/api/reviews").status_code == 200
        assert client.get("/api/records/officers").status_code == 403
        assert _login(client, "cert") == 200
        assert client.get("/api/records/officers").status_code == 200
    records.close()


def test_without_records_the_station_serves_no_records_pages() -> None:
    app = create_app(access_for("127.0.0.1", "instructor"), None, Library())
    with TestClient(app) as client:
        assert client.get("/api/records/officers").status_code == 404
        assert client.get("/api/reviews").status_code == 200


def test_the_records_pages_on_postgresql(pg_server: ScratchServer) -> None:
    records = _open(pg_server.create_database("station_pages"))
    passed, _ = filled(records)
    app = create_app(access_for("127.0.0.1", "instructor", records=records), None, Library(),
                     records)
    with TestClient(app) as client:
        assert client.get("/api/records/verify").status_code == 401
        assert _login(client, "cert") == 200
        assert client.post(f"/api/records/attempts/{passed}/sign",
                           json={"password": PASSWORD}).status_code == 200
        assert client.get("/api/records/verify").json()["intact"] is True
    records.close()

"""The certification records in the station (`holdfire station --db URL`): the officers,
an officer's history with its trends and plot, an attempt with its strings and shots and
its shot groups, the CSV export, the certificate PDF, the audit chain's `verify`, and a
certifier's sign-off with the password entered again.

Every route here needs a login by a records user, on the range PC too (the middleware
in `range.station.app` sees to it): range masters and certifiers read, only a certifier
signs. Officers do not open these pages: staff show an officer his record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from range.records.store import Records

RECORDS_PREFIXES = ("/records", "/api/records/")


class SignOff(BaseModel):
    password: Annotated[str, Field(min_length=1, max_length=200)]


def is_records_path(path: str) -> bool:
    return path == "/records" or path.startswith(RECORDS_PREFIXES[1])


def records_routes(app: FastAPI, records: Records, page: Callable[[str], Response]) -> None:
    from range.records import reports

    @app.get("/records")
    def records_page() -> Response:
        return page("records")

    @app.get("/api/records/whoami")
    def whoami(request: Request) -> dict[str, Any]:
        who = request.state.principal
        return {"name": who.name, "role": who.role}

    @app.get("/api/records/officers")
    def officers() -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for row in records.attempts():
            counts[row.badge] = counts.get(row.badge, 0) + 1
        return [{"badge": o.badge, "name": o.name, "added": o.created_at,
                 "attempts": counts.get(o.badge, 0)} for o in records.officers()]

    @app.get("/api/records/officers/{badge}")
    def officer(badge: str) -> dict[str, Any]:
        rows = records.history(badge)
        name = _officer_name(records, badge)
        return {"badge": badge, "name": name,
                "attempts": [_attempt_row(r) for r in records.attempts(badge)],
                "trends": [{"course": t.course, "attempts": t.attempts, "passed": t.passed,
                            "last": t.last, "best": t.best, "mean": t.mean,
                            "slope": t.slope, "words": t.words}
                           for t in reports.trends(rows)],
                "rule": _rule(records, rows)}

    @app.get("/api/records/officers/{badge}/history.png")
    def history_plot(badge: str) -> Response:
        from range.records.plots import history_png

        rows = records.history(badge)
        png = history_png(badge, _officer_name(records, badge), rows, _rule(records, rows))
        return Response(png, media_type="image/png")

    @app.get("/api/records/attempts/{attempt_id}")
    def attempt(attempt_id: int) -> dict[str, Any]:
        return _attempt_view(records.attempt(attempt_id))

    @app.get("/api/records/attempts/{attempt_id}/groups.png")
    def groups(attempt_id: int) -> Response:
        from range.records.plots import shot_group_png

        return Response(shot_group_png(records.attempt(attempt_id)), media_type="image/png")

    @app.get("/api/records/attempts/{attempt_id}/certificate.pdf")
    def certificate(attempt_id: int) -> Response:
        from range.records.certificate import certificate_pdf

        return Response(certificate_pdf(records.attempt(attempt_id)),
                        media_type="application/pdf",
                        headers=_download(f"certificate-{attempt_id}.pdf"))

    @app.post("/api/records/attempts/{attempt_id}/sign")
    def sign(attempt_id: int, body: SignOff, request: Request) -> dict[str, Any]:
        who = request.state.principal
        records.sign(attempt_id, who.name, body.password)  # the records check the role
        return _attempt_view(records.attempt(attempt_id))

    @app.get("/api/records/export.csv")
    def export(officer: str | None = None) -> Response:
        views = [records.attempt(r.id) for r in records.attempts(officer)]
        name = f"records-{officer}.csv" if officer else "records.csv"
        return Response(reports.csv_text(views), media_type="text/csv",
                        headers=_download(name))

    @app.get("/api/records/verify")
    def verify() -> dict[str, Any]:
        verdict = records.verify()
        return {"intact": verdict.intact, "problems": list(verdict.problems),
                "entries": verdict.entries, "rows": verdict.rows, "head": verdict.head}


def _officer_name(records: Records, badge: str) -> str:
    from range.records.errors import NotInRecords

    name = next((o.name for o in records.officers() if o.badge == badge), None)
    if name is None:
        raise NotInRecords(f"officer: no officer with badge {badge!r} in the records")
    return str(name)


def _rule(records: Records, rows: list[Any]) -> str:
    from range.records.agency import NOT_LIVE_FIRE

    return str(records.attempt(rows[-1].id).attempt.simulator_rule) if rows else NOT_LIVE_FIRE


def _attempt_row(row: Any) -> dict[str, Any]:
    return {"id": row.id, "shot_at": row.shot_at, "course": row.course, "points": row.points,
            "max_points": row.max_points, "passed": bool(row.passed),
            "corrects": row.corrects_id, "signoffs": row.signoffs}


def _attempt_view(view: Any) -> dict[str, Any]:
    """The attempt's row, its course copy's name and hash, its strings with their shots."""
    shots: dict[int, list[dict[str, Any]]] = {}
    for shot in view.shots:
        shots.setdefault(shot.stage, []).append(_fields(shot, "attempt_id", "stage"))
    return _fields(view.attempt, "officer_id", "course_id", "equipment_id") | {
        "badge": view.badge, "officer": view.officer, "course": view.course.name,
        "title": view.course.title, "course_sha256": view.course.sha256,
        "unconfirmed": [line for line in view.attempt.unconfirmed.splitlines() if line],
        "corrected_by": list(view.corrected_by), "current": view.current,
        "equipment": view.equipment,
        "signoffs": [{"user": user, "at": at} for user, at in view.signoffs],
        "stages": [_fields(stage, "attempt_id") | {"shots": shots.get(stage.stage, [])}
                   for stage in view.stages],
    }


def _fields(row: Any, *leave_out: str) -> dict[str, Any]:
    return {key: value for key, value in row._mapping.items() if key not in leave_out}


def _download(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}

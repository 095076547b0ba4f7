"""The station's web app: the console's and the review's pages and their JSON API, thin
over `Console`, `Library` and `Access`. Every route but the login's is refused without a
session when the station is served to the network."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from range.errors import HoldfireError
from range.records.errors import AccessError, NotInRecords, RecordsError
from range.station.auth import COOKIE, RECORDS_ROLES, Access, Principal
from range.station.console import Command, Console, ConsoleError
from range.station.exports import debrief_pdf, timing_plot, write_video
from range.station.library import Library, NotFound
from range.station.mapview import map_view
from range.station.records_pages import is_records_path, records_routes
from range.station.review import Review

if TYPE_CHECKING:
    from range.records.store import Records

OPEN_PATHS = ("/login", "/api/login")  # the only routes a stranger may reach
PAGES = {"console": "console.html", "review": "review.html", "login": "login.html",
         "records": "records.html"}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
MAX_VIEW_WIDTH = 1920


class Login(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    code: Annotated[str, Field(min_length=1, max_length=200)]  # a code or a password


class Selection(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=120)]


class Trainee(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    badge: Annotated[str, Field(max_length=80)] = ""


class Start(BaseModel):
    seed: Annotated[int, Field(ge=0, lt=2 ** 32)] | None = None


class BranchPress(BaseModel):
    key: Annotated[str, Field(min_length=1, max_length=16)]
    screen_tick: Annotated[int, Field(ge=0)] | None = None


class ReplicaCommand(BaseModel):
    replica: Annotated[str, Field(min_length=1, max_length=200)]
    command: Literal["lock", "unlock", "malfunction", "recoil"]
    value: Annotated[str, Field(max_length=16)] = ""


def create_app(access: Access, console: Console | None, library: Library,
               records: Records | None = None) -> FastAPI:
    app = FastAPI(title="Holdfire station", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(_LoginRequired, access=access, records=records is not None)

    @app.exception_handler(HoldfireError)
    async def refused(request: Request, exc: HoldfireError) -> JSONResponse:
        status = 404 if isinstance(exc, NotFound | NotInRecords) \
            else 403 if isinstance(exc, AccessError) \
            else 409 if isinstance(exc, ConsoleError | RecordsError) else 422
        return JSONResponse({"error": str(exc)}, status_code=status)

    @app.get("/")
    def home() -> Response:
        return _page("console") if console is not None else RedirectResponse("/review", 303)

    @app.get("/review")
    def review_page() -> Response:
        return _page("review")

    @app.get("/login")
    def login_page() -> Response:
        return _page("login")

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        return _static(name)

    @app.post("/api/login")
    def login(body: Login) -> Response:
        token = access.login(body.name, body.code)
        if token is None:
            return JSONResponse({"error": "login: wrong name or code"}, status_code=401)
        response = JSONResponse({"name": body.name})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.post("/api/logout")
    def logout(request: Request) -> Response:
        if access.sessions is not None:
            access.sessions.close(request.cookies.get(COOKIE))
        response = JSONResponse({"done": True})
        response.delete_cookie(COOKIE)
        return response

    @app.get("/api/whoami")
    def whoami(request: Request) -> dict[str, Any]:
        who = _who(request)
        return {"name": who.name, "role": who.role, "console": console is not None}

    if console is not None:
        _console_routes(app, console)
    _review_routes(app, library, console)
    if records is not None:
        records_routes(app, records, _page)
    return app


def _console_routes(app: FastAPI, console: Console) -> None:
    drawn: dict[tuple[int, int], tuple[Any, bytes]] = {}  # the last view drawn (kept alive)
    @app.get("/api/console/scenarios")
    def scenarios() -> list[dict[str, Any]]:
        return [choice.describe() for choice in console.choices.values()]

    @app.get("/api/console/state")
    def state(since: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        return console.state(since)

    @app.post("/api/console/select")
    def select(body: Selection) -> dict[str, Any]:
        console.select(body.name)
        return console.state()

    @app.post("/api/console/trainee")
    def trainee(body: Trainee) -> dict[str, Any]:
        console.set_trainee(body.name, body.badge)
        return console.state()

    @app.post("/api/console/start")
    def start(request: Request, body: Annotated[Start | None, Body()] = None) -> dict[str, Any]:
        return {"seed": console.start(_who(request).name, body.seed if body else None)}

    @app.post("/api/console/again")
    def again(request: Request) -> dict[str, Any]:
        return {"seed": console.again(_who(request).name)}

    @app.post("/api/console/reset")
    def reset() -> dict[str, Any]:
        console.reset()
        return console.state()

    for action in ("pause", "resume", "stop"):
        def act(request: Request, action: Any = action) -> dict[str, Any]:
            console.command(Command(action, _who(request).name))
            return {"queued": action}
        app.post(f"/api/console/{action}", name=action)(act)

    @app.post("/api/console/branch")
    def branch(request: Request, body: BranchPress) -> dict[str, Any]:
        console.command(Command("branch", _who(request).name, key=body.key,
                                screen_tick=body.screen_tick))
        return {"queued": body.key}

    @app.post("/api/console/replica")
    def replica(request: Request, body: ReplicaCommand) -> dict[str, Any]:
        detail = body.command + (f":{body.value}" if body.value else "")
        console.command(Command("replica", _who(request).name, replica=body.replica,
                                detail=detail))
        return {"queued": detail}

    @app.get("/api/console/view.png")
    def view(width: Annotated[int, Query(ge=64, le=MAX_VIEW_WIDTH)] = 480) -> Response:
        from range.views.projector import png_bytes
        from range.views.scene import scene_frame

        snapshot = console.snapshot()
        if snapshot is None:
            return JSONResponse({"error": "view: no run yet"}, status_code=404)
        key = (id(snapshot), width)
        if key not in drawn:  # one drawing per frame and size, however many pages look
            resolution = snapshot.projection.resolution
            size = (width, max(1, round(width * resolution[1] / resolution[0])))
            drawn.clear()
            drawn[key] = (snapshot, png_bytes(scene_frame(snapshot), size=size))
        return Response(drawn[key][1], media_type="image/png",
                        headers={"Cache-Control": "no-store"})


def _review_routes(app: FastAPI, library: Library, console: Console | None) -> None:
    def sessions() -> list[str]:
        if console is not None:
            for path in console.logs:
                library.add(path)
        return library.names()

    @app.get("/api/reviews")
    def reviews() -> list[str]:
        return sessions()

    @app.get("/api/review/{name}/info")
    def info(name: str) -> dict[str, Any]:
        sessions()
        review, _ = library.get(name)
        trainee = review.trainee
        return {
            "name": name, "title": review.start.title, "scenario": review.start.scenario,
            "seed": review.start.seed, "log_version": review.start.log_version,
            "step_s": review.step_s, "end_tick": review.end_tick,
            "frame_ticks": review.frame_ticks, "duration_s": review.duration_s,
            "trainee": {"name": trainee.name, "badge": trainee.badge} if trainee else None,
            "timeline": [e.to_dict() for e in review.timeline],
            "reactions": [r.to_dict() for r in review.reactions],
            "rounds": [r.to_dict() for r in review.rounds],
            "differs_at": review.differs_at,
        }

    @app.get("/api/review/{name}/map")
    def review_map(name: str, tick: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        review, _ = library.get(name)
        return map_view(review.snapshot_at(tick), review.rounds)

    @app.get("/api/review/{name}/view.png")
    def review_view(name: str, tick: Annotated[int, Query(ge=0)] = 0,
                    width: Annotated[int, Query(ge=64, le=MAX_VIEW_WIDTH)] = 960) -> Response:
        review, pictures = library.get(name)
        resolution = review.scenario.rig.resolution
        size = (width, max(1, round(width * resolution[1] / resolution[0])))
        return Response(pictures.png(tick, size), media_type="image/png")

    @app.get("/api/review/{name}/debrief.pdf")
    def pdf(name: str) -> Response:
        review, pictures = library.get(name)
        tick = key_tick(review)
        return Response(debrief_pdf(review, pictures.png(tick), tick * review.step_s),
                        media_type="application/pdf", headers=_download(f"{name}-debrief.pdf"))

    @app.get("/api/review/{name}/video.mp4")
    def video(name: str, fps: Annotated[float, Query(ge=1, le=30)] = 10.0,
              width: Annotated[int, Query(ge=160, le=1920)] = 640) -> Response:
        import tempfile
        from pathlib import Path

        review, pictures = library.get(name)
        resolution = review.scenario.rig.resolution
        size = (width, max(1, round(width * resolution[1] / resolution[0])))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.mp4"
            write_video(pictures, path, fps, size)
            data = path.read_bytes()
        return Response(data, media_type="video/mp4", headers=_download(f"{name}.mp4"))

    @app.get("/api/review/{name}/plot.png")
    def plot(name: str) -> Response:
        review, _ = library.get(name)
        return Response(timing_plot(review), media_type="image/png")


def key_tick(review: Review) -> int:
    """The moment the PDF shows: the first round's landing, else the end."""
    landed = [landing.tick for r in review.rounds for landing in r.landings]
    return min(landed) if landed else review.end_tick


def _download(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _who(request: Request) -> Principal:
    who: Principal = request.state.principal
    return who


def _page(name: str) -> Response:
    text = (resources.files("range.station") / "static" / PAGES[name]).read_text("utf-8")
    return Response(text, media_type="text/html", headers={"Cache-Control": "no-store"})


def _static(name: str) -> Response:
    folder = resources.files("range.station") / "static"
    suffix = name[name.rfind("."):] if "." in name else ""
    if "/" in name or suffix not in STATIC_TYPES or not (folder / name).is_file():
        return JSONResponse({"error": f"static: no file {name!r}"}, status_code=404)
    return Response((folder / name).read_bytes(), media_type=STATIC_TYPES[suffix])


class _LoginRequired(BaseHTTPMiddleware):
    def __init__(self, app: Any, access: Access, records: bool = False) -> None:
        super().__init__(app)
        self.access = access
        self.records = records  # the records' pages are served (else they are not found)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint
                       ) -> Response:
        path = request.url.path
        if self.records and is_records_path(path):  # a records login, on the PC too
            return await self._records(request, call_next)
        principal = self.access.principal(request.cookies.get(COOKIE))
        if principal is None and path not in OPEN_PATHS:
            if request.method == "GET" and not request.url.path.startswith("/api/"):
                return RedirectResponse("/login", status_code=303)
            return JSONResponse({"error": "login required"}, status_code=401)
        if (principal is not None and request.method != "GET"
                and request.url.path.startswith("/api/console/") and not principal.may_steer):
            return JSONResponse({"error": f"{principal.name} ({principal.role}) may look but "
                                 "not steer the console"}, status_code=403)
        request.state.principal = principal
        return await call_next(request)

    async def _records(self, request: Request, call_next: RequestResponseEndpoint
                       ) -> Response:
        principal = self.access.signed_in(request.cookies.get(COOKIE))
        if principal is None:
            if request.method == "GET" and not request.url.path.startswith("/api/"):
                return RedirectResponse("/login?next=/records", status_code=303)
            return JSONResponse({"error": "login required: the records need a records "
                                 "user's login"}, status_code=401)
        if not principal.records_user or principal.role not in RECORDS_ROLES:
            kind = principal.role if principal.records_user else "a paired device"
            return JSONResponse({"error": f"{principal.name} ({kind}) may not open the "
                                 "certification records"}, status_code=403)
        request.state.principal = principal
        return await call_next(request)

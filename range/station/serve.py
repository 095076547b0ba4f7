"""Serving the station: the web app on its own thread (uvicorn), the console's live loop
on the main one, until Ctrl-C. Bound to 127.0.0.1 it is the range PC's own; on any other
address every route needs a login, opened with the pairing code printed here."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from range.errors import HoldfireError
from range.station.auth import Access, PairingCodes, RecordsLogin, Sessions, is_loopback

DEFAULT_PORT = 8470
START_TIMEOUT_S = 20.0


def parse_listen(text: str) -> tuple[str, int]:
    """HOST:PORT, HOST, or :PORT (the rest from 127.0.0.1:8470)."""
    host, _, port = text.rpartition(":") if ":" in text else (text, "", str(DEFAULT_PORT))
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise HoldfireError(f"--console {text!r}: expected HOST:PORT with a port from 0 to "
                            "65535")
    return host, int(port)


def access_for(host: str, operator: str, show: Callable[[str], None] | None = None,
               records: Any = None) -> Access:
    """The range PC's own (open), or pairing codes; with records, their users log in too,
    and the records' pages always need that login."""
    users = (RecordsLogin(records),) if records is not None else ()
    if is_loopback(host):
        if not users:
            return Access(local_operator=operator)
        return Access(users, Sessions(), local_operator=operator, local=True)
    codes = PairingCodes(show or _print_code)
    return Access(authenticators=(*users, codes), sessions=Sessions())


def _print_code(code: str) -> None:
    print(f"holdfire station: pairing code for the next device to log in: {code}",
          file=sys.stderr, flush=True)


class Served:
    """The web app listening on its own thread."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        import uvicorn

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((host, port))
        except OSError as exc:
            self.socket.close()
            raise HoldfireError(f"--console {host}:{port}: cannot listen there: "
                                f"{exc.strerror}") from None
        self.host, self.port = host, self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.socket]}, daemon=True,
                                       name="station web")
        self.thread.start()
        began = time.monotonic()
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() - began > START_TIMEOUT_S:
                raise HoldfireError(f"{self.url}: the station's web server did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]') else host}:{self.port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5.0)
        self.socket.close()


def wait_forever(stop: threading.Event | None = None) -> None:
    """Until Ctrl-C (or `stop`)."""
    event = stop or threading.Event()
    while not event.wait(0.5):
        pass


def default_sessions() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("holdfire")) / "sessions"

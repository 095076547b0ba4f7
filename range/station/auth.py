"""Who may use a networked station: a login, then a session cookie.

Bound to 127.0.0.1 (the default) the station is the range PC's own and asks no login.
Served to the network it refuses every request without a session. A session is opened
with a one-time pairing code shown on the range PC (each code works once and a new one
is shown after it is used, or after a few wrong tries), or, later, with a user and
password of the records database: anything that is an `Authenticator` plugs in beside
the pairing code and names the user's role. Session tokens are random, kept only as
their SHA-256, and expire."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

CODE_DIGITS = 8
TRIES_PER_CODE = 5  # wrong codes before the code is replaced: guessing stays hopeless
SESSION_S = 12 * 3600  # a range day
COOKIE = "holdfire_session"


# Who may steer a session (start, stop, branch, command a replica); any other role the
# records bring (a trainee looking at his own review, say) may only look.
STEERING_ROLES = frozenset({"range_master", "instructor", "admin"})


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: str  # "range_master" for a paired device; else the records user's role
    records_user: bool = False  # logged in as a records user (not a paired device)

    @property
    def may_steer(self) -> bool:
        return self.role in STEERING_ROLES


class Authenticator(Protocol):
    def authenticate(self, name: str, secret: str) -> Principal | None: ...


class PairingCodes:
    """One-time codes, shown on the range PC through `show` (a new one after each use)."""

    def __init__(self, show: Callable[[str], None],
                 make: Callable[[], str] | None = None) -> None:
        self._show = show
        self._make = make or _random_code
        self._lock = threading.Lock()
        self._wrong = 0
        self._code = ""
        self._renew()

    def _renew(self) -> None:
        self._code = self._make()
        self._wrong = 0
        self._show(self._code)

    def authenticate(self, name: str, secret: str) -> Principal | None:
        with self._lock:
            if hmac.compare_digest(secret.strip().encode(), self._code.encode()):
                self._renew()
                return Principal(name, "range_master")
            self._wrong += 1
            if self._wrong >= TRIES_PER_CODE:
                self._renew()
            return None


def _random_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


class Sessions:
    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 lifetime_s: float = SESSION_S) -> None:
        self._clock = clock
        self._lifetime_s = lifetime_s
        self._open: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def open(self, principal: Principal) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._open[_digest(token)] = (principal, self._clock() + self._lifetime_s)
        return token

    def principal(self, token: str | None) -> Principal | None:
        if not token:
            return None
        with self._lock:
            found = self._open.get(_digest(token))
            if found is None:
                return None
            if found[1] <= self._clock():
                del self._open[_digest(token)]
                return None
            return found[0]

    def close(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._open.pop(_digest(token), None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Who may open the certification records' pages; only a certifier signs (the records
# check that again). An officer's own record is shown to him by staff, not here.
RECORDS_ROLES = frozenset({"range_master", "certifier"})


class RecordsLogin:
    """The records' users (argon2 hashes) as station logins, with their records role."""

    def __init__(self, records: Any) -> None:
        self._records = records

    def authenticate(self, name: str, secret: str) -> Principal | None:
        from range.records.errors import AccessError

        try:
            user = self._records.authenticate(name, secret)
        except AccessError:
            return None
        return Principal(user.name, user.role, records_user=True)


@dataclass(slots=True)
class Access:
    """Open (the range PC's own, on 127.0.0.1) or behind a login. `local`: on the range
    PC with records, the console stays open but the records' pages need a login."""

    authenticators: Sequence[Authenticator] = ()
    sessions: Sessions | None = None
    local_operator: str = "instructor"
    local: bool = False

    @property
    def open(self) -> bool:
        return self.sessions is None or self.local

    def login(self, name: str, secret: str) -> str | None:
        """A session token for a right name and secret, else None."""
        if self.sessions is None or not name.strip():
            return None
        for authenticator in self.authenticators:
            principal = authenticator.authenticate(name.strip(), secret)
            if principal is not None:
                return self.sessions.open(principal)
        return None

    def principal(self, token: str | None) -> Principal | None:
        """Who is at the console: on the range PC always its own operator (a records login
        there opens the records, it does not change who steers)."""
        if self.open:
            return Principal(self.local_operator, "range_master")
        return self.signed_in(token)

    def signed_in(self, token: str | None) -> Principal | None:
        """Whoever logged in with this session, never the range PC's own operator."""
        return None if self.sessions is None else self.sessions.principal(token)


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")

"""Who is asking: a bearer token (API clients, phones) or a browser session cookie, each
resolved to the user's `Scope`. Logins are throttled; a browser session's state-changing
requests carry its CSRF token; a login always starts a new session (no fixation)."""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from mrv import models
from mrv.web._problems import documented

#: The browser session's cookie.
SESSION_COOKIE = "mrv_session"
#: The header (or form field) that carries a session's CSRF token.
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class ThrottledError(Exception):
    """Too many failed logins of one name from one address (or from one address)."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"too many failed logins: try again in {retry_after} s")


class LoginThrottle:
    """Failed logins counted in a sliding window, per (name, address) and per address:
    past the limit, logins answer 429 until the oldest failure leaves the window. Kept in
    the server's memory (one process; behind several workers, each counts its own)."""

    def __init__(self, per_user: int = 5, per_address: int = 20, window: float = 900.0):
        self.limits = {"user": per_user, "address": per_address}
        self.window = window
        self._failures: dict[tuple, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, name: str, address: str) -> tuple[tuple, tuple]:
        return ("user", models.person_key(name), address), ("address", address)

    def check(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(name, address):
                failures = self._failures[key]
                while failures and failures[0] <= now - self.window:
                    failures.popleft()
                if len(failures) >= self.limits[key[0]]:
                    raise ThrottledError(max(1, int(failures[0] + self.window - now) + 1))

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            for key in self._keys(name, address):
                self._failures[key].append(time.monotonic())

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(name, address)[0], None)


@dataclass(frozen=True)
class Caller:
    """The scope of the person behind a request, and how they came (bearer or session)."""

    scope: models.Scope
    via: str
    token: str
    csrf: str = ""


def engine_of(request: Request):
    """The database engine the server was created on."""
    return request.app.state.engine


async def caller(request: Request) -> Caller:
    """The authenticated caller: 401 without a live token or session, 403 when a session's
    state-changing request lacks its CSRF token (the `X-CSRF-Token` header, or a form's
    `csrf_token` field)."""
    engine = engine_of(request)
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token = header[7:].strip()
        found = await run_in_threadpool(models.token_scope, engine, token, "bearer")
        if found is None:
            raise HTTPException(401, "the bearer token is unknown, expired or revoked: ask for a new one "
                                     "(POST /api/v1/token)", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return Caller(found[0], "bearer", token)
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await run_in_threadpool(models.token_scope, engine, token, "session") if token else None
    if found is None:
        raise HTTPException(401, "log in first: POST /api/v1/token for a bearer token, or POST /api/v1/session "
                                 "for a browser session", headers={"WWW-Authenticate": "Bearer"})
    scope, csrf = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent and request.headers.get("content-type", "").startswith(FORMS):
            sent = str((await request.form()).get("csrf_token", ""))
        if not (csrf and sent and hmac.compare_digest(sent, csrf)):
            raise HTTPException(403, f"a state-changing request of a browser session needs its {CSRF_HEADER} "
                                     "header (the csrf_token given at login)")
    return Caller(scope, "session", token, csrf)


def scope(found: Caller = Depends(caller)) -> models.Scope:
    """The caller's scope (the dependency most routes take)."""
    return found.scope


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class SessionOut(BaseModel):
    user: str
    role: str
    csrf_token: str
    expires_in: int


router = APIRouter(prefix="/api/v1", tags=["accounts"])


def login(request: Request, username: str, password: str):
    throttle: LoginThrottle = request.app.state.throttle
    address = request.client.host if request.client else "unknown"
    throttle.check(username, address)
    user = models.authenticate(engine_of(request), username, password)
    if user is None:
        throttle.failed(username, address)
        raise HTTPException(401, "the name or the password is wrong", headers={"WWW-Authenticate": "Bearer"})
    throttle.succeeded(username, address)
    return user


@router.post("/token", response_model=TokenOut, responses=documented(401, 422, 429))
def token(request: Request, username: str = Form(..., min_length=1), password: str = Form(..., min_length=1)) -> TokenOut:
    """A bearer token for an API client (OAuth2 password form fields)."""
    user = login(request, username, password)
    access, _, lifetime = models.issue_token(engine_of(request), user, "bearer")
    return TokenOut(access_token=access, expires_in=lifetime)


@router.delete("/token", status_code=204, responses=documented(401))
def revoke(request: Request, found: Caller = Depends(caller)) -> Response:
    """End the token (or session) this request came with."""
    models.revoke_token(engine_of(request), found.token)
    return Response(status_code=204)


@router.post("/session", response_model=SessionOut, responses=documented(401, 422, 429))
def session(request: Request, response: Response, username: str = Form(..., min_length=1), password: str = Form(..., min_length=1)) -> SessionOut:
    """Log a browser in: a new session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS);
    a session cookie sent with the login ends, so a planted session id is never logged in."""
    user = login(request, username, password)
    csrf, lifetime = start_session(request, response, user)
    return SessionOut(user=user.name, role=user.role, csrf_token=csrf, expires_in=lifetime)


def start_session(request: Request, response: Response, user) -> tuple[str, int]:
    """A new browser session for `user` in the response's cookie; the session the request
    came with (if any) ends. Returns its CSRF token and lifetime in seconds."""
    engine = engine_of(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        models.revoke_token(engine, old)
    value, csrf, lifetime = models.issue_token(engine, user, "session")
    response.set_cookie(SESSION_COOKIE, value, max_age=lifetime, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return csrf, lifetime


@router.delete("/session", status_code=204, responses=documented(401, 403))
def logout(request: Request, found: Caller = Depends(caller)) -> Response:
    """Log out: the session ends and its cookie is cleared."""
    models.revoke_token(engine_of(request), found.token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
